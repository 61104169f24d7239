package instagram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Publishing on Instagram is a three-step flow: create a media container
// (POST /{ig-user-id}/media), wait until Meta has fetched and processed the
// media (GET /{ig-container-id} until status_code is FINISHED), then publish
// it (POST /{ig-user-id}/media_publish). The Publish* methods run the whole
// flow; CreateContainer, UploadVideo, WaitForContainer and PublishContainer
// are the single steps, for schedulers that create containers ahead of time.
//
// No step that creates something is ever sent twice blindly. When the answer
// to media_publish is lost (a dropped connection, a 5xx after Meta acted),
// the SDK reads the container's status first: a PUBLISHED container is not
// published again, the new media is looked up and returned instead.

// PublishContainer publishes a container and returns the new media, read
// back with its permalink. A container still IN_PROGRESS ("not ready",
// code 9007) is waited for, within opts, and sent again.
//
// It never publishes twice: when the answer is lost (network error, 5xx,
// unreadable answer), it reads the container's status. A PUBLISHED
// container is not sent again; the new media is looked up among the
// account's latest media and stories and returned: Meta has no field
// linking a container to its media, so the newest media created since the
// call started is taken (the Publish* methods also match its type and
// caption). Only a container still FINISHED is published again. When the
// outcome cannot be established the error is an *UnconfirmedPublishError;
// calling PublishContainer long after a lost publish finds the container
// PUBLISHED but cannot tell its media, and reports that the same way.
//
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-container-id}
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-user-id}/stories
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishContainer(ctx context.Context, userID, containerID string, opts *WaitOptions) (*Media, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if err := checkID("container id", containerID); err != nil {
		return nil, err
	}
	return s.publish(ctx, userID, containerID, publishHint{}, opts.withDefaults())
}

// PublishOptions are the options of the Publish* methods. Each kind of
// media takes only some of them; one that does not apply is a
// *ValidationError before any call.
type PublishOptions struct {
	// Caption of the post (not stories): at most 2200 characters, 30
	// hashtags and 20 @mentions.
	Caption string
	// AltText describes an image (PublishImage only; carousel items carry
	// their own).
	AltText string
	// LocationID is a Facebook Page with a location.
	LocationID string
	// UserTags tags users (on carousels, tag the items instead).
	UserTags []UserTag
	// ProductTags tags catalog products, at most 5 (on carousels, tag the
	// items instead).
	ProductTags []ProductTagInput
	// Collaborators invites up to 3 accounts (not on stories).
	Collaborators []string

	// CoverURL is a public image used as the cover (reels and videos).
	CoverURL string
	// ThumbOffset picks the video frame used as the cover (reels and
	// videos).
	ThumbOffset time.Duration
	// ShareToFeed also shows a reel in the feed (PublishReel; Meta's
	// default is true).
	ShareToFeed *bool
	// AudioName names the audio of a reel or video.
	AudioName string

	// PublishExtras are the labels and caption add-ons (on a carousel they
	// go on the album).
	PublishExtras

	// Wait bounds how each container is polled until it is ready.
	Wait WaitOptions

	// Journal, with Key, records the publish step by step (PublishImage,
	// PublishReel and PublishStory; videos by URL or FileURL) so that a
	// call repeated with the same Key returns the same post, and
	// ResumePublishes finishes it when this worker dies midway.
	Journal PublishJournal
	// Key names the publish in Journal: the caller's id for this post.
	Key string
}

// VideoSource is a video to publish. Set exactly one of URL, Reader (with
// Size) or FileURL.
type VideoSource struct {
	// URL is a public address Meta downloads the video from (video_url).
	URL string
	// Reader is streamed to Meta's upload host with a resumable upload;
	// Size is its length in bytes. If Reader also implements io.Seeker or
	// io.ReaderAt, an interrupted upload continues where the server
	// stopped.
	Reader io.Reader
	Size   int64
	// FileURL is a public address handed to the upload host (file_url
	// header) of a resumable container.
	FileURL string
}

func (v *VideoSource) validate(field string) error {
	n := 0
	for _, set := range []bool{v.URL != "", v.Reader != nil, v.FileURL != ""} {
		if set {
			n++
		}
	}
	switch {
	case n != 1:
		return &ValidationError{Field: field, Rule: "set exactly one of URL, Reader or FileURL"}
	case v.Reader != nil && v.Size <= 0:
		return &ValidationError{Field: field + ".Size", Rule: "a Reader needs its size in bytes"}
	case v.Reader == nil && v.Size != 0:
		return &ValidationError{Field: field + ".Size", Rule: "only a Reader takes a size"}
	}
	return nil
}

