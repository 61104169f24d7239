package instagramtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Messaging.
//
// POST /{ig-user-id}/messages (and /{page-id}/messages with a Page token)
// sends text, attachments, shared posts, stickers, templates and quick
// replies, sender actions (typing_on, typing_off, mark_seen, react,
// unreact) and private replies to comments (recipient.comment_id). Sent
// messages land in the conversation with the person and are echoed to
// webhooks (is_echo). Conversations (GET /{ig-user-id}/conversations with
// platform and user_id), a conversation (GET /{conversation-id}) and a
// message (GET /{message-id}) read them back. GET/POST/DELETE
// /{ig-user-id}/messenger_profile keep ice breakers and the persistent
// menu.
//
// Like Meta, the server answers a person only within 24 hours of the
// person's last message (7 days with messaging_type MESSAGE_TAG and tag
// HUMAN_AGENT), error 10/2534022 otherwise; a person made unavailable
// with SetRecipientUnavailable gets error 551; a comment takes one private
// reply, within 7 days. Per account, it allows 2 conversations calls a
// second, 100 sends a second (10 for audio and video), 750 private
// replies an hour (100 a second on live broadcasts), counted over sliding
// windows; over a limit a call fails
// with code 613, subcode 2534040 (WithMessagingLimits changes them).
//
// SimulateIncomingMessage and SimulateMessage make a person write to the
// account, opening the messaging window and delivering a "messages"
// webhook.

// RateLimit is a number of calls allowed in any window of a duration.
type RateLimit struct {
	Calls int
	Per   time.Duration
}

// MessagingLimits are the per-account messaging limits the server
// enforces.
type MessagingLimits struct {
	// Conversations counts GET conversations, a conversation and a
	// message.
	Conversations RateLimit
	// Send counts messages other than audio and video, and sender actions.
	Send RateLimit
	// SendMedia counts audio and video messages.
	SendMedia RateLimit
	// PrivateReplies counts private replies to comments on posts and
	// reels.
	PrivateReplies RateLimit
	// LivePrivateReplies counts private replies to comments on live
	// broadcasts.
	LivePrivateReplies RateLimit
}

// DefaultMessagingLimits returns Meta's documented messaging limits.
func DefaultMessagingLimits() MessagingLimits {
	return MessagingLimits{
		Conversations:      RateLimit{2, time.Second},
		Send:               RateLimit{300, time.Second},
		SendMedia:          RateLimit{10, time.Second},
		PrivateReplies:     RateLimit{750, time.Hour},
		LivePrivateReplies: RateLimit{100, time.Second},
	}
}

// WithMessagingLimits replaces the messaging limits; a zero RateLimit
// keeps the default, Calls < 0 removes the limit.
func WithMessagingLimits(l MessagingLimits) Option {
	return withSetup(func(s *Server) {
		st := ext[msgState](s)
		for _, p := range []struct{ dst, src *RateLimit }{
			{&st.limits.Conversations, &l.Conversations}, {&st.limits.Send, &l.Send},
			{&st.limits.SendMedia, &l.SendMedia}, {&st.limits.PrivateReplies, &l.PrivateReplies},
			{&st.limits.LivePrivateReplies, &l.LivePrivateReplies},
		} {
			if *p.src != (RateLimit{}) {
				*p.dst = *p.src
			}
		}
	})
}

// Messaging windows and limits of the server.
const (
	messagingWindow  = 24 * time.Hour
	humanAgentWindow = 7 * 24 * time.Hour
	privateReplyDays = 7 * 24 * time.Hour
	maxTextBytes     = 1000
	maxQuickReplies  = 13
	maxAttachments   = 10
	maxIceBreakers   = 4
)

// Object kinds of messaging.
const (
	kindConversation = "ig_conversation"
	kindMessage      = "ig_message"
)

type msgCategory string

const (
	catConversations msgCategory = "conversations"
	catSend          msgCategory = "send"
	catSendMedia     msgCategory = "send_media"
	catPrivateReply  msgCategory = "private_reply"
	catLiveReply     msgCategory = "live_private_reply"
)

// msgState is the messaging side of the server state (ext).
type msgState struct {
	limits      MessagingLimits
	threads     map[string]*thread // by account + "/" + person id
	seq         int
	unavailable map[string]bool      // person ids
	replied     map[string]time.Time // comment id -> private reply time
	windows     map[string][]time.Time
	throttled   int
	profiles    map[string]map[string]json.RawMessage // account -> field -> value
}

// thread is a conversation between an account and one person.
type thread struct {
	ID           string
	Account      string
	UserID       string
	Messages     []string // oldest first
	Updated      time.Time
	LastIncoming time.Time // zero until the person writes
	Unread       int
	Folder       string // "" is inbox
}

// folder is the thread's inbox folder.
func (t *thread) folder() string {
	if t.Folder == "" {
		return "inbox"
	}
	return t.Folder
}

// MoveConversation puts the conversation with the person igsid into an
// inbox folder (inbox, pending or other), as the account's owner would in
// the app; GET /{ig-user-id}/conversations?folder= then filters on it.
func (s *Server) MoveConversation(igsid, folder string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.threadFor(s.acct.ID, igsid, true); t != nil {
		t.Folder = folder
	}
}

