package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ContainerMediaType is the media_type of a container.
type ContainerMediaType string

// Container media types. An image container sends no media_type at all.
const (
	// ContainerImage is a feed image (no media_type is sent).
	ContainerImage ContainerMediaType = "IMAGE"
	// ContainerVideo is a video item of a carousel. Meta no longer takes
	// single feed videos of this type: publish them as ContainerReels.
	ContainerVideo ContainerMediaType = "VIDEO"
	// ContainerReels is a reel.
	ContainerReels ContainerMediaType = "REELS"
	// ContainerStories is a story, from an image or a video.
	ContainerStories ContainerMediaType = "STORIES"
	// ContainerCarousel is the album of a carousel.
	ContainerCarousel ContainerMediaType = "CAROUSEL"
)

// ContainerStatusCode is the status_code of a container.
type ContainerStatusCode string

// Container status codes.
const (
	// ContainerInProgress: Meta is still fetching or processing the media.
	ContainerInProgress ContainerStatusCode = "IN_PROGRESS"
	// ContainerFinished: the container is ready to be published.
	ContainerFinished ContainerStatusCode = "FINISHED"
	// ContainerPublished: the container's media has been published.
	ContainerPublished ContainerStatusCode = "PUBLISHED"
	// ContainerFailed: processing failed; Status carries Meta's reason.
	ContainerFailed ContainerStatusCode = "ERROR"
	// ContainerExpired: the container was not published within 24 hours.
	ContainerExpired ContainerStatusCode = "EXPIRED"
)

// Container is a media container (Meta's IG Container,
// ShadowIGMediaBuilder): the answer to CreateContainer and to
// ContainerStatus.
type Container struct {
	// ID is the container id, the creation_id of media_publish.
	ID string `json:"id"`
	// URI is the upload address Meta returns for a resumable container.
	URI string `json:"uri,omitempty"`
	// StatusCode is IN_PROGRESS, FINISHED, PUBLISHED, ERROR or EXPIRED.
	StatusCode ContainerStatusCode `json:"status_code,omitempty"`
	// Status is Meta's status text; on ERROR it names the error code.
	Status string `json:"status,omitempty"`
	// VideoStatus reports the upload and processing phases of a video.
	VideoStatus *VideoStatus `json:"video_status,omitempty"`
	// CopyrightCheckStatus is the copyright check of a video.
	CopyrightCheckStatus *CopyrightCheckStatus `json:"copyright_check_status,omitempty"`
}

// VideoStatus is Meta's IGResumableVideoUploadStatus: how far the upload
// and the processing of a container's video are.
type VideoStatus struct {
	// UploadingPhase is the transfer of the file to Meta.
	UploadingPhase *VideoUploadingPhase `json:"uploading_phase,omitempty"`
	// ProcessingPhase is Meta's processing of the uploaded file.
	ProcessingPhase *VideoProcessingPhase `json:"processing_phase,omitempty"`
}

// VideoUploadingPhase is Meta's VideoStatusUploadingPhase.
type VideoUploadingPhase struct {
	// Status is "not_started", "in_progress", "complete" or "error".
	Status string `json:"status,omitempty"`
	// BytesTransferred is how many bytes of the file the server holds: the
	// offset an interrupted upload continues from.
	BytesTransferred int64 `json:"bytes_transferred"`
	// SourceFileSize is the file's announced size.
	SourceFileSize int64 `json:"source_file_size,omitempty"`
	// Errors lists what went wrong during the transfer.
	Errors []VideoStatusError `json:"errors,omitempty"`
}

// VideoProcessingPhase is Meta's VideoStatusProcessingPhase.
type VideoProcessingPhase struct {
	// Status is "not_started", "in_progress", "complete" or "error".
	Status string `json:"status,omitempty"`
	// Errors lists what went wrong during processing.
	Errors []VideoStatusError `json:"errors,omitempty"`
}

// VideoStatusError is one error of a video phase.
type VideoStatusError struct {
	// Code is Meta's error code.
	Code int `json:"code,omitempty"`
	// Message describes the error.
	Message string `json:"message,omitempty"`
}

