package instagram

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Hashtags and @mentions as Instagram recognises them in a caption: the
// sign after the start of the text or a character that cannot be part of a
// word, followed by letters, digits or underscores (and dots in usernames).
var (
	hashtagRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&#])#[\p{L}\p{M}\p{N}_]+`)
	mentionRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_.]*[\p{L}\p{N}_]`)
)

// CaptionStats counts what Meta limits in a caption: characters (Unicode
// code points), hashtags and @mentions.
func CaptionStats(caption string) (chars, hashtags, mentions int) {
	return utf8.RuneCountInString(caption), len(hashtagRE.FindAllStringIndex(caption, -1)),
		len(mentionRE.FindAllStringIndex(caption, -1))
}

// validateCaption checks the caption limits.
func validateCaption(field, caption string) error {
	chars, tags, mentions := CaptionStats(caption)
	switch {
	case chars > MaxCaptionLength:
		return &ValidationError{Field: field, Rule: fmt.Sprintf("at most %d characters (has %d)", MaxCaptionLength, chars)}
	case tags > MaxCaptionHashtags:
		return &ValidationError{Field: field, Rule: fmt.Sprintf("at most %d hashtags (has %d)", MaxCaptionHashtags, tags)}
	case mentions > MaxCaptionMentions:
		return &ValidationError{Field: field, Rule: fmt.Sprintf("at most %d @mentions (has %d)", MaxCaptionMentions, mentions)}
	}
	return nil
}

// PublishExtras are the labels and caption add-ons of a post.
type PublishExtras struct {
	// IsAIGenerated applies Instagram's AI info label (is_ai_generated;
	// both logins, since 2026-06-22). On a carousel it is set on the album
	// only.
	IsAIGenerated bool
	// PaidPartnership applies the paid-partnership label
	// (is_paid_partnership). Facebook Login only.
	PaidPartnership bool
	// Poll attaches a caption poll (poll_attachment): the caption is the
	// question. Facebook Login only; feed images, carousels and reels (on
	// the album, not its items), not stories; not with CommentPrompt.
	Poll *PollAttachment
	// PollDurationExtended runs the poll longer than the default
	// (is_poll_duration_extended). Needs Poll.
	PollDurationExtended bool
	// CommentPrompt turns the caption into a prompt inviting answers in
	// the comments (is_comment_prompt_used). Facebook Login only; same
	// media as Poll, and not with Poll.
	CommentPrompt bool
}

// PollAttachment is a caption poll: two to four options.
type PollAttachment struct {
	OptionA string `json:"option_a"`
	OptionB string `json:"option_b"`
	OptionC string `json:"option_c,omitempty"`
	OptionD string `json:"option_d,omitempty"`
}

// validateExtras checks the labels and add-ons that do not depend on the
// login.
func (o *ContainerOptions) validateExtras(mt ContainerMediaType) error {
	addOn := o.Poll != nil || o.CommentPrompt
	switch {
	case o.IsCarouselItem && (o.IsAIGenerated || o.PaidPartnership || addOn || o.PollDurationExtended):
		return &ValidationError{Field: "is_ai_generated", Rule: "labels and caption add-ons go on the carousel album, not its items"}
	case o.Poll != nil && o.CommentPrompt:
		return &ValidationError{Field: "poll_attachment", Rule: "a post carries at most one caption add-on: a poll or a comment prompt"}
	case o.PollDurationExtended && o.Poll == nil:
		return &ValidationError{Field: "is_poll_duration_extended", Rule: "needs a poll_attachment"}
	case addOn && mt == ContainerStories:
		return &ValidationError{Field: "poll_attachment", Rule: "caption add-ons are not supported on stories"}
	case addOn && strings.TrimSpace(o.Caption) == "":
		return &ValidationError{Field: "caption", Rule: "a caption add-on needs a caption (the poll question or the prompt)"}
	}
	if p := o.Poll; p != nil {
		if strings.TrimSpace(p.OptionA) == "" || strings.TrimSpace(p.OptionB) == "" {
			return &ValidationError{Field: "poll_attachment", Rule: "a poll needs at least two options (option_a and option_b)"}
		}
		if p.OptionD != "" && strings.TrimSpace(p.OptionC) == "" {
			return &ValidationError{Field: "poll_attachment.option_c", Rule: "fill option_c before option_d"}
		}
	}
	return nil
}

// checkForLogin refuses what Meta documents for Facebook Login only: a
// resumable container, caption add-ons and the paid-partnership label.
func (c *Client) checkForLogin(opts *ContainerOptions) error {
	if opts == nil || c.platform == FacebookLogin {
		return nil
	}
	switch {
	case opts.UploadType != "":
		return errResumableNeedsFacebookLogin
	case opts.Poll != nil || opts.PollDurationExtended:
		return &ValidationError{Field: "poll_attachment", Rule: "caption polls are available with Instagram API with Facebook Login only"}
	case opts.CommentPrompt:
		return &ValidationError{Field: "is_comment_prompt_used", Rule: "comment prompts are available with Instagram API with Facebook Login only"}
	case opts.PaidPartnership:
		return &ValidationError{Field: "is_paid_partnership", Rule: "the paid-partnership label is available with Instagram API with Facebook Login only"}
	}
	return nil
}

func inUnit(v float64) bool { return !math.IsNaN(v) && v >= 0 && v <= 1 }

// Validate checks the options against Meta's rules for containers and
// returns a *ValidationError naming the first rule broken. CreateContainer
// calls it before sending.
func (o *ContainerOptions) Validate() error {
	if o == nil {
		return &ValidationError{Field: "options", Rule: "must not be nil"}
	}
	mt := o.MediaType
	if mt == "" {
		mt = ContainerImage
	}
	isVideo := mt == ContainerVideo || mt == ContainerReels || (mt == ContainerStories && o.ImageURL == "")
	switch mt {
	case ContainerImage, ContainerVideo, ContainerReels, ContainerStories, ContainerCarousel:
	default:
		return &ValidationError{Field: "media_type", Rule: "must be IMAGE (or empty), VIDEO, REELS, STORIES or CAROUSEL"}
	}

	// The media itself.
	if o.UploadType != "" && o.UploadType != "resumable" {
		return &ValidationError{Field: "upload_type", Rule: `must be empty or "resumable"`}
	}
	switch mt {
	case ContainerCarousel:
		if o.ImageURL != "" || o.VideoURL != "" || o.UploadType != "" {
			return &ValidationError{Field: "image_url", Rule: "a carousel album takes children, not a media of its own"}
		}
		if n := len(o.Children); n < MinCarouselItems || n > MaxCarouselItems {
			return &ValidationError{Field: "children", Rule: fmt.Sprintf("a carousel holds %d-%d items (has %d)", MinCarouselItems, MaxCarouselItems, n)}
		}
		for i, id := range o.Children {
			if strings.TrimSpace(id) == "" {
				return &ValidationError{Field: fmt.Sprintf("children[%d]", i), Rule: "must not be empty"}
			}
		}
		if o.IsCarouselItem {
			return &ValidationError{Field: "is_carousel_item", Rule: "a carousel album cannot be a carousel item"}
		}
	case ContainerImage:
		if o.ImageURL == "" {
			return &ValidationError{Field: "image_url", Rule: "an image container needs image_url"}
		}
		if o.VideoURL != "" || o.UploadType != "" {
			return &ValidationError{Field: "video_url", Rule: "an image container takes no video"}
		}
	case ContainerStories:
		n := 0
		for _, set := range []bool{o.ImageURL != "", o.VideoURL != "", o.UploadType != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			return &ValidationError{Field: "image_url", Rule: "a story needs exactly one of image_url, video_url or upload_type=resumable"}
		}
	default: // VIDEO, REELS
		if o.ImageURL != "" {
			return &ValidationError{Field: "image_url", Rule: "a video container takes video_url, not image_url"}
		}
		if (o.VideoURL == "") == (o.UploadType == "") {
			return &ValidationError{Field: "video_url", Rule: "a video container needs exactly one of video_url or upload_type=resumable"}
		}
	}
	if mt != ContainerCarousel && len(o.Children) > 0 {
		return &ValidationError{Field: "children", Rule: "only a CAROUSEL album takes children"}
	}
	if o.IsCarouselItem && mt != ContainerImage && mt != ContainerVideo {
		return &ValidationError{Field: "is_carousel_item", Rule: "carousel items are images or VIDEO (reels and stories cannot be items)"}
	}
	if mt == ContainerVideo && !o.IsCarouselItem {
		return &ValidationError{Field: "media_type", Rule: "VIDEO is only for carousel items; publish a single video as REELS"}
	}

	// Caption.
	if o.Caption != "" {
		if o.IsCarouselItem {
			return &ValidationError{Field: "caption", Rule: "not allowed on carousel items (caption the album)"}
		}
		if mt == ContainerStories {
			return &ValidationError{Field: "caption", Rule: "not supported on stories"}
		}
		if err := validateCaption("caption", o.Caption); err != nil {
			return err
		}
	}

	// Alt text.
	if o.AltText != "" {
		if mt == ContainerCarousel || !o.isImage() {
			return &ValidationError{Field: "alt_text", Rule: "only images take alt text"}
		}
		if mt == ContainerStories {
			return &ValidationError{Field: "alt_text", Rule: "not supported on stories (feed images only)"}
		}
		if n := utf8.RuneCountInString(o.AltText); n > MaxAltTextLength {
			return &ValidationError{Field: "alt_text", Rule: fmt.Sprintf("at most %d characters (has %d)", MaxAltTextLength, n)}
		}
	}

	// Tags and collaborators.
	image := o.isImage() && mt != ContainerCarousel
	for i, t := range o.UserTags {
		f := fmt.Sprintf("user_tags[%d]", i)
		if strings.TrimSpace(t.Username) == "" {
			return &ValidationError{Field: f + ".username", Rule: "must not be empty"}
		}
		if image && (!inUnit(t.X) || !inUnit(t.Y)) {
			return &ValidationError{Field: f, Rule: "x and y must be within 0 and 1"}
		}
	}
	if err := o.validateExtras(mt); err != nil {
		return err
	}
	if mt == ContainerCarousel && len(o.UserTags) > 0 {
		return &ValidationError{Field: "user_tags", Rule: "tag users on the carousel items, not on the album"}
	}
	if n := len(o.ProductTags); n > 0 {
		if n > MaxProductTags {
			return &ValidationError{Field: "product_tags", Rule: fmt.Sprintf("at most %d product tags (has %d)", MaxProductTags, n)}
		}
		if mt == ContainerCarousel {
			return &ValidationError{Field: "product_tags", Rule: "tag products on the carousel items, not on the album"}
		}
		for i, t := range o.ProductTags {
			f := fmt.Sprintf("product_tags[%d]", i)
			if strings.TrimSpace(t.ProductID) == "" {
				return &ValidationError{Field: f + ".product_id", Rule: "must not be empty"}
			}
			if image && !t.Positioned {
				return &ValidationError{Field: f, Rule: "tags on images need x and y (use ImageProductTag)"}
			}
			if image && (!inUnit(t.X) || !inUnit(t.Y)) {
				return &ValidationError{Field: f, Rule: "x and y must be within 0 and 1"}
			}
		}
	}
	if n := len(o.Collaborators); n > 0 {
		if n > MaxCollaborators {
			return &ValidationError{Field: "collaborators", Rule: fmt.Sprintf("at most %d collaborators (has %d)", MaxCollaborators, n)}
		}
		if mt == ContainerStories {
			return &ValidationError{Field: "collaborators", Rule: "not allowed on stories"}
		}
		if o.IsCarouselItem {
			return &ValidationError{Field: "collaborators", Rule: "invite collaborators on the album, not on its items"}
		}
		for i, u := range o.Collaborators {
			if strings.TrimSpace(u) == "" {
				return &ValidationError{Field: fmt.Sprintf("collaborators[%d]", i), Rule: "must not be empty"}
			}
		}
	}

	// Video-only and reel-only parameters.
	if (o.CoverURL != "" || o.ThumbOffset != 0) && (!isVideo || mt == ContainerStories) {
		return &ValidationError{Field: "cover_url", Rule: "cover_url and thumb_offset apply to reels and videos only"}
	}
	if o.ThumbOffset < 0 {
		return &ValidationError{Field: "thumb_offset", Rule: "must not be negative"}
	}
	if mt != ContainerReels {
		switch {
		case o.ShareToFeed != nil:
			return &ValidationError{Field: "share_to_feed", Rule: "reels only"}
		case o.AudioName != "":
			return &ValidationError{Field: "audio_name", Rule: "reels only"}
		case o.TrialParams != nil:
			return &ValidationError{Field: "trial_params", Rule: "reels only"}
		}
	}
	if tp := o.TrialParams; tp != nil && tp.GraduationStrategy != "MANUAL" && tp.GraduationStrategy != "SS_PERFORMANCE" {
		return &ValidationError{Field: "trial_params.graduation_strategy", Rule: "must be MANUAL or SS_PERFORMANCE"}
	}
	return nil
}