// dm is one direct message.
type dm struct {
	ID          string
	ThreadID    string
	FromID      string
	ToID        string
	Text        string
	Created     time.Time
	Attachments []dmAttachment
	Shares      []string // links of shared posts
	ReplyTo     string
	QuickReply  string
	HumanAgent  bool
	Reactions   map[string]string // reactor id -> reaction
}

type dmAttachment struct {
	Type string // image, audio, video, file, like_heart, template
	URL  string
	ID   string // attachment id, when sent by id
}

func (s *Server) setupMessaging() {
	st := ext[msgState](s)
	st.limits = DefaultMessagingLimits()
	st.threads = map[string]*thread{}
	st.unavailable = map[string]bool{}
	st.replied = map[string]time.Time{}
	st.windows = map[string][]time.Time{}
	st.profiles = map[string]map[string]json.RawMessage{}

	ck := s.defineKind(kindConversation, "UnifiedThread", "UnifiedThread", onBoth)
	ck.setDefaults("id", "updated_time")
	fieldOf(ck, "updated_time", onBoth, func(_ *call, t *thread) (any, bool) { return formatTime(t.Updated), true })
	fieldOf(ck, "message_count", onBoth, func(_ *call, t *thread) (any, bool) { return len(t.Messages), true })
	fieldOf(ck, "unread_count", onBoth, func(_ *call, t *thread) (any, bool) { return t.Unread, true })
	fieldOf(ck, "can_reply", onBoth, func(c *call, t *thread) (any, bool) {
		return c.s.windowOpen(t, false), true
	})
	fieldOf(ck, "folder", onBoth, func(_ *call, t *thread) (any, bool) { return t.folder(), true })
	fieldOf(ck, "snippet", onBoth, func(c *call, t *thread) (any, bool) {
		if len(t.Messages) == 0 {
			return nil, false
		}
		m, ok := objectOf[*dm](c.s, t.Messages[len(t.Messages)-1])
		if !ok {
			return nil, false
		}
		return m.Text, true
	})
	ck.field("participants", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		t := v.(*thread)
		var list []any
		for _, id := range []string{t.Account, t.UserID} {
			p, err := c.participant(id, f.sub)
			if err != nil {
				return nil, false, err
			}
			list = append(list, p)
		}
		return newObject().set("data", list), true, nil
	})
	s.listEdge(kindConversation, "messages", onBoth, func(c *call, id string) ([]string, *graphError) {
		t, _ := objectOf[*thread](c.s, id)
		out := slices.Clone(t.Messages)
		slices.Reverse(out)
		return out, nil
	}, "id", "created_time")
	s.handleNode(kindConversation, http.MethodGet, s.getConversationNode)

	mk := s.defineKind(kindMessage, "Message", "Message", onBoth)
	mk.setDefaults("id")
	fieldOf(mk, "created_time", onBoth, func(_ *call, m *dm) (any, bool) { return formatTime(m.Created), true })
	fieldOf(mk, "message", onBoth, func(_ *call, m *dm) (any, bool) { return m.Text, true })
	fieldOf(mk, "is_unsupported", onBoth, func(_ *call, _ *dm) (any, bool) { return false, true })
	mk.field("from", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		p, err := c.participant(v.(*dm).FromID, f.sub)
		return p, err == nil, err
	})
	mk.field("to", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		p, err := c.participant(v.(*dm).ToID, f.sub)
		if err != nil {
			return nil, false, err
		}
		return newObject().set("data", []any{p}), true, nil
	})
	fieldOf(mk, "attachments", onBoth, func(c *call, m *dm) (any, bool) {
		if len(m.Attachments) == 0 {
			return nil, false
		}
		var list []any
		for i, a := range m.Attachments {
			list = append(list, c.s.renderAttachment(m, i, a))
		}
		return newObject().set("data", list), true
	})
	fieldOf(mk, "shares", onBoth, func(_ *call, m *dm) (any, bool) {
		if len(m.Shares) == 0 {
			return nil, false
		}
		var list []any
		for _, l := range m.Shares {
			list = append(list, map[string]string{"link": l})
		}
		return newObject().set("data", list), true
	})
	fieldOf(mk, "reactions", onBoth, func(c *call, m *dm) (any, bool) {
		if len(m.Reactions) == 0 {
			return nil, false
		}
		byReaction := map[string][]any{}
		var kinds []string
		for _, who := range slices.Sorted(maps.Keys(m.Reactions)) {
			r := m.Reactions[who]
			if _, ok := byReaction[r]; !ok {
				kinds = append(kinds, r)
			}
			byReaction[r] = append(byReaction[r], map[string]string{"username": c.s.usernameOf(who), "id": who})
		}
		var list []any
		for _, r := range kinds {
			list = append(list, map[string]any{"reaction": r, "users": byReaction[r]})
		}
		return newObject().set("data", list), true
	})
	s.handleNode(kindMessage, http.MethodGet, s.getMessageNode)

	for _, kind := range []string{kindUser, kindPage} {
		s.handleEdge(kind, http.MethodPost, "messages", s.postMessages)
		s.handleEdge(kind, http.MethodGet, "conversations", s.getConversations)
		s.handleEdge(kind, http.MethodGet, "messenger_profile", s.getMessengerProfile)
		s.handleEdge(kind, http.MethodPost, "messenger_profile", s.postMessengerProfile)
		s.handleEdge(kind, http.MethodDelete, "messenger_profile", s.deleteMessengerProfile)
	}
}

