package instagram

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MediaService reads, manages and publishes media.
type MediaService service

// MediaType is the kind of a media object.
type MediaType string

// Media types as the API reports them.
const (
	MediaTypeImage         MediaType = "IMAGE"
	MediaTypeVideo         MediaType = "VIDEO"
	MediaTypeCarouselAlbum MediaType = "CAROUSEL_ALBUM"
	// MediaTypeBroadcast is a live video (from live_media).
	MediaTypeBroadcast MediaType = "BROADCAST"
)

// MediaProductType is the surface a media was published to. A reel reads
// back as MediaTypeVideo with MediaProductTypeReels.
type MediaProductType string

// Media product types as the API reports them.
const (
	MediaProductTypeAd    MediaProductType = "AD"
	MediaProductTypeFeed  MediaProductType = "FEED"
	MediaProductTypeStory MediaProductType = "STORY"
	MediaProductTypeReels MediaProductType = "REELS"
	// MediaProductTypeLive is a live broadcast in progress.
	MediaProductTypeLive MediaProductType = "LIVE"
)

// Media is a photo, video, reel, story or carousel. Fields are those of
// Meta's IGMedia and IGMediaForIGOnlyAPI objects; a field is set only when
// it was requested and sent.
type Media struct {
	ID                     string           `json:"id"`
	IGID                   ID               `json:"ig_id,omitempty"`
	AltText                string           `json:"alt_text,omitempty"`
	Caption                string           `json:"caption,omitempty"`
	CommentsCount          int              `json:"comments_count,omitempty"`
	CurrentLiveViewerCount int              `json:"current_live_viewer_count,omitempty"`
	HasPoll                bool             `json:"has_poll,omitempty"`
	HasSlider              bool             `json:"has_slider,omitempty"`
	IsCommentEnabled       *bool            `json:"is_comment_enabled,omitempty"`
	IsSharedToFeed         *bool            `json:"is_shared_to_feed,omitempty"`
	LegacyInstagramMediaID string           `json:"legacy_instagram_media_id,omitempty"`
	LikeCount              int              `json:"like_count,omitempty"`
	MediaProductType       MediaProductType `json:"media_product_type,omitempty"`
	MediaType              MediaType        `json:"media_type,omitempty"`
	MediaURL               string           `json:"media_url,omitempty"`
	Owner                  *User            `json:"owner,omitempty"`
	Permalink              string           `json:"permalink,omitempty"`
	Shortcode              string           `json:"shortcode,omitempty"`
	ThumbnailURL           string           `json:"thumbnail_url,omitempty"`
	Timestamp              Time             `json:"timestamp"`
	Username               string           `json:"username,omitempty"`
	VideoTitle             string           `json:"video_title,omitempty"`
	ViewCount              int              `json:"view_count,omitempty"`
	// BoostEligibilityInfo says whether the media can be boosted as an ad.
	BoostEligibilityInfo *BoostEligibilityInfo `json:"boost_eligibility_info,omitempty"`
	// CopyrightCheckInformation is the copyright check of a video.
	CopyrightCheckInformation *CopyrightCheckInformation `json:"copyright_check_information,omitempty"`
	// Children holds a carousel's items when requested as a nested field.
	Children *Page[Media] `json:"children,omitempty"`
}

// BoostEligibilityInfo is Meta's IGMediaBoostEligibilityInfo.
type BoostEligibilityInfo struct {
	BoostIneligibleReason string `json:"boost_ineligible_reason,omitempty"`
	EligibleToBoost       bool   `json:"eligible_to_boost"`
}

// CopyrightCheckInformation is Meta's IGVideoCopyrightCheckMatchesInformation.
type CopyrightCheckInformation struct {
	CopyrightMatches []map[string]any      `json:"copyright_matches,omitempty"`
	Status           *CopyrightCheckStatus `json:"status,omitempty"`
}

// CopyrightCheckStatus is Meta's IGVideoCopyrightCheckStatus.
type CopyrightCheckStatus struct {
	MatchesFound bool   `json:"matches_found"`
	Status       string `json:"status,omitempty"`
}

