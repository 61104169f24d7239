package instagram

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UsersService reads Instagram accounts (IG users) and their edges.
type UsersService service

// User is an Instagram professional account. Fields are those of Meta's
// IGUser (Facebook Login) and IGUserForIGOnlyAPI (Instagram Login) objects;
// a field is set only when it was requested and the API sent it.
type User struct {
	// ID is the app-scoped id of the account.
	ID string `json:"id"`
	// UserID is the Instagram user id (Instagram Login; sent as a number).
	UserID ID `json:"user_id,omitempty"`
	// IGID is the legacy Instagram id (Facebook Login; sent as a number).
	IGID                          ID     `json:"ig_id,omitempty"`
	Username                      string `json:"username,omitempty"`
	Name                          string `json:"name,omitempty"`
	AccountType                   string `json:"account_type,omitempty"`
	Biography                     string `json:"biography,omitempty"`
	Website                       string `json:"website,omitempty"`
	ProfilePictureURL             string `json:"profile_picture_url,omitempty"`
	FollowersCount                int    `json:"followers_count,omitempty"`
	FollowsCount                  int    `json:"follows_count,omitempty"`
	MediaCount                    int    `json:"media_count,omitempty"`
	HasProfilePic                 bool   `json:"has_profile_pic,omitempty"`
	IsPublished                   bool   `json:"is_published,omitempty"`
	LegacyInstagramUserID         string `json:"legacy_instagram_user_id,omitempty"`
	ShoppingProductTagEligibility bool   `json:"shopping_product_tag_eligibility,omitempty"`
	ShoppingReviewStatus          string `json:"shopping_review_status,omitempty"`
	// OwnerBusiness is the Business that owns the account.
	OwnerBusiness *Business `json:"owner_business,omitempty"`
	// BusinessDiscovery is another account read through business discovery.
	BusinessDiscovery *User `json:"business_discovery,omitempty"`
	// MentionedMedia is a media in which this account was @mentioned.
	MentionedMedia *Media `json:"mentioned_media,omitempty"`
	// MentionedComment is a comment in which this account was @mentioned.
	MentionedComment *Comment `json:"mentioned_comment,omitempty"`
	// Media is the account's media when requested as a nested field
	// (business discovery).
	Media *Page[Media] `json:"media,omitempty"`
}

// Business is a Meta Business that owns assets.
type Business struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Default field sets, per platform: the two APIs name the account's fields
// differently.
const (
	userFieldsIG = "id,user_id,username,name,account_type,biography,website,profile_picture_url,followers_count,follows_count,media_count"
	userFieldsFB = "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count"
	// meFieldsFB is what /me means with a Facebook token: the Facebook user.
	meFieldsFB = "id,name"
)

func (s *UsersService) userFields() string {
	if s.client.platform == FacebookLogin {
		return userFieldsFB
	}
	return userFieldsIG
}

// Me returns the account the access token belongs to. With Facebook Login,
// /me is the Facebook user (id and name by default): use Get with the
// Instagram business account id for the Instagram profile.
//
// Meta API: GET /me
func (s *UsersService) Me(ctx context.Context, opts *GetOptions) (*User, error) {
	def := s.userFields()
	if s.client.platform == FacebookLogin {
		def = meFieldsFB
	}
	q, err := withFields(opts, def)
	if err != nil {
		return nil, err
	}
	u := new(User)
	if err := s.client.get(ctx, "me", q, u); err != nil {
		return nil, err
	}
	return u, nil
}

// Get returns the profile of the account with the given id.
//
// Meta API: GET /{ig-user-id}
func (s *UsersService) Get(ctx context.Context, userID string, opts *GetOptions) (*User, error) {
	return getObject[User](ctx, s.client, "user id", userID, opts, s.userFields())
}

// Default field sets of the user edges.
const (
	// discoveryUserFields are the fields business discovery serves about
	// another account.
	discoveryUserFields = "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count"
	// publicMediaFields are the fields of a media seen by someone other than
	// its owner (discovered, tagged or mentioned media).
	publicMediaFields = "id,caption,media_type,media_product_type,media_url,permalink,thumbnail_url,timestamp,username,like_count,comments_count"
	// liveMediaFields are the fields of a live broadcast.
	liveMediaFields = "id,media_type,media_product_type,permalink,timestamp,username,like_count,comments_count,current_live_viewer_count"
	// mentionedCommentFields are the fields of a comment that mentions the
	// account.
	mentionedCommentFields = "id,text,timestamp,username,like_count"
	// inviteFields are the fields of a collaboration invite.
	inviteFields = "media_id,media_owner_username,caption,media_url"
)