// participant renders {username, id} (or the fields asked) of a person or
// the account.
func (c *call) participant(id string, sel []fieldReq) (*jsonObject, *graphError) {
	if len(sel) == 0 {
		sel = names("username", "id")
	}
	out := newObject()
	for _, f := range sel {
		switch f.name {
		case "id":
			out.set("id", id)
		case "username":
			out.set("username", c.s.usernameOf(id))
		default:
			return nil, errUnknownField(f.name, "User")
		}
	}
	return out, nil
}

// attachmentURL is where an attachment's file is: its URL, or a file on
// the fake CDN for attachments sent by id and stickers.
func (s *Server) attachmentURL(m *dm, i int, a dmAttachment) string {
	switch {
	case a.Type == "like_heart":
		return s.fileURL("sticker_like_heart.jpg")
	case a.URL != "":
		return a.URL
	case a.Type == "video" || a.Type == "audio":
		return s.fileURL("attachment_" + m.ID + "_" + strconv.Itoa(i) + ".mp4")
	}
	return s.fileURL("attachment_" + m.ID + "_" + strconv.Itoa(i) + ".jpg")
}

// renderAttachment renders an attachment of a message the way the
// conversations API does.
func (s *Server) renderAttachment(m *dm, i int, a dmAttachment) *jsonObject {
	u := s.attachmentURL(m, i, a)
	out := newObject().set("id", m.ID+"_"+strconv.Itoa(i))
	switch a.Type {
	case "image", "like_heart":
		out.set("mime_type", "image/jpeg")
		img := newObject().set("url", u).set("preview_url", u).
			set("width", 1080).set("height", 1080).set("max_width", 1080).set("max_height", 1080)
		if a.Type == "like_heart" {
			img.set("render_as_sticker", true)
		}
		out.set("image_data", img)
	case "video", "audio":
		mime := "video/mp4"
		if a.Type == "audio" {
			mime = "audio/mpeg"
		}
		out.set("mime_type", mime)
		out.set("video_data", newObject().set("url", u).set("preview_url", s.fileURL(m.ID+"_preview.jpg")).
			set("width", 720).set("height", 1280))
	default:
		out.set("mime_type", "application/pdf").set("name", "attachment.pdf").set("file_url", u)
	}
	return out
}

// messagingAccount returns the Instagram account a messaging call acts
// for: the account itself, or the one linked to the Page. With Facebook
// Login only the Page token may message. It answers the error itself.
func (c *call) messagingAccount() (string, bool) {
	var account string
	switch v := c.node.(type) {
	case *igUser:
		account = v.ID
	case *page:
		account = v.IGAccountID
	}
	if c.tok.kind == tokenFacebookUser || c.tok.kind == tokenApp {
		c.fail(newError(http.StatusBadRequest, 210, 0, typeOAuth, "(#210) A page access token is required to request this resource."))
		return "", false
	}
	if account == "" || c.tok.account != account {
		c.fail(errNoPermission())
		return "", false
	}
	scope := "instagram_manage_messages"
	if c.tok.kind == tokenInstagram {
		scope = "instagram_business_manage_messages"
	}
	if !c.tok.hasScope(scope) {
		c.fail(newError(http.StatusForbidden, 200, 0, typeOAuth, "(#200) Requires %s permission to manage the object", scope))
		return "", false
	}
	return account, true
}

func (st *msgState) limit(cat msgCategory) RateLimit {
	switch cat {
	case catConversations:
		return st.limits.Conversations
	case catSendMedia:
		return st.limits.SendMedia
	case catPrivateReply:
		return st.limits.PrivateReplies
	case catLiveReply:
		return st.limits.LivePrivateReplies
	}
	return st.limits.Send
}

// charge counts a messaging call of the account against its sliding
// window, or refuses it with code 613 (with Retry-After) when the window is
// full. Refused calls do not count.
func (c *call) charge(account string, cat msgCategory) bool {
	st := ext[msgState](c.s)
	lim := st.limit(cat)
	if lim.Calls < 0 {
		return true
	}
	key := account + "/" + string(cat)
	now := c.s.now()
	times := st.windows[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-lim.Per)) {
		i++
	}
	times = times[i:]
	if len(times) >= lim.Calls {
		st.windows[key] = times
		st.throttled++
		wait := times[len(times)-lim.Calls].Add(lim.Per).Sub(now)
		c.w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
		c.fail(newError(http.StatusBadRequest, 613, 2534040, typeOAuth, "(#613) Calls to this api have exceeded the rate limit."))
		return false
	}
	st.windows[key] = append(times, now)
	return true
}

// ThrottledMessagingCalls returns how many messaging calls the server
// refused for exceeding a messaging limit.
func (s *Server) ThrottledMessagingCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ext[msgState](s).throttled
}

func errOutsideWindow() *graphError {
	return newError(http.StatusBadRequest, 10, 2534022, typeOAuth,
		"(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")
}

func errUnavailable() *graphError {
	return newError(http.StatusBadRequest, 551, 1545041, typeOAuth, "(#551) This person isn't available right now.")
}

func errNoMatchingUser() *graphError {
	return newError(http.StatusBadRequest, 100, 2534014, typeOAuth, "(#100) No matching user found")
}