// mediaFields is the default field set for media reads: fields both APIs
// serve to the media owner.
const mediaFields = "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username,like_count,comments_count,is_comment_enabled"

// Get returns one media object.
//
// Meta API: GET /{ig-media-id}
func (s *MediaService) Get(ctx context.Context, mediaID string, opts *GetOptions) (*Media, error) {
	return getObject[Media](ctx, s.client, "media id", mediaID, opts, mediaFields)
}

// List returns one page of the media of an account, newest first. Pass
// page.Paging.Cursors.After in opts.After for the next page, or use All.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) List(ctx context.Context, userID string, opts *ListOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "user id", userID, "media", opts, mediaFields)
}

// All iterates over every media of an account, newest first, fetching pages
// as the loop consumes them. The iteration ends at the last page or at the
// first error, which is yielded once.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) All(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	return edgeAll[Media](ctx, s.client, "user id", userID, "media", opts, mediaFields)
}

// errSeq is an iterator that yields one error.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// ListRange returns one page of the media of an account published between
// opts.Since and opts.Until (either may be zero), newest first. With a time
// range Meta pages by time: pass the answer to AllRange's loop, or follow
// page.Paging.Next's since/until.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) ListRange(ctx context.Context, userID string, opts *TimeRangeOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "user id", userID, "media", opts, mediaFields)
}

// AllRange iterates over every media of an account published between
// opts.Since and opts.Until, newest first, following cursor or time paging.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) AllRange(ctx context.Context, userID string, opts *TimeRangeOptions) iter.Seq2[Media, error] {
	return edgeAll[Media](ctx, s.client, "user id", userID, "media", opts, mediaFields)
}

// childFields is the default field set of carousel items.
const childFields = "id,media_type,media_url,permalink,shortcode,thumbnail_url,timestamp,alt_text"

// Children returns the items of a carousel album, in order (at most ten,
// so one page holds them all).
//
// Meta API: GET /{ig-media-id}/children
func (s *MediaService) Children(ctx context.Context, mediaID string, opts *ListOptions) (*Page[Media], error) {
	return edgePage[Media](ctx, s.client, "media id", mediaID, "children", opts, childFields)
}

// SetCommentsEnabled turns comments on a media on or off.
//
// Meta API: POST /{ig-media-id}
func (s *MediaService) SetCommentsEnabled(ctx context.Context, mediaID string, enabled bool) error {
	if err := checkID("media id", mediaID); err != nil {
		return err
	}
	var out Success
	form := url.Values{"comment_enabled": {strconv.FormatBool(enabled)}}
	if err := s.client.post(ctx, pathEscape(mediaID), nil, form, &out); err != nil {
		return err
	}
	return confirmed(out, "comment_enabled update")
}

// Delete deletes a media of the account. Carousel items cannot be deleted
// on their own. Facebook Login only.
//
// Meta API: DELETE /{ig-media-id}
func (s *MediaService) Delete(ctx context.Context, mediaID string) error {
	if err := checkID("media id", mediaID); err != nil {
		return err
	}
	var out Success
	if err := s.client.delete(ctx, pathEscape(mediaID), nil, &out); err != nil {
		return err
	}
	return confirmed(out, "media delete")
}

// InviteStatus is the state of a collaboration invite.
type InviteStatus string

// Invite states as the API reports them.
const (
	InviteAccepted InviteStatus = "Accepted"
	InvitePending  InviteStatus = "Pending"
	InviteDeclined InviteStatus = "Declined"
)

// Collaborator is an account invited to co-author a media (Meta's
// ShadowIGMediaCollaborators).
type Collaborator struct {
	ID           string       `json:"id"`
	Username     string       `json:"username,omitempty"`
	InviteStatus InviteStatus `json:"invite_status,omitempty"`
}

