package instagram

import (
	"context"
	"iter"
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
	if err := checkID("media id", mediaID); err != nil {
		return nil, err
	}
	q, err := withFields(opts, mediaFields)
	if err != nil {
		return nil, err
	}
	m := new(Media)
	if err := s.client.get(ctx, pathEscape(mediaID), q, m); err != nil {
		return nil, err
	}
	return m, nil
}

// List returns one page of the media of an account, newest first. Pass
// page.Paging.Cursors.After in opts.After for the next page, or use All.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) List(ctx context.Context, userID string, opts *ListOptions) (*Page[Media], error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	q, err := withFields(opts, mediaFields)
	if err != nil {
		return nil, err
	}
	return listPage[Media](ctx, s.client, pathEscape(userID)+"/media", q)
}

// All iterates over every media of an account, newest first, fetching pages
// as the loop consumes them. The iteration ends at the last page or at the
// first error, which is yielded once.
//
// Meta API: GET /{ig-user-id}/media
func (s *MediaService) All(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	if err := checkID("user id", userID); err != nil {
		return errSeq[Media](err)
	}
	q, err := withFields(opts, mediaFields)
	if err != nil {
		return errSeq[Media](err)
	}
	return iterate[Media](ctx, s.client, pathEscape(userID)+"/media", q)
}

// errSeq is an iterator that yields one error.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
