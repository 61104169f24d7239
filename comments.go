package instagram

// CommentsService reads and moderates comments on media.
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