// windowOpen tells whether the account may still write in t now.
func (s *Server) windowOpen(t *thread, humanAgent bool) bool {
	if t.LastIncoming.IsZero() {
		return false
	}
	if isSelfThread(t) {
		return true // self messaging has no window (selfmsg.go)
	}
	w := messagingWindow
	if humanAgent {
		w = humanAgentWindow
	}
	return s.now().Before(t.LastIncoming.Add(w))
}

// threadFor returns the conversation between account and person, creating
// it when create is set; callers hold s.mu.
func (s *Server) threadFor(account, person string, create bool) *thread {
	st := ext[msgState](s)
	key := account + "/" + person
	if t := st.threads[key]; t != nil || !create {
		return t
	}
	id := base64.RawURLEncoding.EncodeToString([]byte("ig_thread:1:IGMessageThread:" + account + ":" + person))
	t := &thread{ID: id, Account: account, UserID: person, Updated: s.now().UTC()}
	st.threads[key] = t
	s.addObject(kindConversation, id, t)
	s.usernameOf(person)
	s.registerScopedUser(person)
	return t
}

// addMessage stores a message in t; callers hold s.mu.
func (s *Server) addMessage(t *thread, m *dm) {
	st := ext[msgState](s)
	st.seq++
	m.ID = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("ig_message_item:1:IGMessage:%s:%d", t.Account, st.seq)))
	m.ThreadID = t.ID
	m.Created = s.now().UTC()
	s.addObject(kindMessage, m.ID, m)
	t.Messages = append(t.Messages, m.ID)
	t.Updated = m.Created
}

// wire shapes of the send request.
type (
	wireRecipient struct {
		ID        string `json:"id"`
		CommentID string `json:"comment_id"`
	}
	wirePayload struct {
		URL          string            `json:"url"`
		AttachmentID string            `json:"attachment_id"`
		ID           string            `json:"id"`
		TemplateType string            `json:"template_type"`
		Elements     []json.RawMessage `json:"elements"`
		Text         string            `json:"text"`
		Buttons      []json.RawMessage `json:"buttons"`
	}
	wireAttachment struct {
		Type    string       `json:"type"`
		Payload *wirePayload `json:"payload"`
	}
	wireQuickReply struct {
		ContentType string `json:"content_type"`
		Title       string `json:"title"`
		Payload     string `json:"payload"`
	}
	wireMessage struct {
		Text         *string          `json:"text"`
		Attachment   *wireAttachment  `json:"attachment"`
		Attachments  []wireAttachment `json:"attachments"`
		QuickReplies []wireQuickReply `json:"quick_replies"`
	}
	wireActionPayload struct {
		MessageID string `json:"message_id"`
		Reaction  string `json:"reaction"`
	}
)

// sendReq is a parsed POST /{id}/messages.
type sendReq struct {
	recipient  wireRecipient
	message    *wireMessage
	action     string
	payload    *wireActionPayload
	replyTo    string
	humanAgent bool
}

func (c *call) parseSend() (*sendReq, *graphError) {
	r := &sendReq{}
	if ok, err := c.decodeParam("recipient", &r.recipient); !ok || err != nil || (r.recipient.ID == "") == (r.recipient.CommentID == "") {
		return nil, errParam("param recipient must be an object with exactly one of id or comment_id")
	}
	var msg wireMessage
	hasMsg, err := c.decodeParam("message", &msg)
	if err != nil {
		return nil, errParam("param message must be a JSON object")
	}
	if hasMsg {
		r.message = &msg
	}
	r.action = c.param("sender_action")
	if hasMsg == (r.action != "") {
		return nil, errParam("Exactly one of message or sender_action must be set")
	}
	var p wireActionPayload
	if ok, err := c.decodeParam("payload", &p); err != nil {
		return nil, errParam("param payload must be a JSON object")
	} else if ok {
		r.payload = &p
	}
	var rt struct {
		MID string `json:"mid"`
	}
	if ok, err := c.decodeParam("reply_to", &rt); err != nil || ok && rt.MID == "" {
		return nil, errParam("param reply_to must be an object with a mid")
	}
	r.replyTo = rt.MID
	mt, tag := c.param("messaging_type"), c.param("tag")
	switch {
	case tag == "" && (mt == "" || mt == "RESPONSE" || mt == "UPDATE"):
	case mt == "MESSAGE_TAG" && tag == "HUMAN_AGENT":
		r.humanAgent = true
	case mt == "MESSAGE_TAG":
		return nil, errParam("Invalid tag %q: Instagram supports only HUMAN_AGENT", tag)
	default:
		return nil, errParam("param tag requires messaging_type MESSAGE_TAG")
	}
	if r.recipient.CommentID != "" && (r.action != "" || r.replyTo != "" || r.humanAgent) {
		return nil, errParam("A private reply carries a message only")
	}
	return r, nil
}

// category is the limit a send counts against.
func (r *sendReq) category(s *Server) msgCategory {
	switch {
	case r.recipient.CommentID != "":
		if cm, ok := objectOf[*comment](s, r.recipient.CommentID); ok {
			if m, ok := objectOf[*media](s, cm.MediaID); ok && m.ProductType == "LIVE" {
				return catLiveReply
			}
		}
		return catPrivateReply
	case r.message != nil && r.message.Attachment != nil &&
		(r.message.Attachment.Type == "audio" || r.message.Attachment.Type == "video"):
		return catSendMedia
	}
	return catSend
}