// usernameRE is the shape of an Instagram username: letters, digits,
// periods and underscores, at most 30 characters.
var usernameRE = regexp.MustCompile(`^[A-Za-z0-9._]{1,30}$`)

// checkUsername normalises a username (without a leading @) and rejects
// anything that is not one, so that it cannot alter a fields expression.
func checkUsername(username string) (string, error) {
	u := strings.TrimPrefix(strings.TrimSpace(username), "@")
	if !usernameRE.MatchString(u) {
		return "", &ValidationError{Field: "username", Rule: "must be 1-30 letters, digits, periods or underscores"}
	}
	return u, nil
}

// checkFieldNames rejects field names that would break a nested fields
// expression.
func checkFieldNames(what string, fields []string) error {
	for _, f := range fields {
		if f == "" || strings.ContainsAny(f, ",{}() \t\n") && !nestedFieldRE.MatchString(f) {
			return &ValidationError{Field: what, Rule: fmt.Sprintf("%q is not a field name", f)}
		}
	}
	return nil
}

// nestedFieldRE accepts a field with modifiers and a balanced one-level
// selection, such as "children{id,media_url}" or "media.limit(5){id}".
var nestedFieldRE = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+\([A-Za-z0-9_.=-]*\))*(\{[a-z_,]+\})?$`)

// BusinessDiscoveryOptions chooses what business discovery returns about
// the other account and its media.
type BusinessDiscoveryOptions struct {
	// Fields of the discovered account; empty means a default profile set
	// (id, ig_id, username, name, biography, website, profile_picture_url and
	// the counts).
	Fields []string
	// MediaFields are the fields of each of its media; empty means a
	// default set of public media fields.
	MediaFields []string
	// MediaLimit is how many media to return (Meta's default when 0).
	MediaLimit int
	// MediaAfter and MediaBefore are cursors from a previous answer's
	// Media.Paging.
	MediaAfter  string
	MediaBefore string
	// NoMedia leaves the media out.
	NoMedia bool
}

// discoveryFields builds business_discovery.username(x){...}.
func discoveryFields(username string, opts *BusinessDiscoveryOptions) (string, error) {
	if opts == nil {
		opts = &BusinessDiscoveryOptions{}
	}
	if err := checkFieldNames("fields", opts.Fields); err != nil {
		return "", err
	}
	if err := checkFieldNames("media fields", opts.MediaFields); err != nil {
		return "", err
	}
	if opts.MediaLimit < 0 {
		return "", &ValidationError{Field: "media limit", Rule: "must not be negative"}
	}
	for _, c := range []string{opts.MediaAfter, opts.MediaBefore} {
		if strings.ContainsAny(c, "(){},") {
			return "", &ValidationError{Field: "media cursor", Rule: "must be a cursor from a previous answer"}
		}
	}
	fields := discoveryUserFields
	if len(opts.Fields) > 0 {
		fields = strings.Join(opts.Fields, ",")
	}
	var b strings.Builder
	b.WriteString("business_discovery.username(")
	b.WriteString(username)
	b.WriteString("){")
	b.WriteString(fields)
	if !opts.NoMedia && !slices.Contains(opts.Fields, "media") {
		b.WriteString(",media")
		if opts.MediaLimit > 0 {
			b.WriteString(".limit(" + strconv.Itoa(opts.MediaLimit) + ")")
		}
		if opts.MediaAfter != "" {
			b.WriteString(".after(" + opts.MediaAfter + ")")
		}
		if opts.MediaBefore != "" {
			b.WriteString(".before(" + opts.MediaBefore + ")")
		}
		mf := publicMediaFields
		if len(opts.MediaFields) > 0 {
			mf = strings.Join(opts.MediaFields, ",")
		}
		b.WriteString("{" + mf + "}")
	}
	b.WriteString("}")
	return b.String(), nil
}

// lookupError marks a failed look-up by username or id as ErrNotFound
// while keeping Meta's *Error reachable with errors.As.
type lookupError struct{ err *Error }

func (e *lookupError) Error() string { return e.err.Error() }

func (e *lookupError) Unwrap() error { return e.err }

func (e *lookupError) Is(target error) bool { return target == ErrNotFound }

// asLookupError turns Meta's answers to a username that does not exist or
// is not a professional account (code 110, subcode 2207013) into an error
// that also matches ErrNotFound.
func asLookupError(err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.Code == 110 {
		return &lookupError{apiErr}
	}
	return err
}

// BusinessDiscovery reads another business or creator account by its
// username, with its public profile and, unless opts.NoMedia, a page of its
// media in User.Media. userID is the caller's own professional account.
// An unknown username, or one of a personal account, gives an error that
// matches ErrNotFound. Facebook Login only.
//
// Meta API: GET /{ig-user-id}?fields=business_discovery
func (s *UsersService) BusinessDiscovery(ctx context.Context, userID, username string, opts *BusinessDiscoveryOptions) (*User, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	name, err := checkUsername(username)
	if err != nil {
		return nil, err
	}
	fields, err := discoveryFields(name, opts)
	if err != nil {
		return nil, err
	}
	var out User
	if err := s.client.get(ctx, pathEscape(userID), url.Values{"fields": {fields}}, &out); err != nil {
		return nil, asLookupError(err)
	}
	if out.BusinessDiscovery == nil {
		return nil, fmt.Errorf("instagram: business discovery of %q: no account in the answer: %w", name, ErrNotFound)
	}
	return out.BusinessDiscovery, nil
}

// BusinessDiscoveryMedia iterates over every media of another account read
// through business discovery, newest first, one page per call. Only the
// media fields, limit and cursors of opts are used.
//
// Meta API: GET /{ig-user-id}?fields=business_discovery
func (s *UsersService) BusinessDiscoveryMedia(ctx context.Context, userID, username string, opts *BusinessDiscoveryOptions) iter.Seq2[Media, error] {
	o := BusinessDiscoveryOptions{Fields: []string{"id"}}
	if opts != nil {
		o.MediaFields, o.MediaLimit, o.MediaAfter, o.MediaBefore = opts.MediaFields, opts.MediaLimit, opts.MediaAfter, opts.MediaBefore
	}
	return func(yield func(Media, error) bool) {
		for {
			u, err := s.BusinessDiscovery(ctx, userID, username, &o)
			if err != nil {
				yield(Media{}, err)
				return
			}
			if u.Media == nil {
				return
			}
			for _, m := range u.Media.Data {
				if err := ctx.Err(); err != nil {
					yield(Media{}, err)
					return
				}
				if !yield(m, nil) {
					return
				}
			}
			next := u.Media.Paging.Cursors.After
			if !u.Media.HasNext() || next == "" || next == o.MediaAfter {
				return
			}
			o.MediaAfter, o.MediaBefore = next, ""
		}
	}
}

// Stories returns one page of the account's stories that are live now
// (posted in the last 24 hours).
//
// Meta API: GET /{ig-user-id}/stories
func (s *UsersService) Stories(ctx context.Context, userID string, opts *ListOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "user id", userID, "stories", opts, mediaFields)
}

// AllStories iterates over the account's live stories.
//
// Meta API: GET /{ig-user-id}/stories
func (s *UsersService) AllStories(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	return edgeAll[Media](ctx, s.client, "user id", userID, "stories", opts, mediaFields)
}

// Tagged returns one page of the media in which the account is tagged.
// The media belong to other accounts, so the default fields are public
// ones.
//
// Meta API: GET /{ig-user-id}/tags
func (s *UsersService) Tagged(ctx context.Context, userID string, opts *ListOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "user id", userID, "tags", opts, publicMediaFields)
}

// AllTagged iterates over every media in which the account is tagged.
//
// Meta API: GET /{ig-user-id}/tags
func (s *UsersService) AllTagged(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	return edgeAll[Media](ctx, s.client, "user id", userID, "tags", opts, publicMediaFields)
}

// LiveMedia returns the account's live broadcasts in progress. Since and
// Until are honoured with Facebook Login.
//
// Meta API: GET /{ig-user-id}/live_media
func (s *UsersService) LiveMedia(ctx context.Context, userID string, opts *TimeRangeOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "user id", userID, "live_media", opts, liveMediaFields)
}

// AllLiveMedia iterates over the account's live broadcasts in progress.
//
// Meta API: GET /{ig-user-id}/live_media
func (s *UsersService) AllLiveMedia(ctx context.Context, userID string, opts *TimeRangeOptions) iter.Seq2[Media, error] {
	return edgeAll[Media](ctx, s.client, "user id", userID, "live_media", opts, liveMediaFields)
}

// MentionedMedia reads a media in whose caption the account was
// @mentioned, typically named by a "mentions" webhook. The media belongs
// to another account. Facebook Login only.
//
// Meta API: GET /{ig-user-id}?fields=mentioned_media
func (s *UsersService) MentionedMedia(ctx context.Context, userID, mediaID string, opts *GetOptions) (*Media, error) {
	var out User
	if err := s.mentioned(ctx, userID, "mentioned_media.media_id", "media id", mediaID, opts, publicMediaFields, &out); err != nil {
		return nil, err
	}
	if out.MentionedMedia == nil {
		return nil, fmt.Errorf("instagram: mentioned media %s: not in the answer: %w", mediaID, ErrNotFound)
	}
	return out.MentionedMedia, nil
}

// MentionedComment reads a comment in which the account was @mentioned,
// typically named by a "mentions" webhook. Facebook Login only.
//
// Meta API: GET /{ig-user-id}?fields=mentioned_comment
func (s *UsersService) MentionedComment(ctx context.Context, userID, commentID string, opts *GetOptions) (*Comment, error) {
	var out User
	if err := s.mentioned(ctx, userID, "mentioned_comment.comment_id", "comment id", commentID, opts, mentionedCommentFields, &out); err != nil {
		return nil, err
	}
	if out.MentionedComment == nil {
		return nil, fmt.Errorf("instagram: mentioned comment %s: not in the answer: %w", commentID, ErrNotFound)
	}
	return out.MentionedComment, nil
}

// mentioned reads field.modifier(id){fields} of the user.
func (s *UsersService) mentioned(ctx context.Context, userID, field, what, id string, opts *GetOptions, defaults string, out *User) error {
	if err := checkID("user id", userID); err != nil {
		return err
	}
	if err := checkID(what, id); err != nil {
		return err
	}
	if !isDigits(id) {
		return &ValidationError{Field: what, Rule: "must be a numeric id"}
	}
	fields := defaults
	if opts != nil && len(opts.Fields) > 0 {
		if err := checkFieldNames("fields", opts.Fields); err != nil {
			return err
		}
		fields = strings.Join(opts.Fields, ",")
	}
	q := url.Values{"fields": {field + "(" + id + "){" + fields + "}"}}
	return s.client.get(ctx, pathEscape(userID), q, out)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MentionReply is a comment that answers an @mention of the account.
type MentionReply struct {
	// MediaID is the media in whose caption, or under which in a comment,
	// the account was mentioned. Required.
	MediaID string `url:"media_id"`
	// CommentID is the comment that mentions the account; empty to answer
	// a mention in the media's caption.
	CommentID string `url:"comment_id,omitempty"`
	// Message is the text of the reply. Required.
	Message string `url:"message"`
}

// ReplyToMention comments on a media, or replies to a comment, in which
// the account was @mentioned, and returns the new comment's id.
//
// Meta API: POST /{ig-user-id}/mentions
func (s *UsersService) ReplyToMention(ctx context.Context, userID string, r MentionReply) (string, error) {
	if err := checkID("user id", userID); err != nil {
		return "", err
	}
	if err := checkID("media id", r.MediaID); err != nil {
		return "", err
	}
	if strings.TrimSpace(r.Message) == "" {
		return "", &ValidationError{Field: "message", Rule: "must not be empty"}
	}
	var out struct {
		ID ID `json:"id"`
	}
	if err := s.client.post(ctx, pathEscape(userID)+"/mentions", nil, r, &out); err != nil {
		return "", err
	}
	return string(out.ID), nil
}

// PublishingLimitOptions selects the window of a content publishing limit
// read.
type PublishingLimitOptions struct {
	// Since counts publications from this time on; it must lie within the
	// last 24 hours. Zero means the whole current window.
	Since Time `url:"since,omitempty"`
}

// PublishingLimit is the account's content publishing quota (Meta's
// ContentPublishingLimitResponse).
type PublishingLimit struct {
	// QuotaUsage is how many media the account published through the API
	// in the current window (a carousel counts once).
	QuotaUsage int `json:"quota_usage"`
	// Config is the quota itself.
	Config *PublishingLimitConfig `json:"config,omitempty"`
}

// PublishingLimitConfig is the size and window of the publishing quota.
type PublishingLimitConfig struct {
	// QuotaTotal is how many media may be published per window.
	QuotaTotal int `json:"quota_total"`
	// QuotaDuration is the length of the moving window, in seconds.
	QuotaDuration int `json:"quota_duration"`
}

// Remaining is how many more media may be published in the current window;
// -1 when the answer carried no quota.
func (l *PublishingLimit) Remaining() int {
	if l == nil || l.Config == nil {
		return -1
	}
	return max(0, l.Config.QuotaTotal-l.QuotaUsage)
}

// Window is the length of the moving window the quota is counted over.
func (l *PublishingLimit) Window() time.Duration {
	if l == nil || l.Config == nil {
		return 0
	}
	return time.Duration(l.Config.QuotaDuration) * time.Second
}

// ContentPublishingLimit reads how much of its publishing quota the
// account has used, the quota and its window.
//
// Meta API: GET /{ig-user-id}/content_publishing_limit
func (s *UsersService) ContentPublishingLimit(ctx context.Context, userID string, opts *PublishingLimitOptions) (*PublishingLimit, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	q, err := encodeValues(opts)
	if err != nil {
		return nil, err
	}
	q.Set("fields", "quota_usage,config")
	var page Page[PublishingLimit]
	if err := s.client.get(ctx, pathEscape(userID)+"/content_publishing_limit", q, &page); err != nil {
		return nil, err
	}
	if len(page.Data) == 0 {
		return &PublishingLimit{}, nil
	}
	return &page.Data[0], nil
}

// CollaborationInvite is an invitation to become a collaborator on another
// account's media (Meta's ShadowIGUserCollaborationInvites).
type CollaborationInvite struct {
	// MediaID is the media the account is invited to.
	MediaID string `json:"media_id"`
	// MediaOwnerUsername is the username of the account that invited.
	MediaOwnerUsername string `json:"media_owner_username,omitempty"`
	Caption            string `json:"caption,omitempty"`
	MediaURL           string `json:"media_url,omitempty"`
}

// CollaborationInvites returns one page of the collaboration invites the
// account has not answered yet. Facebook Login only.
//
// Meta API: GET /{ig-user-id}/collaboration_invites
func (s *UsersService) CollaborationInvites(ctx context.Context, userID string, opts *ListOptions) (*Page[CollaborationInvite], error) {
	return edgePage[CollaborationInvite](ctx, s.client, "user id", userID, "collaboration_invites", opts, inviteFields)
}

// AllCollaborationInvites iterates over the pending collaboration invites.
//
// Meta API: GET /{ig-user-id}/collaboration_invites
func (s *UsersService) AllCollaborationInvites(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[CollaborationInvite, error] {
	return edgeAll[CollaborationInvite](ctx, s.client, "user id", userID, "collaboration_invites", opts, inviteFields)
}

// RespondToCollaborationInvite accepts (accept true) or declines the
// invitation to collaborate on mediaID.
//
// Meta API: POST /{ig-user-id}/collaboration_invites
func (s *UsersService) RespondToCollaborationInvite(ctx context.Context, userID, mediaID string, accept bool) error {
	if err := checkID("user id", userID); err != nil {
		return err
	}
	if err := checkID("media id", mediaID); err != nil {
		return err
	}
	form := url.Values{"media_id": {mediaID}, "accept": {strconv.FormatBool(accept)}}
	var out Success
	if err := s.client.post(ctx, pathEscape(userID)+"/collaboration_invites", nil, form, &out); err != nil {
		return err
	}
	return confirmed(out, "collaboration invite answer")
}