// Collaborators lists the accounts invited to co-author a media, with the
// state of each invite. Facebook Login only.
//
// Meta API: GET /{ig-media-id}/collaborators
func (s *MediaService) Collaborators(ctx context.Context, mediaID string) ([]Collaborator, error) {
	if err := checkID("media id", mediaID); err != nil {
		return nil, err
	}
	q := url.Values{"fields": {"id,username,invite_status"}}
	var page Page[Collaborator]
	if err := s.client.get(ctx, pathEscape(mediaID)+"/collaborators", q, &page); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// OEmbedOptions shapes the embed of a post.
type OEmbedOptions struct {
	// MaxWidth is the width of the embed in pixels, 320 to 658 (658 when
	// 0).
	MaxWidth int `url:"maxwidth,omitempty"`
	// HideCaption leaves the caption out of the embed.
	HideCaption bool `url:"hidecaption,omitempty"`
	// OmitScript leaves out the embed.js script tag, for pages that load
	// it once themselves.
	OmitScript bool `url:"omitscript,omitempty"`
	// Fields chooses the fields of the answer; empty means all.
	Fields []string `url:"fields,comma,omitempty"`
	// Token is the app token ("app-id|app-secret") or client token
	// ("app-id|client-token") the call is made with; Meta serves oEmbed
	// to no other token. Required.
	Token string `url:"-"`
}

// OEmbed is the embed of a public post, reel or IGTV video.
type OEmbed struct {
	Version      string `json:"version,omitempty"`
	Type         string `json:"type,omitempty"`
	HTML         string `json:"html,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
	ProviderName string `json:"provider_name,omitempty"`
	ProviderURL  string `json:"provider_url,omitempty"`
	// Deprecated: Meta stopped returning author_name on 2025-11-03.
	AuthorName string `json:"author_name,omitempty"`
	// Deprecated: Meta stopped returning author_url on 2025-11-03.
	AuthorURL string `json:"author_url,omitempty"`
	// Deprecated: Meta stopped returning thumbnail_url on 2025-11-03.
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	// Deprecated: Meta stopped returning thumbnail_width on 2025-11-03.
	ThumbnailWidth int `json:"thumbnail_width,omitempty"`
	// Deprecated: Meta stopped returning thumbnail_height on 2025-11-03.
	ThumbnailHeight int `json:"thumbnail_height,omitempty"`
}

// OEmbed returns the embed HTML of a public post from its URL
// (https://www.instagram.com/p/...). Meta serves it on graph.facebook.com
// only, to apps with the oEmbed Read feature, with an app or client token
// (OEmbedOptions.Token, required) in place of the client's own token. It
// works from a client of either login: an Instagram Login client on
// graph.instagram.com sends this call to graph.facebook.com (a client
// with WithBaseURL keeps its base URL).
//
// Meta API: GET /instagram_oembed
func (s *MediaService) OEmbed(ctx context.Context, postURL string, opts *OEmbedOptions) (*OEmbed, error) {
	if opts == nil || !isAppOrClientToken(opts.Token) {
		return nil, &ValidationError{Field: "token", Rule: `needs an app token "app-id|app-secret" or a client token "app-id|client-token"`}
	}
	u, err := url.Parse(strings.TrimSpace(postURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &ValidationError{Field: "url", Rule: "must be the absolute URL of a public post"}
	}
	if opts != nil && opts.MaxWidth != 0 && (opts.MaxWidth < 320 || opts.MaxWidth > 658) {
		return nil, &ValidationError{Field: "maxwidth", Rule: "must be between 320 and 658"}
	}
	q, err := encodeValues(opts)
	if err != nil {
		return nil, err
	}
	q.Set("url", u.String())
	q.Set("access_token", opts.Token)
	path := "instagram_oembed"
	if s.client.baseURL.String() == InstagramGraphURL {
		path = FacebookGraphURL + "/" + s.client.version + "/instagram_oembed"
	}
	out := new(OEmbed)
	if _, err := s.client.do(ctx, &request{method: http.MethodGet, path: path, query: q, noAuth: true}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// isAppOrClientToken reports whether tok has the form "app-id|secret".
func isAppOrClientToken(tok string) bool {
	id, rest, ok := strings.Cut(tok, "|")
	return ok && id != "" && rest != "" && strings.Trim(id, "0123456789") == ""
}