// Sentinel errors of the publishing flow, for errors.Is.
var (
	// ErrContainerFailed: the container reached status ERROR. A new
	// container is needed.
	ErrContainerFailed = errors.New("instagram: media container failed")
	// ErrContainerExpired: the container was not published within 24
	// hours. A new container is needed.
	ErrContainerExpired = errors.New("instagram: media container expired")
	// ErrContainerTimeout: the container was still not FINISHED when the
	// maximum wait ran out. It may still finish; poll it again later.
	ErrContainerTimeout = errors.New("instagram: media container not ready in time")
	// ErrPublishUnconfirmed: the answer to a publish was lost and the SDK
	// could not establish the result. It did not publish again; see
	// UnconfirmedPublishError.
	ErrPublishUnconfirmed = errors.New("instagram: publish not confirmed")
)

// ContainerError reports a container that cannot be published: status
// ERROR or EXPIRED, or still IN_PROGRESS when the wait ran out. It matches
// ErrContainerFailed, ErrContainerExpired or ErrContainerTimeout.
type ContainerError struct {
	// ContainerID is the container.
	ContainerID string
	// StatusCode is the last status code read.
	StatusCode ContainerStatusCode
	// Status is Meta's status text, such as "Error: Media upload has
	// failed with error code 2207026".
	Status string
	// Err is the last error met while polling, if any (timeouts only).
	Err error
}

// Error describes the container's state with Meta's status text.
func (e *ContainerError) Error() string {
	var what string
	switch e.StatusCode {
	case ContainerFailed:
		what = "failed"
	case ContainerExpired:
		what = "expired"
	default:
		what = "not ready within the maximum wait (status " + string(e.StatusCode) + ")"
	}
	msg := fmt.Sprintf("instagram: media container %s %s", e.ContainerID, what)
	if e.Status != "" {
		msg += ": " + e.Status
	}
	if e.Err != nil {
		msg += "; last error: " + e.Err.Error()
	}
	return msg
}

// Is matches ErrContainerFailed, ErrContainerExpired or ErrContainerTimeout.
func (e *ContainerError) Is(target error) bool {
	switch target {
	case ErrContainerFailed:
		return e.StatusCode == ContainerFailed
	case ErrContainerExpired:
		return e.StatusCode == ContainerExpired
	case ErrContainerTimeout:
		return e.StatusCode != ContainerFailed && e.StatusCode != ContainerExpired
	}
	return false
}

// Unwrap returns the last polling error, if any.
func (e *ContainerError) Unwrap() error { return e.Err }

// ErrorCode returns the Meta error code named in Status ("... error code
// 2207026" or a bare "2207026"), 0 when there is none.
func (e *ContainerError) ErrorCode() int {
	s := strings.TrimSpace(e.Status)
	end := len(s)
	for end > 0 && (s[end-1] < '0' || s[end-1] > '9') {
		end--
	}
	start := end
	for start > 0 && s[start-1] >= '0' && s[start-1] <= '9' {
		start--
	}
	n, _ := strconv.Atoi(s[start:end])
	return n
}

// UnconfirmedPublishError reports a publish whose answer was lost and whose
// outcome the SDK could not establish. The SDK did not publish again. Call
// PublishContainer with the same container later: it checks the container's
// status before publishing and returns the media if it was published.
type UnconfirmedPublishError struct {
	// ContainerID is the container that was being published.
	ContainerID string
	// Published is true when the container reported PUBLISHED but the new
	// media was not found among the account's latest media.
	Published bool
	// Err is the error that left the outcome open.
	Err error
}

// Error describes what is known.
func (e *UnconfirmedPublishError) Error() string {
	if e.Published {
		return fmt.Sprintf("instagram: container %s was published, but the new media was not found: %v", e.ContainerID, e.Err)
	}
	return fmt.Sprintf("instagram: publishing container %s: outcome unknown, not published again: %v", e.ContainerID, e.Err)
}

// Is matches ErrPublishUnconfirmed.
func (e *UnconfirmedPublishError) Is(target error) bool { return target == ErrPublishUnconfirmed }

// Unwrap returns the underlying error.
func (e *UnconfirmedPublishError) Unwrap() error { return e.Err }

// ReadBackError reports a media that was published but could not be read
// back afterwards. The publish succeeded: do not publish again. The Media
// returned with it carries the id.
type ReadBackError struct {
	// MediaID is the id of the published media.
	MediaID string
	// Err is the error of the read.
	Err error
}

// Error names the published media and the failed read.
func (e *ReadBackError) Error() string {
	return fmt.Sprintf("instagram: media %s was published, but reading it back failed: %v", e.MediaID, e.Err)
}

