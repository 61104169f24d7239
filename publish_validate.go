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
