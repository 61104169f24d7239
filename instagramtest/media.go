package instagramtest

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"slices"
	"strings"
	"time"
)

// graphTime is Meta's timestamp layout, always in UTC ("+0000").
const graphTime = "2006-01-02T15:04:05-0700"

func formatTime(t time.Time) string { return t.UTC().Format(graphTime) }

// setupMedia declares the media kind: GET /{ig-media-id} and
// GET /{ig-media-id}/children. Field names are those of IGMedia
// (graph.facebook.com) and IGMediaForIGOnlyAPI (graph.instagram.com).
func (s *Server) setupMedia() {
	k := s.defineKind(kindMedia, "IGMedia", "IGMedia", onBoth)
	// Carousel items and stories do not carry engagement fields.
	engaging := func(m *media) bool { return !m.isCarouselItem() && m.ProductType != "STORY" }

	fieldOf(k, "media_type", onBoth, func(_ *call, m *media) (any, bool) { return m.MediaType, true })
	fieldOf(k, "media_product_type", onBoth, func(_ *call, m *media) (any, bool) { return m.ProductType, true })
	fieldOf(k, "caption", onBoth, func(_ *call, m *media) (any, bool) { return m.Caption, m.Caption != "" })
	fieldOf(k, "alt_text", onBoth, func(_ *call, m *media) (any, bool) { return m.AltText, m.AltText != "" })
	fieldOf(k, "media_url", onBoth, func(c *call, m *media) (any, bool) { return c.s.fileURL(m.File), m.File != "" })
	fieldOf(k, "thumbnail_url", onBoth, func(c *call, m *media) (any, bool) { return c.s.fileURL(m.Thumb), m.Thumb != "" })
	fieldOf(k, "permalink", onBoth, func(_ *call, m *media) (any, bool) { return m.Permalink, m.Permalink != "" })
	fieldOf(k, "shortcode", onBoth, func(_ *call, m *media) (any, bool) { return m.Shortcode, m.Shortcode != "" })
	fieldOf(k, "timestamp", onBoth, func(_ *call, m *media) (any, bool) { return formatTime(m.Timestamp), true })
	fieldOf(k, "like_count", onBoth, func(_ *call, m *media) (any, bool) { return m.LikeCount, engaging(m) })
	fieldOf(k, "comments_count", onBoth, func(c *call, m *media) (any, bool) { return c.s.commentsCount(m), engaging(m) })
	fieldOf(k, "is_comment_enabled", onBoth, func(_ *call, m *media) (any, bool) { return m.CommentEnabled, engaging(m) })
	fieldOf(k, "is_shared_to_feed", onBoth, func(_ *call, m *media) (any, bool) {
		if m.SharedToFeed == nil {
			return nil, false
		}
		return *m.SharedToFeed, true
	})
	fieldOf(k, "username", onBoth, func(c *call, m *media) (any, bool) {
		u, ok := objectOf[*igUser](c.s, m.OwnerID)
		if !ok {
			return nil, false
		}
		return u.Username, true
	})
	k.field("owner", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		return c.renderRef(v.(*media).OwnerID, f)
	})
	fieldOf(k, "current_live_viewer_count", onBoth, func(_ *call, _ *media) (any, bool) { return nil, false })
	// Facebook Login only.
	fieldOf(k, "ig_id", onFacebook, func(_ *call, m *media) (any, bool) { return m.IGID, m.IGID != "" })
	fieldOf(k, "legacy_instagram_media_id", onFacebook, func(_ *call, m *media) (any, bool) { return m.IGID, m.IGID != "" })
	for _, name := range []string{"boost_eligibility_info", "copyright_check_information", "video_title", "view_count"} {
		fieldOf(k, name, onFacebook, func(_ *call, _ *media) (any, bool) { return nil, false })
	}
	for _, name := range []string{"has_poll", "has_slider"} {
		fieldOf(k, name, onFacebook, func(_ *call, m *media) (any, bool) { return false, m.ProductType == "STORY" })
	}

	s.listEdge(kindMedia, "children", onBoth, func(c *call, id string) ([]string, *graphError) {
		m, _ := objectOf[*media](c.s, id)
		return m.Children, nil
	})
}