// Unwrap returns the error of the read.
func (e *ReadBackError) Unwrap() error { return e.Err }

// UserTag tags an Instagram user in a media. X and Y place the tag on an
// image, from the top-left corner, each within 0-1: required on feed
// images, optional on stories (leave both 0 to let Instagram place the tag;
// since 2025-07 Meta takes story tags without coordinates), and not sent
// for videos and reels.
type UserTag struct {
	// Username is the tagged account's username.
	Username string
	// X and Y place the tag, from 0 (left, top) to 1.
	X, Y float64
}

// TrialParams makes a reel a trial reel, shown to non-followers first.
type TrialParams struct {
	// GraduationStrategy is "MANUAL" or "SS_PERFORMANCE".
	GraduationStrategy string `json:"graduation_strategy"`
}

// ContainerOptions are the parameters of POST /{ig-user-id}/media. Set
// ImageURL or VideoURL (or UploadType "resumable" for a video sent with
// UploadVideo), or Children for a carousel album.
type ContainerOptions struct {
	// MediaType is the kind of container; empty means an image.
	MediaType ContainerMediaType
	// ImageURL is a public JPEG address Meta downloads (image_url).
	ImageURL string
	// VideoURL is a public video address Meta downloads (video_url).
	VideoURL string
	// UploadType "resumable" creates a video container whose file is sent
	// with UploadVideo or UploadVideoURL instead of VideoURL.
	UploadType string
	// IsCarouselItem marks an item of a carousel (images and VIDEO).
	IsCarouselItem bool
	// Children are the item containers of a CAROUSEL album (2-10).
	Children []string
	// Caption: at most 2200 characters, 30 hashtags and 20 @mentions; not
	// on carousel items or stories.
	Caption string
	// AltText describes an image for screen readers (images only, at most
	// 1000 characters).
	AltText string
	// LocationID is the id of a Facebook Page with a location.
	LocationID string
	// UserTags tags users; see UserTag.
	UserTags []UserTag
	// ProductTags tags catalog products (at most 5). Tags on images need a
	// position (ImageProductTag); on videos a position is not sent.
	ProductTags []ProductTagInput
	// Collaborators invites up to 3 accounts by username (not on stories).
	Collaborators []string
	// CoverURL is a public image used as the cover of a reel or video; it
	// wins over ThumbOffset.
	CoverURL string
	// ThumbOffset picks the video frame used as the cover (sent in
	// milliseconds).
	ThumbOffset time.Duration
	// ShareToFeed also shows a reel in the feed (reels only).
	ShareToFeed *bool
	// AudioName names the audio of a reel (reels only).
	AudioName string
	// TrialParams makes a reel a trial reel (reels only).
	TrialParams *TrialParams
	// PublishExtras are the labels and caption add-ons of the post.
	PublishExtras
}

// Limits Meta documents, checked before any call: container parameters,
// batch size, ice breakers and product tags.
const (
	// MaxCaptionLength is the most characters (code points) of a caption.
	MaxCaptionLength = 2200
	// MaxCaptionHashtags is the most hashtags in a caption.
	MaxCaptionHashtags = 30
	// MaxCaptionMentions is the most @mentions in a caption.
	MaxCaptionMentions = 20
	// MaxAltTextLength is the most characters of an image's alt text.
	MaxAltTextLength = 1000
	// MinCarouselItems and MaxCarouselItems bound a carousel's size.
	MinCarouselItems = 2
	MaxCarouselItems = 10
	// MaxCollaborators is the most accounts invited to co-author a media.
	MaxCollaborators = 3

	// MaxBatchSize is the most operations Meta accepts in one batch request.
	MaxBatchSize = 50

	// MaxIceBreakers is the most ice breaker questions per locale.
	MaxIceBreakers = 4

	// MaxProductTags is the most product tags one image or video may carry.
	MaxProductTags = 5
)