// checkMessage validates a message and turns it into a stored one.
func (c *call) checkMessage(account string, w *wireMessage) (*dm, *graphError) {
	kinds := 0
	if w.Text != nil {
		kinds++
	}
	if w.Attachment != nil {
		kinds++
	}
	if len(w.Attachments) > 0 {
		kinds++
	}
	if kinds != 1 {
		return nil, errParam("param message must have exactly one of text, attachment or attachments")
	}
	m := &dm{}
	if w.Text != nil {
		if *w.Text == "" {
			return nil, errParam("param message[text] must be non-empty")
		}
		if len(*w.Text) > maxTextBytes {
			return nil, errParam("Length of param message[text] must be less than or equal to %d", maxTextBytes)
		}
		m.Text = *w.Text
	}
	if len(w.QuickReplies) > maxQuickReplies {
		return nil, errParam("param message[quick_replies] must have at most %d elements", maxQuickReplies)
	}
	for _, q := range w.QuickReplies {
		switch q.ContentType {
		case "text":
			if q.Title == "" {
				return nil, errParam("param message[quick_replies][title] must be non-empty")
			}
		case "user_phone_number", "user_email":
			// Disabled on Instagram since 2026-10-05.
			return nil, errParam("Quick replies of content_type %s are not supported on Instagram", q.ContentType)
		default:
			return nil, errParam("Invalid quick reply content_type %q", q.ContentType)
		}
	}
	atts := w.Attachments
	if len(atts) > maxAttachments {
		return nil, errParam("param message[attachments] must have at most %d elements", maxAttachments)
	}
	for _, a := range atts {
		if a.Type != "image" {
			return nil, errParam("Several attachments must all be images")
		}
	}
	if w.Attachment != nil {
		atts = []wireAttachment{*w.Attachment}
	}
	for _, a := range atts {
		switch a.Type {
		case "image", "audio", "video", "file":
			p := a.Payload
			if p == nil || (p.URL == "") == (p.AttachmentID == "") {
				return nil, errParam("Attachment payload must have exactly one of url or attachment_id")
			}
			m.Attachments = append(m.Attachments, dmAttachment{Type: a.Type, URL: p.URL, ID: p.AttachmentID})
		case "MEDIA_SHARE":
			if a.Payload == nil {
				return nil, errParam("MEDIA_SHARE needs payload[id]")
			}
			md, ok := objectOf[*media](c.s, a.Payload.ID)
			if !ok || md.OwnerID != account || md.ProductType == "STORY" || md.isCarouselItem() {
				return nil, errParam("Invalid media id %q: only the account's own posts can be shared", a.Payload.ID)
			}
			m.Shares = append(m.Shares, md.Permalink)
		case "like_heart":
			m.Attachments = append(m.Attachments, dmAttachment{Type: "like_heart"})
		case "template":
			if a.Payload != nil && a.Payload.TemplateType == "button" {
				if a.Payload.Text == "" || utf8.RuneCountInString(a.Payload.Text) > 640 || len(a.Payload.Buttons) == 0 || len(a.Payload.Buttons) > 3 || len(a.Payload.Elements) > 0 {
					return nil, errParam("A button template needs template_type button, a text of at most 640 characters and 1 to 3 buttons")
				}
				m.Attachments = append(m.Attachments, dmAttachment{Type: "template"})
				continue
			}
			if a.Payload == nil || a.Payload.TemplateType != "generic" || len(a.Payload.Elements) == 0 || len(a.Payload.Elements) > 10 {
				return nil, errParam("A generic template needs template_type generic and 1 to 10 elements")
			}
			m.Attachments = append(m.Attachments, dmAttachment{Type: "template"})
		default:
			return nil, errParam("Invalid attachment type %q", a.Type)
		}
	}
	return m, nil
}

// postMessages serves POST /{ig-user-id}/messages.
func (s *Server) postMessages(c *call) {
	account, ok := c.messagingAccount()
	if !ok {
		return
	}
	req, err := c.parseSend()
	if err != nil {
		c.fail(err)
		return
	}
	if !c.charge(account, req.category(s)) {
		return
	}
	var m *dm
	if req.message != nil {
		if m, err = c.checkMessage(account, req.message); err != nil {
			c.fail(err)
			return
		}
	}
	if req.recipient.CommentID != "" {
		s.privateReply(c, account, req.recipient.CommentID, m)
		return
	}
	st := ext[msgState](s)
	person := req.recipient.ID
	t := s.threadFor(account, person, false)
	if t == nil {
		c.fail(errNoMatchingUser())
		return
	}
	if st.unavailable[person] {
		c.fail(errUnavailable())
		return
	}
	if !s.windowOpen(t, req.humanAgent) {
		c.fail(errOutsideWindow())
		return
	}
	if req.message != nil && len(req.message.QuickReplies) > 0 && isSelfThread(t) {
		c.fail(errParam("Quick replies are not supported for self messaging"))
		return
	}
	if req.action != "" {
		s.senderAction(c, t, req)
		return
	}
	if req.replyTo != "" {
		if r, ok := objectOf[*dm](s, req.replyTo); !ok || r.ThreadID != t.ID {
			c.fail(errParam("reply_to mid %q is not a message of this conversation", req.replyTo))
			return
		}
	}
	m.FromID, m.ToID, m.ReplyTo, m.HumanAgent = account, person, req.replyTo, req.humanAgent
	s.addMessage(t, m)
	s.echo(m)
	c.writeJSON(http.StatusOK, map[string]string{"recipient_id": person, "message_id": m.ID})
}