// setupCommentReads declares the comment kind with read access:
// GET /{ig-comment-id}, GET /{ig-media-id}/comments (newest first) and
// GET /{ig-comment-id}/replies (oldest first). Both edges answer
// timestamp, text and id when no fields are asked, as Meta's do. Writes
// (create, hide, delete) belong to another file and may replace these.
func (s *Server) setupCommentReads() {
	k := s.defineKind(kindComment, "IGComment", "IGComment", onBoth)
	fieldOf(k, "text", onBoth, func(_ *call, cm *comment) (any, bool) { return cm.Text, true })
	fieldOf(k, "timestamp", onBoth, func(_ *call, cm *comment) (any, bool) { return formatTime(cm.Timestamp), true })
	fieldOf(k, "username", onBoth, func(_ *call, cm *comment) (any, bool) { return cm.Username, true })
	fieldOf(k, "like_count", onBoth, func(_ *call, cm *comment) (any, bool) { return cm.LikeCount, true })
	fieldOf(k, "hidden", onBoth, func(_ *call, cm *comment) (any, bool) { return cm.Hidden, true })
	fieldOf(k, "parent_id", onBoth, func(_ *call, cm *comment) (any, bool) { return cm.ParentID, cm.ParentID != "" })
	fieldOf(k, "legacy_instagram_comment_id", onBoth, func(_ *call, _ *comment) (any, bool) { return nil, false })
	k.field("media", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		return c.renderRef(v.(*comment).MediaID, f)
	})
	k.field("user", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		cm := v.(*comment)
		if _, ok := objectOf[*igUser](c.s, cm.FromID); !ok {
			return nil, false, nil
		}
		return c.renderRef(cm.FromID, f)
	})
	k.field("from", onBoth, func(_ *call, v any, f fieldReq) (any, bool, *graphError) {
		cm := v.(*comment)
		out := newObject()
		sel := f.sub
		if len(sel) == 0 {
			sel = names("id", "username")
		}
		for _, sf := range sel {
			switch sf.name {
			case "id":
				out.set("id", cm.FromID)
			case "username":
				out.set("username", cm.Username)
			default:
				return nil, false, errUnknownField(sf.name, "IGCommentFromUser")
			}
		}
		return out, true, nil
	})

	s.listEdge(kindMedia, "comments", onBoth, func(c *call, id string) ([]string, *graphError) {
		m, _ := objectOf[*media](c.s, id)
		out := slices.Clone(m.Comments)
		slices.Reverse(out)
		return out, nil
	}, "timestamp", "text", "id")
	s.listEdge(kindComment, "replies", onBoth, func(c *call, id string) ([]string, *graphError) {
		cm, _ := objectOf[*comment](c.s, id)
		return cm.Replies, nil
	}, "timestamp", "text", "id")
}

// fileURL is the address of a media file served by the fake CDN.
func (s *Server) fileURL(name string) string {
	if name == "" {
		return ""
	}
	return s.URL + "/cdn/" + name
}

// setupCDN serves media files: small JPEG images (a flat colour derived
// from the name) and placeholder MP4 bytes, so that media_url and
// thumbnail_url can be downloaded without a network.
func (s *Server) setupCDN() {
	s.handleRaw("GET /cdn/{file}", func(c *call) {
		name := c.pathValue("file")
		h := c.w.Header()
		h.Del("facebook-api-version")
		switch {
		case strings.HasSuffix(name, ".jpg"):
			h.Set("Content-Type", "image/jpeg")
			c.w.WriteHeader(http.StatusOK)
			_, _ = c.w.Write(placeholderJPEG(name))
		case strings.HasSuffix(name, ".mp4"):
			h.Set("Content-Type", "video/mp4")
			c.w.WriteHeader(http.StatusOK)
			_, _ = c.w.Write(placeholderMP4)
		default:
			h.Set("Content-Type", "text/plain; charset=utf-8")
			c.w.WriteHeader(http.StatusNotFound)
			_, _ = c.w.Write([]byte("not found\n"))
		}
	})
}

func placeholderJPEG(name string) []byte {
	f := fnv.New32a()
	_, _ = f.Write([]byte(name))
	v := f.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	col := color.RGBA{R: uint8(v), G: uint8(v >> 8), B: uint8(v >> 16), A: 255}
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, col)
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

// placeholderMP4 is an "ftyp" box; enough for content sniffing, not a
// playable video.
var placeholderMP4 = []byte{
	0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
	'i', 's', 'o', 'm', 'm', 'p', '4', '1',
}
