package instagramtest

import (
	"crypto/sha256"
	"hash"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file adds content publishing: media containers
// (POST /{ig-user-id}/media), their status (GET /{ig-container-id})
// and publishing (POST /{ig-user-id}/media_publish). upload.go adds the
// resumable upload host.
//
// A container answers IN_PROGRESS to its first status reads
// (WithContainerPolls, default 1) and until its processing time has passed
// (WithContainerProcessingTime, default none), then FINISHED; a resumable
// container stays IN_PROGRESS until its whole file has arrived. A container
// whose image_url, video_url or file_url contains "error" fails with
// status ERROR, as does one passed to FailContainer. A container not
// published within 24 hours of server time is EXPIRED. media_publish on a
// container that is not FINISHED answers 9007/2207027; on a FINISHED one it
// creates the media, which then appears in GET /{ig-user-id}/media (or
// /stories) and GET /{ig-media-id}, and counts against the content
// publishing limit (WithPublishLimit, default 100 per 24 hours).

// kindContainer is the object kind of media containers.
const kindContainer = "ig_container"

// Container defaults.
const (
	defaultContainerPolls = 1
	containerLifetime     = 24 * time.Hour
	publishWindow         = 24 * time.Hour
)

// container is a media container (IG Container).
type container struct {
	ID             string
	OwnerID        string
	MediaType      string // IMAGE, VIDEO, REELS, STORIES, CAROUSEL
	ImageURL       string
	VideoURL       string
	Resumable      bool
	IsCarouselItem bool
	Children       []string
	Caption        string
	AltText        string
	LocationID     string
	UserTags       []pubUserTag
	ProductTags    []productTag
	Collaborators  []string
	CoverURL       string
	ThumbOffset    int
	ShareToFeed    *bool
	AudioName      string
	// Labels and caption add-ons (the add-ons and the paid-partnership
	// label are Facebook Login only).
	AIGenerated     bool
	PaidPartnership bool
	Poll            map[string]string
	PollExtended    bool
	CommentPrompt   bool

	Created     time.Time
	ReadyFrom   time.Time // processing starts: creation, or the upload's end
	Reads       int       // status reads answered since ReadyFrom
	FailStatus  string    // set when the container failed
	PublishedID string    // the media it became
	ParentID    string    // the album that used this item

	// Resumable upload state.
	FileSize  int64
	Received  int64
	Uploaded  bool
	Uploading bool
	FileURL   string
	SHA256    string
	hash      hash.Hash
}

// pubUserTag is a user tag of a container.
type pubUserTag struct {
	Username string   `json:"username"`
	X        *float64 `json:"x,omitempty"`
	Y        *float64 `json:"y,omitempty"`
}

// publishExtras are what a published media carries beyond the core media
// fields.
type publishExtras struct {
	LocationID    string
	UserTags      []pubUserTag
	ProductTags   []productTag
	Collaborators []string
	CoverURL      string
	AudioName     string
	ContainerID   string
}

// publishState is the publishing extension's state on a Server.
type publishState struct {
	polls      int
	processing time.Duration
	publishes  map[string][]time.Time // account id -> publish times, oldest first
	extras     map[string]*publishExtras
	cuts       []int64 // pending upload failures, as file offsets
	rng        *rand.Rand
}

// WithContainerPolls makes every container answer IN_PROGRESS to its first
// n status reads (default 1; 0 makes containers ready at once). media_publish
// accepts a container once n reads were answered.
func WithContainerPolls(n int) Option {
	return withSetup(func(s *Server) {
		if n >= 0 {
			ext[publishState](s).polls = n
		}
	})
}

// WithContainerProcessingTime makes every container stay IN_PROGRESS for d
// of server time after its creation (or after its upload completed), in
// addition to the status reads of WithContainerPolls.
func WithContainerProcessingTime(d time.Duration) Option {
	return withSetup(func(s *Server) {
		if d >= 0 {
			ext[publishState](s).processing = d
		}
	})
}

// WithPublishLimit sets the content publishing limit: how many media an
// account may publish in a moving 24 hours (default 100). Over it,
// media_publish answers code 9, subcode 2207042;
// GET /{ig-user-id}/content_publishing_limit reports it as quota_total.
func WithPublishLimit(n int) Option {
	return withSetup(func(s *Server) {
		if n > 0 {
			ext[publishingQuota](s).Total = n
		}
	})
}

func publishing(s *Server) *publishState { return ext[publishState](s) }

func setupPublishing(s *Server) {
	st := publishing(s)
	st.polls = defaultContainerPolls
	st.publishes = map[string][]time.Time{}
	st.extras = map[string]*publishExtras{}
	st.rng = s.rand("publishing")
	// content_publishing_limit reports what media_publish counts.
	ext[publishingQuota](s).Usage = func(s *Server, account string, since time.Time) int {
		return s.publishQuotaUsedSince(account, since)
	}

	k := s.defineKind(kindContainer, "ShadowIGMediaBuilder", "ShadowIGMediaBuilder", onBoth)
	fieldOf(k, "status_code", onBoth, func(c *call, ct *container) (any, bool) {
		code, _ := c.s.containerState(ct)
		return code, true
	})
	fieldOf(k, "status", onBoth, func(c *call, ct *container) (any, bool) {
		_, text := c.s.containerState(ct)
		return text, true
	})
	// video_status is documented with Facebook Login only (resumable
	// uploads); graph.instagram.com's container reference does not list it,
	// so it is refused there as an unknown field.
	fieldOf(k, "video_status", onFacebook, func(c *call, ct *container) (any, bool) {
		if !ct.isVideo() {
			return nil, false
		}
		return c.s.videoStatus(ct), true
	})
	fieldOf(k, "copyright_check_status", onBoth, func(c *call, ct *container) (any, bool) {
		if !ct.isVideo() {
			return nil, false
		}
		status := "in_progress"
		if code, _ := c.s.containerState(ct); code == "FINISHED" || code == "PUBLISHED" {
			status = "completed"
		}
		return map[string]any{"matches_found": false, "status": status}, true
	})

	// GET /{ig-container-id}: every read is a status poll.
	s.handleNode(kindContainer, http.MethodGet, func(c *call) {
		ct := c.node.(*container)
		if c.tok == nil || ct.OwnerID != c.tok.account {
			c.fail(errNoSuchObject(c.method, c.id))
			return
		}
		c.writeObject(c.id)
		if !ct.Resumable || ct.Uploaded {
			ct.Reads++
		}
	})

	s.handleEdge(kindUser, http.MethodPost, "media", createContainer)
	s.handleEdge(kindUser, http.MethodPost, "media_publish", publishContainer)
}

func (ct *container) isVideo() bool {
	switch ct.MediaType {
	case "VIDEO", "REELS":
		return true
	case "STORIES":
		return ct.ImageURL == ""
	}
	return false
}

// containerState computes a container's status_code and status text;
// callers hold s.mu.
func (s *Server) containerState(ct *container) (code, text string) {
	st := publishing(s)
	now := s.now()
	switch {
	case ct.PublishedID != "":
		return "PUBLISHED", "Published: Media has been successfully published."
	case !now.Before(ct.Created.Add(containerLifetime)):
		return "EXPIRED", "Expired: Media was not published within 24 hours."
	case ct.FailStatus != "":
		return "ERROR", ct.FailStatus
	case ct.Resumable && !ct.Uploaded:
		return "IN_PROGRESS", "In Progress: Waiting for the media to be uploaded."
	case ct.Reads < st.polls || now.Before(ct.ReadyFrom.Add(st.processing)):
		return "IN_PROGRESS", "In Progress: Media is still being processed."
	}
	return "FINISHED", "Finished: Media has been uploaded and it is ready to be published."
}

// videoStatus renders video_status (IGResumableVideoUploadStatus).
func (s *Server) videoStatus(ct *container) any {
	up := newObject()
	code, _ := s.containerState(ct)
	switch {
	case !ct.Resumable:
		up.set("status", "complete").set("bytes_transferred", 0)
	case ct.Uploaded:
		up.set("status", "complete").set("bytes_transferred", ct.Received).set("source_file_size", ct.FileSize)
	case ct.Received > 0 || ct.Uploading:
		up.set("status", "in_progress").set("bytes_transferred", ct.Received).set("source_file_size", ct.FileSize)
	default:
		up.set("status", "not_started").set("bytes_transferred", 0)
	}
	proc := "not_started"
	switch code {
	case "FINISHED", "PUBLISHED":
		proc = "complete"
	case "ERROR":
		proc = "error"
	case "IN_PROGRESS":
		if !ct.Resumable || ct.Uploaded {
			proc = "in_progress"
		}
	}
	return newObject().set("uploading_phase", up).set("processing_phase", newObject().set("status", proc))
}

// canPublish reports whether the caller's token may publish for the
// addressed account, and answers the error when not.
func canPublish(c *call) bool {
	if c.tok == nil || c.id != c.tok.account {
		c.fail(errNoSuchObject(c.method, c.id))
		return false
	}
	if !c.tok.hasScope("instagram_business_content_publish") && !c.tok.hasScope("instagram_content_publish") {
		c.fail(newError(http.StatusForbidden, 200, 0, typeOAuth,
			"(#200) Requires instagram_content_publish permission to publish content"))
		return false
	}
	return true
}

// Caption limits, as Meta enforces them.
var (
	pubHashtagRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&#])#[\p{L}\p{M}\p{N}_]+`)
	pubMentionRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_.]*[\p{L}\p{N}_]`)
)

// pubListParam reads a list parameter sent as a JSON array or a comma list.
func pubListParam(c *call, name string) []string {
	var out []string
	if ok, err := c.decodeParam(name, &out); ok && err == nil {
		return out
	}
	for _, v := range strings.Split(c.param(name), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func inRange01(p *float64) bool { return p != nil && *p >= 0 && *p <= 1 }

// createContainer answers POST /{ig-user-id}/media.
func createContainer(c *call) {
	if !canPublish(c) {
		return
	}
	ct := &container{
		OwnerID: c.id, MediaType: strings.ToUpper(c.param("media_type")),
		ImageURL: c.param("image_url"), VideoURL: c.param("video_url"),
		Caption: c.param("caption"), AltText: c.param("alt_text"), LocationID: c.param("location_id"),
		CoverURL: c.param("cover_url"), AudioName: c.param("audio_name"),
		Created: c.s.now(),
	}
	ct.ReadyFrom = ct.Created
	if ct.MediaType == "" {
		ct.MediaType = "IMAGE"
	}
	switch ut := c.param("upload_type"); ut {
	case "":
	case "resumable":
		// Meta documents resumable uploads for Facebook Login only.
		if c.host() == onInstagram {
			c.fail(errParam("The parameter upload_type=resumable is not supported with Instagram Login. Host the video and use video_url."))
			return
		}
		ct.Resumable = true
	default:
		c.fail(errParam("The parameter upload_type must be resumable"))
		return
	}
	if v, ok := c.boolParam("is_carousel_item"); ok {
		ct.IsCarouselItem = v
	}
	if v, ok := c.boolParam("share_to_feed"); ok {
		ct.ShareToFeed = &v
	}
	if c.hasParam("thumb_offset") {
		n, err := strconv.Atoi(strings.TrimSpace(c.param("thumb_offset")))
		if err != nil || n < 0 {
			c.fail(newError(http.StatusBadRequest, 1, 2207057, typeOAuth, "The thumbnail offset is out of range."))
			return
		}
		ct.ThumbOffset = n
	}
	if _, err := c.decodeParam("user_tags", &ct.UserTags); err != nil {
		c.fail(errParam("Param user_tags must be a JSON array of {username, x, y}"))
		return
	}
	// is_ai_generated: both logins (changelog 2026-06-22). Caption add-ons
	// (2026-09-28) and the paid-partnership label (2026-04-22): Facebook
	// Login only, so graph.instagram.com refuses them.
	for _, p := range []string{"poll_attachment", "is_poll_duration_extended", "is_comment_prompt_used", "is_paid_partnership"} {
		if c.hasParam(p) && c.host() == onInstagram {
			c.fail(errParam("The parameter %s is not supported with Instagram API with Instagram Login.", p))
			return
		}
	}
	if _, err := c.decodeParam("poll_attachment", &ct.Poll); err != nil {
		c.fail(errParam("Param poll_attachment must be a JSON object {option_a, option_b, option_c, option_d}"))
		return
	}
	ct.AIGenerated, _ = c.boolParam("is_ai_generated")
	ct.PaidPartnership, _ = c.boolParam("is_paid_partnership")
	ct.PollExtended, _ = c.boolParam("is_poll_duration_extended")
	ct.CommentPrompt, _ = c.boolParam("is_comment_prompt_used")
	var tags []struct {
		ProductID string   `json:"product_id"`
		X         *float64 `json:"x"`
		Y         *float64 `json:"y"`
	}
	if _, err := c.decodeParam("product_tags", &tags); err != nil {
		c.fail(errParam("Param product_tags must be a JSON array of {product_id, x, y}"))
		return
	}
	for _, t := range tags {
		ct.ProductTags = append(ct.ProductTags, productTag{ProductID: t.ProductID, X: t.X, Y: t.Y})
	}
	ct.Children = pubListParam(c, "children")
	ct.Collaborators = pubListParam(c, "collaborators")
	if e := c.s.checkContainer(ct); e != nil {
		c.fail(e)
		return
	}
	for _, u := range []string{ct.ImageURL, ct.VideoURL} {
		if strings.Contains(strings.ToLower(u), "error") {
			ct.FailStatus = failText(ct)
		}
	}
	ct.ID = c.s.newID()
	c.s.addObject(kindContainer, ct.ID, ct)
	out := newObject().set("id", ct.ID)
	if ct.Resumable {
		out.set("uri", c.s.URL+"/ig-api-upload/"+c.version+"/"+ct.ID)
	}
	c.writeJSON(http.StatusOK, out)
}

// failText is the status of a failed container: an image that could not
// be fetched, or a video in a format Meta does not take.
func failText(ct *container) string {
	if ct.isVideo() {
		return "Error: Media upload has failed with error code 2207026"
	}
	return "Error: Media upload has failed with error code 2207052"
}

// checkAddOns applies the caption add-on rules of Meta's "Caption add-ons"
// page (2026-09-28) and the carousel rule of is_ai_generated.
func checkAddOns(ct *container) *graphError {
	addOn := ct.Poll != nil || ct.CommentPrompt
	switch {
	case ct.IsCarouselItem && (ct.AIGenerated || ct.PaidPartnership || addOn):
		return errParam("Set is_ai_generated, is_paid_partnership and caption add-ons on the carousel container, not on its items.")
	case ct.Poll != nil && ct.CommentPrompt:
		return errParam("A media can carry at most one caption add-on.")
	case ct.PollExtended && ct.Poll == nil:
		return errParam("is_poll_duration_extended requires poll_attachment.")
	case addOn && ct.MediaType == "STORIES":
		return errParam("Caption add-ons are not supported on stories.")
	case addOn && strings.TrimSpace(ct.Caption) == "":
		return errParam("A caption add-on requires a non-empty caption.")
	}
	if ct.Poll != nil {
		n := 0
		for _, k := range []string{"option_a", "option_b", "option_c", "option_d"} {
			if strings.TrimSpace(ct.Poll[k]) != "" {
				n++
			}
		}
		if n < 2 || n > 4 || ct.Poll["option_a"] == "" || ct.Poll["option_b"] == "" {
			return errParam("The poll_attachment object must contain at least 2 options and no more than 4 options.")
		}
	}
	return nil
}

// checkContainer applies Meta's container rules; callers hold s.mu.
func (s *Server) checkContainer(ct *container) *graphError {
	image := ct.MediaType == "IMAGE" || (ct.MediaType == "STORIES" && ct.ImageURL != "")
	switch ct.MediaType {
	case "IMAGE":
		if ct.ImageURL == "" {
			return errParam("The parameter image_url is required.")
		}
	case "VIDEO":
		if !ct.IsCarouselItem {
			return newError(http.StatusBadRequest, 100, 2207023, typeOAuth,
				"The media type VIDEO is only supported for carousel items; publish videos as REELS.")
		}
		fallthrough
	case "REELS":
		if ct.VideoURL == "" && !ct.Resumable {
			return errParam("The parameter video_url is required.")
		}
		if ct.IsCarouselItem && ct.MediaType == "REELS" {
			return errParam("Reels cannot be carousel items.")
		}
	case "STORIES":
		if (ct.ImageURL == "") == (ct.VideoURL == "" && !ct.Resumable) {
			return errParam("A story needs an image_url or a video_url.")
		}
		if len(ct.Collaborators) > 0 {
			return errParam("Collaborators are not supported for stories.")
		}
	case "CAROUSEL":
		if n := len(ct.Children); n < 2 || n > 10 {
			return newError(http.StatusBadRequest, 100, 2207028, typeOAuth,
				"Carousels must have between 2 and 10 items.").userMessage("Invalid carousel", "A carousel needs 2 to 10 photos or videos.")
		}
		for _, id := range ct.Children {
			child, ok := objectOf[*container](s, id)
			if !ok || child.OwnerID != ct.OwnerID || !child.IsCarouselItem {
				return errParam("Param children must be carousel item containers of this account, %s is not", id)
			}
			if code, _ := s.containerState(child); code != "FINISHED" {
				return newError(http.StatusBadRequest, 9007, 2207027, typeOAuth,
					"Media ID is not available").userMessage("Media not ready", "Carousel item "+id+" is not ready.")
			}
		}
	default:
		return newError(http.StatusBadRequest, 100, 2207023, typeOAuth,
			"The media type %s is not supported.", ct.MediaType)
	}
	if ct.MediaType != "CAROUSEL" && len(ct.Children) > 0 {
		return errParam("Only CAROUSEL containers take children.")
	}
	if chars := utf8.RuneCountInString(ct.Caption); chars > 2200 {
		return newError(http.StatusBadRequest, 36004, 2207010, typeOAuth,
			"The caption is too long.").userMessage("Caption too long", "Captions can have at most 2200 characters.")
	}
	if n := len(pubHashtagRE.FindAllStringIndex(ct.Caption, -1)); n > 30 {
		return errParam("The caption has more than 30 hashtags.")
	}
	if n := len(pubMentionRE.FindAllStringIndex(ct.Caption, -1)); n > 20 {
		return newError(http.StatusBadRequest, 100, 2207040, typeOAuth,
			"The caption has more than 20 @ tags.")
	}
	if ct.AltText != "" && !image {
		return errParam("alt_text is only supported for images.")
	}
	if ct.AltText != "" && ct.MediaType == "STORIES" {
		return errParam("alt_text is not supported for stories.")
	}
	if utf8.RuneCountInString(ct.AltText) > 1000 {
		return errParam("alt_text can have at most 1000 characters.")
	}
	for i, t := range ct.UserTags {
		if t.Username == "" {
			return errParam("Param user_tags[%d] needs a username", i)
		}
		// x and y are required on feed images and optional on stories
		// (since 2025-07).
		story := ct.MediaType == "STORIES"
		if story && (t.X != nil || t.Y != nil) && (!inRange01(t.X) || !inRange01(t.Y)) {
			return errParam("Param user_tags[%d] needs x and y between 0 and 1", i)
		}
		if image && !story && (!inRange01(t.X) || !inRange01(t.Y)) {
			return errParam("Param user_tags[%d] needs x and y between 0 and 1", i)
		}
	}
	if gerr := checkAddOns(ct); gerr != nil {
		return gerr
	}
	if len(ct.ProductTags) > 5 {
		return newError(http.StatusBadRequest, 100, 2207035, typeOAuth, "A media can have at most 5 product tags.")
	}
	for i, t := range ct.ProductTags {
		if t.ProductID == "" {
			return newError(http.StatusBadRequest, 100, 2207036, typeOAuth, "Product tag %d has no product_id.", i)
		}
		if image && (!inRange01(t.X) || !inRange01(t.Y)) {
			return newError(http.StatusBadRequest, 100, 2207037, typeOAuth, "Product tag %d needs x and y between 0 and 1.", i)
		}
	}
	if len(ct.Collaborators) > 3 {
		return errParam("A media can have at most 3 collaborators.")
	}
	if (ct.ShareToFeed != nil || ct.AudioName != "") && ct.MediaType != "REELS" {
		return errParam("share_to_feed and audio_name are only supported for reels.")
	}
	return nil
}

// publishContainer answers POST /{ig-user-id}/media_publish.
func publishContainer(c *call) {
	if !canPublish(c) {
		return
	}
	id := strings.TrimSpace(c.param("creation_id"))
	if id == "" {
		c.fail(errParam("The parameter creation_id is required."))
		return
	}
	ct, ok := objectOf[*container](c.s, id)
	if !ok || ct.OwnerID != c.id {
		c.fail(newError(http.StatusBadRequest, 24, 2207006, typeOAuth,
			"The media with id %s cannot be found.", id).userMessage("Media not found", "The media container does not exist or belongs to another account."))
		return
	}
	if ct.IsCarouselItem {
		c.fail(errParam("A carousel item cannot be published on its own; publish its CAROUSEL container."))
		return
	}
	switch code, text := c.s.containerState(ct); code {
	case "PUBLISHED":
		c.fail(errParam("The media container %s has already been published.", id))
		return
	case "EXPIRED":
		c.fail(newError(http.StatusBadRequest, -2, 2207020, typeOAuth,
			"The media you are trying to publish has expired.").userMessage("Media expired", "Create a new container and try again."))
		return
	case "ERROR":
		c.fail(errParam("The media container %s cannot be published: %s", id, text))
		return
	case "IN_PROGRESS":
		c.fail(newError(http.StatusBadRequest, 9007, 2207027, typeOAuth,
			"Media ID is not available").userMessage("Media not ready for publishing", "The media is not ready for publishing, please wait for a moment."))
		return
	}
	if limit := c.s.publishQuotaTotal(); c.s.publishQuotaUsed(c.id) >= limit {
		c.fail(newError(http.StatusBadRequest, 9, 2207042, typeOAuth,
			"Application request limit reached").userMessage("Publishing limit reached",
			"The account has reached its limit of "+strconv.Itoa(limit)+" API-published posts in 24 hours."))
		return
	}
	m := c.s.mediaFromContainer(ct)
	c.writeJSON(http.StatusOK, map[string]string{"id": m.ID})
}

// mediaFromContainer creates the media a container becomes, records the
// publication and returns the media; callers hold s.mu.
func (s *Server) mediaFromContainer(ct *container) *media {
	st := publishing(s)
	now := s.now()
	owner, _ := objectOf[*igUser](s, ct.OwnerID)
	m := s.newPublishedMedia(ct, now)
	switch ct.MediaType {
	case "REELS":
		m.MediaType, m.ProductType = "VIDEO", "REELS"
		m.Permalink = "https://www.instagram.com/reel/" + m.Shortcode + "/"
		shared := true
		if ct.ShareToFeed != nil {
			shared = *ct.ShareToFeed
		}
		m.SharedToFeed = &shared
	case "STORIES":
		m.ProductType = "STORY"
		m.MediaType = "IMAGE"
		if ct.isVideo() {
			m.MediaType = "VIDEO"
		}
		if owner != nil {
			m.Permalink = "https://www.instagram.com/stories/" + owner.Username + "/" + m.IGID + "/"
		}
	case "CAROUSEL":
		m.MediaType = "CAROUSEL_ALBUM"
		for i, cid := range ct.Children {
			child, _ := objectOf[*container](s, cid)
			item := s.newPublishedMedia(child, now)
			item.ParentID, item.Permalink, item.Shortcode = m.ID, m.Permalink, m.Shortcode
			item.Caption = ""
			if child.MediaType == "VIDEO" {
				item.MediaType = "VIDEO"
			}
			item.File, item.Thumb = fileNames(item)
			if i == 0 {
				m.File = item.File
			}
			m.Children = append(m.Children, item.ID)
			child.PublishedID, child.ParentID = item.ID, m.ID
			s.addObject(kindMedia, item.ID, item)
			s.recordExtras(item.ID, child)
		}
	}
	if ct.MediaType != "CAROUSEL" {
		m.File, m.Thumb = fileNames(m)
	}
	s.addObject(kindMedia, m.ID, m)
	s.recordExtras(m.ID, ct)
	ct.PublishedID = m.ID
	if owner != nil {
		if m.ProductType == "STORY" {
			owner.Stories = append([]string{m.ID}, owner.Stories...)
		} else {
			owner.Media = append([]string{m.ID}, owner.Media...)
		}
	}
	st.publishes[ct.OwnerID] = append(st.publishes[ct.OwnerID], now)
	return m
}

// newPublishedMedia makes the common part of a media from a container.
func (s *Server) newPublishedMedia(ct *container, now time.Time) *media {
	r := publishing(s).rng
	sc := make([]byte, 11)
	for i := range sc {
		sc[i] = shortcodeAlphabet[r.IntN(len(shortcodeAlphabet))]
	}
	m := &media{
		ID: s.newID(), IGID: digits(r.Uint64(), 19), OwnerID: ct.OwnerID, MediaType: "IMAGE",
		ProductType: "FEED", Caption: ct.Caption, AltText: ct.AltText, Shortcode: string(sc),
		Timestamp: now, CommentEnabled: true, Insights: map[string]int{},
	}
	m.Permalink = "https://www.instagram.com/p/" + m.Shortcode + "/"
	return m
}

// fileNames names a media's files on the fake CDN.
func fileNames(m *media) (file, thumb string) {
	if m.MediaType == "VIDEO" {
		return m.ID + ".mp4", m.ID + "_thumb.jpg"
	}
	return m.ID + ".jpg", ""
}

// recordExtras keeps what a media was published with beyond the core
// fields; callers hold s.mu.
func (s *Server) recordExtras(mediaID string, ct *container) {
	if ct.LocationID == "" && len(ct.UserTags) == 0 && len(ct.ProductTags) == 0 && len(ct.Collaborators) == 0 &&
		ct.CoverURL == "" && ct.AudioName == "" {
		publishing(s).extras[mediaID] = &publishExtras{ContainerID: ct.ID}
		return
	}
	publishing(s).extras[mediaID] = &publishExtras{
		LocationID: ct.LocationID, UserTags: ct.UserTags, ProductTags: ct.ProductTags,
		Collaborators: ct.Collaborators, CoverURL: ct.CoverURL, AudioName: ct.AudioName, ContainerID: ct.ID,
	}
	// Product tags and collaborators are served by the shopping and
	// collaboration endpoints.
	if len(ct.ProductTags) > 0 {
		sh := shop(s)
		if sh.tags == nil {
			sh.tags = map[string][]*productTag{}
		}
		for _, t := range ct.ProductTags {
			sh.tags[mediaID] = append(sh.tags[mediaID], &t)
		}
	}
	if len(ct.Collaborators) > 0 {
		w := world(s)
		for _, name := range ct.Collaborators {
			w.collabs[mediaID] = append(w.collabs[mediaID], &collaborator{UserID: s.userIDByName(name), Username: name, Status: "Pending"})
		}
	}
}

// userIDByName finds an account of the fake by username, or makes up an
// id for an account the fake does not hold; callers hold s.mu.
func (s *Server) userIDByName(name string) string {
	for id, o := range s.objects {
		if u, ok := o.value.(*igUser); ok && strings.EqualFold(u.Username, name) {
			return id
		}
	}
	return s.newID()
}

// publishedExtras returns what a media was published with (location, user
// and product tags, collaborators), nil for media not published through
// the API; callers hold s.mu.
func (s *Server) publishedExtras(mediaID string) *publishExtras {
	return publishing(s).extras[mediaID]
}

// publishQuotaUsed counts the media the account published through the API
// in the last 24 hours of server time; callers hold s.mu.
func (s *Server) publishQuotaUsed(userID string) int {
	return s.publishQuotaUsedSince(userID, time.Time{})
}

// publishQuotaUsedSince counts the account's publications after since,
// within the last 24 hours; callers hold s.mu.
func (s *Server) publishQuotaUsedSince(userID string, since time.Time) int {
	st := publishing(s)
	now := s.now()
	from := now.Add(-publishWindow)
	if since.After(from) {
		from = since
	}
	n := 0
	for _, t := range st.publishes[userID] {
		if t.After(from) && !t.After(now) {
			n++
		}
	}
	return n
}

// publishQuotaTotal is the content publishing limit per 24 hours; callers
// hold s.mu.
func (s *Server) publishQuotaTotal() int {
	if n := ext[publishingQuota](s).Total; n > 0 {
		return n
	}
	return defaultPublishQuota
}

// PublishQuotaUsed returns how many media the seeded account published
// through the API in the last 24 hours of server time.
func (s *Server) PublishQuotaUsed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publishQuotaUsed(s.UserID)
}

// Container is a snapshot of a media container.
type Container struct {
	ID         string
	MediaType  string
	StatusCode string
	Status     string
	// Reads is how many status reads were answered since processing
	// started.
	Reads int
	// Children are the item containers of a carousel album.
	Children []string
	// PublishedMediaID is the media the container became.
	PublishedMediaID string
	// FileSize and BytesReceived describe a resumable upload; SHA256 is
	// the hex digest of the uploaded file once complete.
	FileSize      int64
	BytesReceived int64
	SHA256        string
	// Params are the parameters the container was created with.
	Params map[string]any
}

// Container returns a snapshot of a media container.
func (s *Server) Container(id string) (Container, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, ok := objectOf[*container](s, id)
	if !ok {
		return Container{}, false
	}
	code, text := s.containerState(ct)
	params := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			params[k] = v
		}
	}
	set("media_type", ct.MediaType, true)
	set("image_url", ct.ImageURL, ct.ImageURL != "")
	set("video_url", ct.VideoURL, ct.VideoURL != "")
	set("upload_type", "resumable", ct.Resumable)
	set("is_carousel_item", true, ct.IsCarouselItem)
	set("caption", ct.Caption, ct.Caption != "")
	set("alt_text", ct.AltText, ct.AltText != "")
	set("location_id", ct.LocationID, ct.LocationID != "")
	set("user_tags", ct.UserTags, len(ct.UserTags) > 0)
	set("product_tags", ct.ProductTags, len(ct.ProductTags) > 0)
	set("collaborators", ct.Collaborators, len(ct.Collaborators) > 0)
	set("cover_url", ct.CoverURL, ct.CoverURL != "")
	set("thumb_offset", ct.ThumbOffset, ct.ThumbOffset != 0)
	if ct.ShareToFeed != nil {
		params["share_to_feed"] = *ct.ShareToFeed
	}
	set("audio_name", ct.AudioName, ct.AudioName != "")
	set("is_ai_generated", true, ct.AIGenerated)
	set("is_paid_partnership", true, ct.PaidPartnership)
	set("poll_attachment", ct.Poll, ct.Poll != nil)
	set("is_poll_duration_extended", true, ct.PollExtended)
	set("is_comment_prompt_used", true, ct.CommentPrompt)
	return Container{
		ID: ct.ID, MediaType: ct.MediaType, StatusCode: code, Status: text, Reads: ct.Reads,
		Children: append([]string(nil), ct.Children...), PublishedMediaID: ct.PublishedID,
		FileSize: ct.FileSize, BytesReceived: ct.Received, SHA256: ct.SHA256, Params: params,
	}, true
}

// FailContainer makes a container fail with status ERROR and the given
// error subcode in its status text (2207026 when 0).
func (s *Server) FailContainer(id string, subcode int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, ok := objectOf[*container](s, id)
	if !ok {
		return false
	}
	if subcode == 0 {
		subcode = 2207026
	}
	ct.FailStatus = "Error: Media upload has failed with error code " + strconv.Itoa(subcode)
	return true
}

// newSHA256 starts the digest of an upload.
func newSHA256() hash.Hash { return sha256.New() }