// senderAction answers typing_on, typing_off, mark_seen, react and unreact.
func (s *Server) senderAction(c *call, t *thread, req *sendReq) {
	switch req.action {
	case "typing_on", "typing_off", "mark_seen":
		if req.payload != nil {
			c.fail(errParam("sender_action %s takes only recipient", req.action))
			return
		}
		if req.action == "mark_seen" {
			t.Unread = 0
		}
	case "react", "unreact":
		if req.payload == nil || req.payload.MessageID == "" {
			c.fail(errParam("sender_action %s needs payload[message_id]", req.action))
			return
		}
		m, ok := objectOf[*dm](s, req.payload.MessageID)
		if !ok || m.ThreadID != t.ID {
			c.fail(errParam("payload[message_id] %q is not a message of this conversation", req.payload.MessageID))
			return
		}
		if req.action == "react" {
			if req.payload.Reaction == "" {
				c.fail(errParam("react needs payload[reaction]"))
				return
			}
			if m.Reactions == nil {
				m.Reactions = map[string]string{}
			}
			m.Reactions[t.Account] = req.payload.Reaction
		} else {
			delete(m.Reactions, t.Account)
		}
	default:
		c.fail(errParam("Invalid sender_action %q", req.action))
		return
	}
	c.writeJSON(http.StatusOK, map[string]string{"recipient_id": t.UserID})
}

// privateReply answers private replies: one message per comment, within 7 days, into
// the conversation with the commenter.
func (s *Server) privateReply(c *call, account, commentID string, m *dm) {
	st := ext[msgState](s)
	cm, ok := objectOf[*comment](s, commentID)
	var md *media
	if ok {
		md, ok = objectOf[*media](s, cm.MediaID)
	}
	if !ok || md.OwnerID != account || cm.FromID == account {
		c.fail(errParam("Invalid comment_id %q: not a comment of another person on the account's media", commentID))
		return
	}
	if _, done := st.replied[commentID]; done {
		c.fail(newError(http.StatusBadRequest, 10900, 0, typeOAuth, "(#10900) Activity already replied to"))
		return
	}
	if !s.now().Before(cm.Timestamp.Add(privateReplyDays)) {
		c.fail(errOutsideWindow())
		return
	}
	if st.unavailable[cm.FromID] {
		c.fail(errUnavailable())
		return
	}
	st.replied[commentID] = s.now()
	t := s.threadFor(account, cm.FromID, true)
	m.FromID, m.ToID = account, cm.FromID
	m.Shares = append(m.Shares, md.Permalink)
	s.addMessage(t, m)
	s.echo(m)
	c.writeJSON(http.StatusOK, map[string]string{"recipient_id": cm.FromID, "message_id": m.ID})
}

// messagingEvent is an entry[].messaging[] item.
type messagingEvent struct {
	Sender    map[string]string `json:"sender"`
	Recipient map[string]string `json:"recipient"`
	Timestamp int64             `json:"timestamp"`
	Message   map[string]any    `json:"message"`
}

// webhookMessage renders a stored message as a webhook message object.
func (s *Server) webhookMessage(m *dm) map[string]any {
	out := map[string]any{"mid": m.ID}
	if m.Text != "" {
		out["text"] = m.Text
	}
	var atts []any
	for i, a := range m.Attachments {
		atts = append(atts, map[string]any{"type": a.Type, "payload": map[string]string{"url": s.attachmentURL(m, i, a)}})
	}
	for _, l := range m.Shares {
		atts = append(atts, map[string]any{"type": "share", "payload": map[string]string{"url": l}})
	}
	if len(atts) > 0 {
		out["attachments"] = atts
	}
	if m.QuickReply != "" {
		out["quick_reply"] = map[string]string{"payload": m.QuickReply}
	}
	if m.ReplyTo != "" {
		out["reply_to"] = map[string]string{"mid": m.ReplyTo}
	}
	return out
}

// echo delivers the echo of a message the account sent.
func (s *Server) echo(m *dm) {
	msg := s.webhookMessage(m)
	msg["is_echo"] = true
	if m.ToID == selfIGSID(m.FromID) {
		msg["is_self"] = true
	}
	s.emitMessaging(m.FromID, messagingEvent{
		Sender: map[string]string{"id": m.FromID}, Recipient: map[string]string{"id": m.ToID},
		Timestamp: m.Created.UnixMilli(), Message: msg,
	})
}