// apply sets the container's video: video_url, or a resumable upload.
func (v *VideoSource) apply(o *ContainerOptions) {
	if v.URL != "" {
		o.VideoURL = v.URL
	} else {
		o.UploadType = "resumable"
	}
}

// StorySource is the image or video of a story: set ImageURL or Video.
type StorySource struct {
	// ImageURL is a public JPEG address Meta downloads.
	ImageURL string
	// Video is a video to publish.
	Video *VideoSource
}

// CarouselItem is one image or video of a carousel: set ImageURL or Video.
type CarouselItem struct {
	// ImageURL is a public JPEG address Meta downloads.
	ImageURL string
	// Video is a video item.
	Video *VideoSource
	// AltText describes an image item.
	AltText string
	// UserTags tags users on the item.
	UserTags []UserTag
	// ProductTags tags products on the item.
	ProductTags []ProductTagInput
}

// step is one container to create: its options and, for resumable
// containers, the video to upload into it.
type step struct {
	opts    ContainerOptions
	video   *VideoSource
	journal PublishJournal // with key: a journaled publish
	key     string
}

// containerFrom turns publish options into container options.
func containerFrom(mt ContainerMediaType, o *PublishOptions) ContainerOptions {
	return ContainerOptions{
		MediaType: mt, Caption: o.Caption, AltText: o.AltText, LocationID: o.LocationID,
		UserTags: o.UserTags, ProductTags: o.ProductTags, Collaborators: o.Collaborators,
		CoverURL: o.CoverURL, ThumbOffset: o.ThumbOffset, ShareToFeed: o.ShareToFeed, AudioName: o.AudioName,
		PublishExtras: o.PublishExtras,
	}
}

func orEmpty(o *PublishOptions) *PublishOptions {
	if o == nil {
		return &PublishOptions{}
	}
	return o
}

// create creates a step's container and uploads its video, if any.
func (s *MediaService) create(ctx context.Context, userID string, st *step) (*Container, error) {
	c, err := s.createContainer(ctx, userID, &st.opts)
	if err != nil {
		return nil, err
	}
	if v := st.video; v != nil && st.opts.UploadType == "resumable" {
		ctx := withUploadURI(ctx, c)
		if v.Reader != nil {
			err = s.UploadVideo(ctx, c.ID, v.Reader, v.Size)
		} else {
			err = s.UploadVideoURL(ctx, c.ID, v.FileURL)
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// run creates one container, waits for it and publishes it.
func (s *MediaService) run(ctx context.Context, userID string, st *step, hint publishHint, w WaitOptions) (*Media, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if err := st.opts.Validate(); err != nil {
		return nil, err
	}
	if st.journal != nil && st.key != "" {
		return s.runJournaled(ctx, userID, st, hint, w)
	}
	c, err := s.create(ctx, userID, st)
	if err != nil {
		return nil, err
	}
	if _, err := s.waitFor(ctx, c.ID, w); err != nil {
		return nil, err
	}
	return s.publish(ctx, userID, c.ID, hint, w)
}

// PublishImage publishes an image to the feed from a public JPEG URL and
// returns the new media with its permalink.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishImage(ctx context.Context, userID, imageURL string, opts *PublishOptions) (*Media, error) {
	o := orEmpty(opts)
	st := &step{opts: containerFrom(ContainerImage, o)}
	st.journal, st.key = o.Journal, o.Key
	st.opts.ImageURL = imageURL
	hint := publishHint{known: true, mediaType: MediaTypeImage, productType: MediaProductTypeFeed, caption: o.Caption}
	return s.run(ctx, userID, st, hint, o.Wait.withDefaults())
}

// PublishVideo publishes a video to the feed. Meta retired single feed
// videos (media_type VIDEO) in favour of reels, so the video is published
// as a reel shared to the feed: it reads back as media_type VIDEO with
// media_product_type REELS. ShareToFeed, if set, must be true.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishVideo(ctx context.Context, userID string, video VideoSource, opts *PublishOptions) (*Media, error) {
	o := orEmpty(opts)
	if o.ShareToFeed != nil && !*o.ShareToFeed {
		return nil, &ValidationError{Field: "share_to_feed", Rule: "a feed video is shared to the feed; use PublishReel for a reel that is not"}
	}
	share := true
	cp := *o
	cp.ShareToFeed = &share
	return s.publishReel(ctx, userID, video, &cp)
}

// PublishReel publishes a reel (ShareToFeed, CoverURL, ThumbOffset and
// AudioName apply) and returns the new media.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishReel(ctx context.Context, userID string, video VideoSource, opts *PublishOptions) (*Media, error) {
	return s.publishReel(ctx, userID, video, orEmpty(opts))
}