// containerBody is the JSON body of POST /{ig-user-id}/media.
type containerBody struct {
	MediaType      string            `json:"media_type,omitempty"`
	ImageURL       string            `json:"image_url,omitempty"`
	VideoURL       string            `json:"video_url,omitempty"`
	UploadType     string            `json:"upload_type,omitempty"`
	IsCarouselItem bool              `json:"is_carousel_item,omitempty"`
	Children       []string          `json:"children,omitempty"`
	Caption        string            `json:"caption,omitempty"`
	AltText        string            `json:"alt_text,omitempty"`
	LocationID     string            `json:"location_id,omitempty"`
	UserTags       []tagJSON         `json:"user_tags,omitempty"`
	ProductTags    []ProductTagInput `json:"product_tags,omitempty"`
	Collaborators  []string          `json:"collaborators,omitempty"`
	CoverURL       string            `json:"cover_url,omitempty"`
	ThumbOffset    string            `json:"thumb_offset,omitempty"`
	ShareToFeed    *bool             `json:"share_to_feed,omitempty"`
	AudioName      string            `json:"audio_name,omitempty"`
	TrialParams    *TrialParams      `json:"trial_params,omitempty"`
	IsAIGenerated  bool              `json:"is_ai_generated,omitempty"`
	PaidPartner    bool              `json:"is_paid_partnership,omitempty"`
	Poll           *PollAttachment   `json:"poll_attachment,omitempty"`
	PollExtended   bool              `json:"is_poll_duration_extended,omitempty"`
	CommentPrompt  bool              `json:"is_comment_prompt_used,omitempty"`
}

// tagJSON is one user tag on the wire.
type tagJSON struct {
	Username string   `json:"username"`
	X        *float64 `json:"x,omitempty"`
	Y        *float64 `json:"y,omitempty"`
}

// isImage tells whether the container holds an image (feed image, image
// story or image carousel item).
func (o *ContainerOptions) isImage() bool {
	switch o.MediaType {
	case "", ContainerImage:
		return true
	case ContainerStories:
		return o.ImageURL != ""
	}
	return false
}

func (o *ContainerOptions) body() containerBody {
	b := containerBody{
		ImageURL: o.ImageURL, VideoURL: o.VideoURL, UploadType: o.UploadType,
		IsCarouselItem: o.IsCarouselItem, Children: o.Children, Caption: o.Caption,
		AltText: o.AltText, LocationID: o.LocationID, Collaborators: o.Collaborators,
		CoverURL: o.CoverURL, ShareToFeed: o.ShareToFeed, AudioName: o.AudioName,
		TrialParams: o.TrialParams, IsAIGenerated: o.IsAIGenerated, PaidPartner: o.PaidPartnership,
		Poll: o.Poll, PollExtended: o.PollDurationExtended, CommentPrompt: o.CommentPrompt,
	}
	if o.MediaType != "" && o.MediaType != ContainerImage {
		b.MediaType = string(o.MediaType)
	}
	if o.ThumbOffset > 0 {
		b.ThumbOffset = strconv.FormatInt(o.ThumbOffset.Milliseconds(), 10)
	}
	image := o.isImage()
	story := o.MediaType == ContainerStories
	for _, t := range o.UserTags {
		j := tagJSON{Username: t.Username}
		// x and y are required on feed images and optional on stories
		// (where 0,0 would pin the tag to the top-left corner).
		if (image && !story) || (story && (t.X != 0 || t.Y != 0)) {
			x, y := t.X, t.Y
			j.X, j.Y = &x, &y
		}
		b.UserTags = append(b.UserTags, j)
	}
	for _, t := range o.ProductTags {
		if !image {
			t.Positioned = false
		}
		b.ProductTags = append(b.ProductTags, t)
	}
	return b
}

// CreateContainer creates a media container for the account. The options
// are checked against Meta's rules first; a violation returns a
// *ValidationError naming the rule, without any call. The answer holds the
// container id (and, for resumable containers, Meta's upload URI).
//
// Meta API: POST /{ig-user-id}/media
func (s *MediaService) CreateContainer(ctx context.Context, userID string, opts *ContainerOptions) (*Container, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if opts == nil {
		return nil, &ValidationError{Field: "options", Rule: "must not be nil"}
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return s.createContainer(ctx, userID, opts)
}

func (s *MediaService) createContainer(ctx context.Context, userID string, opts *ContainerOptions) (*Container, error) {
	if err := s.client.checkForLogin(opts); err != nil {
		return nil, err
	}
	c := new(Container)
	// Creating a container posts nothing: one whose answer was lost stays
	// unpublished and expires after 24 hours. So, unlike media_publish,
	// this POST is retried like a read when it fails transiently, but at
	// most maxContainerSends times in all, so lost answers cannot pile up
	// containers.
	r := &request{method: http.MethodPost, path: pathEscape(userID) + "/media", body: JSONBody(opts.body()), idempotent: true, maxAttempts: maxContainerSends}
	if _, err := s.client.do(ctx, r, c); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, &DecodeError{Method: http.MethodPost, Path: "/" + userID + "/media", Err: errors.New("answer carries no container id")}
	}
	return c, nil
}