// getConversations serves GET /{ig-user-id}/conversations, most recently
// updated first, filtered by user_id. With Facebook Login, platform must be
// instagram (the Page's Messenger inbox is empty here).
func (s *Server) getConversations(c *call) {
	account, ok := c.messagingAccount()
	if !ok {
		return
	}
	if !c.charge(account, catConversations) {
		return
	}
	if p := c.param("platform"); p != "" && p != "instagram" && p != "messenger" {
		c.fail(errParam("Invalid platform %q", p))
		return
	}
	if f := c.param("folder"); f != "" && f != "inbox" && f != "pending" && f != "other" {
		c.fail(errParam("Invalid folder %q", f))
		return
	}
	var list []*thread
	if c.param("platform") == "instagram" || c.host() == onInstagram {
		for _, t := range ext[msgState](s).threads {
			if t.Account == account && (c.param("user_id") == "" || t.UserID == c.param("user_id")) &&
				(c.param("folder") == "" || c.param("folder") == t.folder()) {
				list = append(list, t)
			}
		}
	}
	slices.SortFunc(list, func(a, b *thread) int {
		if n := b.Updated.Compare(a.Updated); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := make([]string, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	c.writeList(ids, "id", "updated_time")
}

// getConversationNode serves GET /{conversation-id}.
func (s *Server) getConversationNode(c *call) {
	t := c.node.(*thread)
	if c.tok.account != t.Account {
		c.fail(errNoSuchObject(c.method, c.id))
		return
	}
	if !c.charge(t.Account, catConversations) {
		return
	}
	c.writeObject(c.id)
}

// getMessageNode serves GET /{message-id}.
func (s *Server) getMessageNode(c *call) {
	m := c.node.(*dm)
	t, ok := objectOf[*thread](s, m.ThreadID)
	if !ok || c.tok.account != t.Account {
		c.fail(errNoSuchObject(c.method, c.id))
		return
	}
	if !c.charge(t.Account, catConversations) {
		return
	}
	c.writeObject(c.id)
}

// getMessengerProfile serves GET: {"data":[{field: value, ...}]} with the
// fields asked that are set.
func (s *Server) getMessengerProfile(c *call) {
	account, ok := c.messagingAccount()
	if !ok {
		return
	}
	fields, gerr := listParam(c, "fields")
	if gerr != nil {
		c.fail(gerr)
		return
	}
	if len(fields) == 0 {
		c.fail(errParam("The parameter fields is required"))
		return
	}
	prof := ext[msgState](s).profiles[account]
	entry := newObject()
	for _, f := range fields {
		if f != "ice_breakers" && f != "persistent_menu" {
			c.fail(errParam("Invalid field %q: use ice_breakers or persistent_menu", f))
			return
		}
		if v, ok := prof[f]; ok {
			entry.set(f, v)
		}
	}
	data := []any{}
	if len(entry.keys) > 0 {
		data = append(data, entry)
	}
	c.writeJSON(http.StatusOK, map[string]any{"data": data})
}

type wireLocale struct {
	Locale                string            `json:"locale"`
	CallToActions         []json.RawMessage `json:"call_to_actions"`
	Question              string            `json:"question"`
	ComposerInputDisabled *bool             `json:"composer_input_disabled"`
}

// checkLocales validates ice_breakers or persistent_menu entries.
//
// With Instagram Login (onInstagram) the persistent menu takes neither
// composer_input_disabled nor webview_height_ratio.
func checkLocales(field string, raw json.RawMessage, h hostSet) *graphError {
	var entries []wireLocale
	if err := json.Unmarshal(raw, &entries); err != nil || len(entries) == 0 {
		return errParam("param %s must be a non-empty array", field)
	}
	legacy, hasDefault := 0, false
	for _, e := range entries {
		if field == "ice_breakers" && e.Question != "" && e.CallToActions == nil {
			legacy++
			continue
		}
		if e.Locale == "" {
			return errParam("param %s[locale] is required", field)
		}
		hasDefault = hasDefault || e.Locale == "default"
		if len(e.CallToActions) == 0 {
			return errParam("param %s[call_to_actions] must be non-empty", field)
		}
		if field == "ice_breakers" && len(e.CallToActions) > maxIceBreakers {
			return errParam("At most %d ice breakers can be set per locale", maxIceBreakers)
		}
		if field == "persistent_menu" && h == onInstagram {
			if e.ComposerInputDisabled != nil {
				return errParam("param persistent_menu[composer_input_disabled] is not available for Instagram")
			}
			for _, item := range e.CallToActions {
				var it struct {
					Ratio *string `json:"webview_height_ratio"`
				}
				if json.Unmarshal(item, &it) == nil && it.Ratio != nil {
					return errParam("param persistent_menu[call_to_actions][webview_height_ratio] is not available for Instagram")
				}
			}
		}
	}
	switch {
	case legacy > 0 && legacy != len(entries):
		return errParam("param ice_breakers mixes the old and the new format")
	case legacy > maxIceBreakers:
		return errParam("At most %d ice breakers can be set", maxIceBreakers)
	case legacy == 0 && !hasDefault:
		return errParam("param %s must include the default locale", field)
	}
	return nil
}

// postMessengerProfile serves POST.
func (s *Server) postMessengerProfile(c *call) {
	account, ok := c.messagingAccount()
	if !ok {
		return
	}
	set := map[string]json.RawMessage{}
	for _, f := range []string{"ice_breakers", "persistent_menu"} {
		var raw json.RawMessage
		if ok, err := c.decodeParam(f, &raw); err != nil {
			c.fail(errParam("param %s must be a JSON array", f))
			return
		} else if ok {
			if err := checkLocales(f, raw, c.host()); err != nil {
				c.fail(err)
				return
			}
			set[f] = raw
		}
	}
	if len(set) == 0 {
		c.fail(errParam("Set at least one of ice_breakers or persistent_menu"))
		return
	}
	st := ext[msgState](s)
	if st.profiles[account] == nil {
		st.profiles[account] = map[string]json.RawMessage{}
	}
	for f, v := range set {
		st.profiles[account][f] = v
	}
	c.writeJSON(http.StatusOK, map[string]string{"result": "success"})
}

// deleteMessengerProfile serves DELETE with fields=[...].
func (s *Server) deleteMessengerProfile(c *call) {
	account, ok := c.messagingAccount()
	if !ok {
		return
	}
	fields, gerr := listParam(c, "fields")
	if gerr != nil {
		c.fail(gerr)
		return
	}
	if len(fields) == 0 {
		c.fail(errParam("The parameter fields is required"))
		return
	}
	for _, f := range fields {
		if f != "ice_breakers" && f != "persistent_menu" {
			c.fail(errParam("Invalid field %q: use ice_breakers or persistent_menu", f))
			return
		}
		delete(ext[msgState](s).profiles[account], f)
	}
	c.writeJSON(http.StatusOK, map[string]string{"result": "success"})
}

// IncomingMessage is what a simulated person writes.
type IncomingMessage struct {
	// Text is the message text.
	Text string
	// Attachments are files the person sends.
	Attachments []IncomingAttachment
	// QuickReplyPayload makes the message a tap on a quick reply button
	// (Text is its title).
	QuickReplyPayload string
	// ReplyTo is the id of a message the person answers.
	ReplyTo string
}

// IncomingAttachment is a file a simulated person sends.
type IncomingAttachment struct {
	// Type is image, video, audio or file.
	Type string
	// URL is where the file is; empty for a file on the server's CDN.
	URL string
}

// SimulateIncomingMessage makes the person igsid (see ContactID) send text
// to the account: SimulateMessage with only a text.
func (s *Server) SimulateIncomingMessage(igsid, text string) string {
	return s.SimulateMessage(igsid, IncomingMessage{Text: text})
}

// SimulateMessage makes the person igsid (see ContactID; an unknown id
// becomes a new person) send m to the account, as if from the Instagram
// app: the message lands in their conversation (created when new), opens
// the 24-hour messaging window and is delivered to callbacks subscribed to
// "messages". It returns the message id (mid).
func (s *Server) SimulateMessage(igsid string, m IncomingMessage) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	account := s.acct.ID
	t := s.threadFor(account, igsid, true)
	msg := &dm{FromID: igsid, ToID: account, Text: m.Text, QuickReply: m.QuickReplyPayload, ReplyTo: m.ReplyTo}
	for _, a := range m.Attachments {
		msg.Attachments = append(msg.Attachments, dmAttachment{Type: a.Type, URL: a.URL})
	}
	s.addMessage(t, msg)
	t.LastIncoming = msg.Created
	t.Unread++
	s.emitMessaging(account, messagingEvent{
		Sender: map[string]string{"id": igsid}, Recipient: map[string]string{"id": account},
		Timestamp: msg.Created.UnixMilli(), Message: s.webhookMessage(msg),
	})
	return msg.ID
}

// SetRecipientUnavailable makes sends to the person igsid fail with error
// 551 ("This person isn't available right now"), or work again.
func (s *Server) SetRecipientUnavailable(igsid string, unavailable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ext[msgState](s).unavailable[igsid] = unavailable
}

// DirectMessage is a snapshot of a message in a conversation.
type DirectMessage struct {
	ID      string
	FromID  string
	ToID    string
	Text    string
	Created time.Time
	// Attachments lists attachment types (image, audio, video, file,
	// like_heart, template).
	Attachments []string
	// Shares lists the links of shared posts.
	Shares     []string
	ReplyTo    string
	QuickReply string
	HumanAgent bool
	// Reactions maps who reacted to the reaction.
	Reactions map[string]string
}

// Conversation returns the messages between the account and the person
// igsid, oldest first; ok is false when they have no conversation.
func (s *Server) Conversation(igsid string) ([]DirectMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threadFor(s.acct.ID, igsid, false)
	if t == nil {
		return nil, false
	}
	out := make([]DirectMessage, 0, len(t.Messages))
	for _, id := range t.Messages {
		m, ok := objectOf[*dm](s, id)
		if !ok {
			continue
		}
		d := DirectMessage{
			ID: m.ID, FromID: m.FromID, ToID: m.ToID, Text: m.Text, Created: m.Created,
			Shares: slices.Clone(m.Shares), ReplyTo: m.ReplyTo, QuickReply: m.QuickReply, HumanAgent: m.HumanAgent,
		}
		for _, a := range m.Attachments {
			d.Attachments = append(d.Attachments, a.Type)
		}
		if len(m.Reactions) > 0 {
			d.Reactions = map[string]string{}
			for k, v := range m.Reactions {
				d.Reactions[k] = v
			}
		}
		out = append(out, d)
	}
	return out, true
}

// MessengerProfile returns the ice_breakers and persistent_menu JSON the
// account set, by field.
func (s *Server) MessengerProfile() map[string]json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]json.RawMessage{}
	for k, v := range ext[msgState](s).profiles[s.acct.ID] {
		out[k] = slices.Clone(v)
	}
	return out
}