func (s *MediaService) publishReel(ctx context.Context, userID string, video VideoSource, o *PublishOptions) (*Media, error) {
	if err := video.validate("video"); err != nil {
		return nil, err
	}
	st := &step{opts: containerFrom(ContainerReels, o), video: &video}
	st.journal, st.key = o.Journal, o.Key
	video.apply(&st.opts)
	hint := publishHint{known: true, mediaType: MediaTypeVideo, productType: MediaProductTypeReels, caption: o.Caption}
	return s.run(ctx, userID, st, hint, o.Wait.withDefaults())
}

// PublishStory publishes a story from an image or a video. Stories take no
// caption and no collaborators.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/stories
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishStory(ctx context.Context, userID string, src StorySource, opts *PublishOptions) (*Media, error) {
	o := orEmpty(opts)
	st := &step{opts: containerFrom(ContainerStories, o)}
	st.journal, st.key = o.Journal, o.Key
	hint := publishHint{known: true, story: true, productType: MediaProductTypeStory}
	switch {
	case (src.ImageURL == "") == (src.Video == nil):
		return nil, &ValidationError{Field: "source", Rule: "set exactly one of ImageURL or Video"}
	case src.Video != nil:
		if err := src.Video.validate("video"); err != nil {
			return nil, err
		}
		v := *src.Video
		st.video = &v
		v.apply(&st.opts)
		hint.mediaType = MediaTypeVideo
	default:
		st.opts.ImageURL = src.ImageURL
		hint.mediaType = MediaTypeImage
	}
	return s.run(ctx, userID, st, hint, o.Wait.withDefaults())
}

// PublishCarousel publishes a carousel of 2-10 images and videos: it
// creates one container per item (uploading videos given as readers),
// waits for them, creates the album with the caption, location and
// collaborators of opts, waits for it and publishes it. Alt text, user tags
// and product tags go on the items. Every item is checked before the first
// call.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-media-id}
func (s *MediaService) PublishCarousel(ctx context.Context, userID string, items []CarouselItem, opts *PublishOptions) (*Media, error) {
	o := orEmpty(opts)
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if n := len(items); n < MinCarouselItems || n > MaxCarouselItems {
		return nil, &ValidationError{Field: "children", Rule: fmt.Sprintf("a carousel holds %d-%d items (has %d)", MinCarouselItems, MaxCarouselItems, n)}
	}
	steps := make([]*step, len(items))
	for i, it := range items {
		st := &step{opts: ContainerOptions{IsCarouselItem: true, AltText: it.AltText, UserTags: it.UserTags, ProductTags: it.ProductTags}}
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case (it.ImageURL == "") == (it.Video == nil):
			return nil, &ValidationError{Field: field, Rule: "set exactly one of ImageURL or Video"}
		case it.Video != nil:
			if err := it.Video.validate(field + ".video"); err != nil {
				return nil, err
			}
			v := *it.Video
			st.video = &v
			st.opts.MediaType = ContainerVideo
			v.apply(&st.opts)
		default:
			st.opts.MediaType = ContainerImage
			st.opts.ImageURL = it.ImageURL
		}
		if err := st.opts.Validate(); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				return nil, &ValidationError{Field: field + "." + ve.Field, Rule: ve.Rule}
			}
			return nil, err
		}
		steps[i] = st
	}
	album := containerFrom(ContainerCarousel, o)
	album.Children = make([]string, len(items))
	for i := range album.Children {
		album.Children[i] = "pending" // replaced by the item containers' ids
	}
	if err := album.Validate(); err != nil {
		return nil, err
	}

	w := o.Wait.withDefaults()
	for i, st := range steps {
		c, err := s.create(ctx, userID, st)
		if err != nil {
			return nil, fmt.Errorf("instagram: carousel item %d: %w", i, err)
		}
		album.Children[i] = c.ID
	}
	for i, id := range album.Children {
		if _, err := s.waitFor(ctx, id, w); err != nil {
			return nil, fmt.Errorf("instagram: carousel item %d: %w", i, err)
		}
	}
	hint := publishHint{known: true, mediaType: MediaTypeCarouselAlbum, productType: MediaProductTypeFeed, caption: o.Caption}
	return s.run(ctx, userID, &step{opts: album}, hint, w)
}
