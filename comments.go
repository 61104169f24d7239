package instagram

import (
	"context"
	"iter"
	"net/url"
	"strings"
)

// CommentsService reads and moderates comments on media.
//
// Comments are listed per media (List, All) and replies per comment
// (Replies, AllReplies). The account can comment (Create), reply (Reply),
// hide or unhide comments (Hide, Unhide, SetHidden) and delete them
// (Delete). Turning comments on or off for a whole media is
// MediaService.SetCommentsEnabled.
//
// Permissions: instagram_business_manage_comments with Instagram Login;
// instagram_manage_comments and pages_read_engagement with Facebook Login.
type CommentsService service

// Comment is a comment or a reply on a media. Fields are those of Meta's
// IGComment object.
type Comment struct {
	ID                       string       `json:"id"`
	Text                     string       `json:"text,omitempty"`
	Timestamp                Time         `json:"timestamp"`
	Username                 string       `json:"username,omitempty"`
	From                     *CommentFrom `json:"from,omitempty"`
	Hidden                   bool         `json:"hidden,omitempty"`
	LegacyInstagramCommentID string       `json:"legacy_instagram_comment_id,omitempty"`
	LikeCount                int          `json:"like_count,omitempty"`
	Media                    *Media       `json:"media,omitempty"`
	ParentID                 string       `json:"parent_id,omitempty"`
	User                     *User        `json:"user,omitempty"`
	// Replies holds replies when requested as a nested field.
	Replies *Page[Comment] `json:"replies,omitempty"`
}

// CommentFrom is the author of a comment (Meta's IGCommentFromUser).
type CommentFrom struct {
	ID             string `json:"id"`
	Username       string `json:"username,omitempty"`
	SelfIGScopedID string `json:"self_ig_scoped_id,omitempty"`
}

// commentFields is the default field set for comment reads: the fields a
// moderation tool needs, served on both hosts.
const commentFields = "id,text,timestamp,username,from,like_count,hidden,parent_id,media"

// List returns one page of the top-level comments of a media, newest
// first. Pass page.Paging.Cursors.After in opts.After for the next page, or
// use All.
//
// Meta API: GET /{ig-media-id}/comments
func (s *CommentsService) List(ctx context.Context, mediaID string, opts *ListOptions) (*Page[Comment], error) {
	return edgePage[Comment](ctx, s.client, "media id", mediaID, "comments", opts, commentFields)
}

// All iterates over every top-level comment of a media, newest first,
// fetching pages as the loop consumes them. The iteration ends at the last
// page or at the first error, which is yielded once.
//
// Meta API: GET /{ig-media-id}/comments
func (s *CommentsService) All(ctx context.Context, mediaID string, opts *ListOptions) iter.Seq2[Comment, error] {
	return edgeAll[Comment](ctx, s.client, "media id", mediaID, "comments", opts, commentFields)
}

// Get returns one comment or reply.
//
// Meta API: GET /{ig-comment-id}
func (s *CommentsService) Get(ctx context.Context, commentID string, opts *GetOptions) (*Comment, error) {
	return getObject[Comment](ctx, s.client, "comment id", commentID, opts, commentFields)
}

// Replies returns one page of the replies to a comment, oldest first.
//
// Meta API: GET /{ig-comment-id}/replies
func (s *CommentsService) Replies(ctx context.Context, commentID string, opts *ListOptions) (*Page[Comment], error) {
	return edgePage[Comment](ctx, s.client, "comment id", commentID, "replies", opts, commentFields)
}

// AllReplies iterates over every reply to a comment, oldest first,
// fetching pages as the loop consumes them.
//
// Meta API: GET /{ig-comment-id}/replies
func (s *CommentsService) AllReplies(ctx context.Context, commentID string, opts *ListOptions) iter.Seq2[Comment, error] {
	return edgeAll[Comment](ctx, s.client, "comment id", commentID, "replies", opts, commentFields)
}

// commentCreated is Meta's answer to a create call.
type commentCreated struct {
	ID ID `json:"id"`
}

// checkCommentText rejects an empty comment before any call.
func checkCommentText(message string) error {
	if strings.TrimSpace(message) == "" {
		return &ValidationError{Field: "message", Rule: "must not be empty"}
	}
	return nil
}

// Create comments on a media as the account. Meta answers with the new
// comment's id only: the returned Comment holds that id and the text sent;
// use Get for the other fields.
//
// Meta API: POST /{ig-media-id}/comments
func (s *CommentsService) Create(ctx context.Context, mediaID, message string) (*Comment, error) {
	if err := checkID("media id", mediaID); err != nil {
		return nil, err
	}
	if err := checkCommentText(message); err != nil {
		return nil, err
	}
	var out commentCreated
	if err := s.client.post(ctx, pathEscape(mediaID)+"/comments", nil, url.Values{"message": {message}}, &out); err != nil {
		return nil, err
	}
	return &Comment{ID: string(out.ID), Text: message}, nil
}

// Reply answers a comment as the account. Meta answers with the new reply's
// id only: the returned Comment holds that id, the text sent and ParentID
// set to commentID.
//
// Meta API: POST /{ig-comment-id}/replies
func (s *CommentsService) Reply(ctx context.Context, commentID, message string) (*Comment, error) {
	if err := checkID("comment id", commentID); err != nil {
		return nil, err
	}
	if err := checkCommentText(message); err != nil {
		return nil, err
	}
	var out commentCreated
	if err := s.client.post(ctx, pathEscape(commentID)+"/replies", nil, url.Values{"message": {message}}, &out); err != nil {
		return nil, err
	}
	return &Comment{ID: string(out.ID), Text: message, ParentID: commentID}, nil
}

// SetHidden hides (hidden true) or unhides a comment on one of the
// account's media. A hidden comment stays visible to its author only.
//
// Meta API: POST /{ig-comment-id}
func (s *CommentsService) SetHidden(ctx context.Context, commentID string, hidden bool) error {
	if err := checkID("comment id", commentID); err != nil {
		return err
	}
	v := "false"
	if hidden {
		v = "true"
	}
	var out Success
	if err := s.client.post(ctx, pathEscape(commentID), nil, url.Values{"hide": {v}}, &out); err != nil {
		return err
	}
	return confirmed(out, "comment hide")
}

// Hide hides a comment: SetHidden(ctx, commentID, true).
//
// Meta API: POST /{ig-comment-id}
func (s *CommentsService) Hide(ctx context.Context, commentID string) error {
	return s.SetHidden(ctx, commentID, true)
}

// Unhide shows a hidden comment again: SetHidden(ctx, commentID, false).
//
// Meta API: POST /{ig-comment-id}
func (s *CommentsService) Unhide(ctx context.Context, commentID string) error {
	return s.SetHidden(ctx, commentID, false)
}

// Delete deletes a comment on one of the account's media, or one the
// account made. Deleting a top-level comment deletes its replies.
//
// Meta API: DELETE /{ig-comment-id}
func (s *CommentsService) Delete(ctx context.Context, commentID string) error {
	if err := checkID("comment id", commentID); err != nil {
		return err
	}
	var out Success
	if err := s.client.delete(ctx, pathEscape(commentID), nil, &out); err != nil {
		return err
	}
	return confirmed(out, "comment delete")
}