// containerFields are the fields ContainerStatus asks for. video_status
// is documented only with Facebook Login (resumable uploads), so
// graph.instagram.com is not asked for it.
const (
	containerFields   = "id,status,status_code,video_status"
	containerFieldsIG = "id,status,status_code"
)

// ContainerStatus reads a container's status_code, status text and, with
// Facebook Login, its video upload/processing status (video_status is not
// asked of graph.instagram.com, whose container reference does not list it).
//
// Meta API: GET /{ig-container-id}
func (s *MediaService) ContainerStatus(ctx context.Context, containerID string) (*Container, error) {
	if err := checkID("container id", containerID); err != nil {
		return nil, err
	}
	c := new(Container)
	fields := containerFields
	if s.client.platform != FacebookLogin {
		fields = containerFieldsIG
	}
	if err := s.client.get(ctx, pathEscape(containerID), fieldsQuery(fields), c); err != nil {
		return nil, err
	}
	return c, nil
}

// fieldsQuery is a query with just a fields list.
func fieldsQuery(fields string) url.Values {
	return url.Values{"fields": {fields}}
}

// WaitOptions bound how a container is polled until it is FINISHED. Zero
// fields take their defaults.
type WaitOptions struct {
	// MaxWait is how long to poll before giving up with
	// ErrContainerTimeout; 0 means 5 minutes (Meta advises polling for at
	// most 5 minutes). The context may end the wait earlier.
	MaxWait time.Duration
	// Interval is the first pause between polls; 0 means 2 seconds. Each
	// pause doubles, up to MaxInterval.
	Interval time.Duration
	// MaxInterval caps one pause; 0 means 30 seconds.
	MaxInterval time.Duration
}

func (o *WaitOptions) withDefaults() WaitOptions {
	var w WaitOptions
	if o != nil {
		w = *o
	}
	if w.MaxWait <= 0 {
		w.MaxWait = 5 * time.Minute
	}
	if w.Interval <= 0 {
		w.Interval = 2 * time.Second
	}
	if w.MaxInterval <= 0 {
		w.MaxInterval = 30 * time.Second
	}
	if w.MaxInterval < w.Interval {
		w.MaxInterval = w.Interval
	}
	return w
}

// WaitForContainer polls a container with growing pauses until it is
// FINISHED (or already PUBLISHED) and returns its last status. ERROR and
// EXPIRED end the wait with a *ContainerError carrying Meta's status text;
// so does a container still IN_PROGRESS after MaxWait. Transient failures
// of a poll are polled through; other errors end the wait. ctx bounds the
// whole wait.
//
// Meta API: GET /{ig-container-id}
func (s *MediaService) WaitForContainer(ctx context.Context, containerID string, opts *WaitOptions) (*Container, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := checkID("container id", containerID); err != nil {
		return nil, err
	}
	return s.waitFor(ctx, containerID, opts.withDefaults())
}

func (s *MediaService) waitFor(ctx context.Context, containerID string, w WaitOptions) (*Container, error) {
	deadline := time.Now().Add(w.MaxWait)
	pause := w.Interval
	var (
		last    *Container
		lastErr error
	)
	for {
		c, err := s.ContainerStatus(ctx, containerID)
		switch {
		case err != nil:
			if ctx.Err() != nil || !IsRetryable(err) {
				return last, err
			}
			lastErr = err
		default:
			last, lastErr = c, nil
			switch c.StatusCode {
			case ContainerFinished, ContainerPublished:
				return c, nil
			case ContainerFailed, ContainerExpired:
				return c, &ContainerError{ContainerID: containerID, StatusCode: c.StatusCode, Status: c.Status}
			}
		}
		if time.Now().Add(pause).After(deadline) {
			e := &ContainerError{ContainerID: containerID, StatusCode: ContainerInProgress, Err: lastErr}
			if last != nil {
				e.StatusCode, e.Status = last.StatusCode, last.Status
			}
			return last, e
		}
		if err := sleepCtx(ctx, pause); err != nil {
			return last, err
		}
		pause = min(pause*2, w.MaxInterval)
	}
}
