package webhook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EventKind tells what a webhook event is about. Its value is the name of
// the webhook field the event belongs to.
type EventKind string

// Event kinds, one per webhook field of the instagram object.
const (
	// EventComment is a new comment or reply on one of the account's media
	// (field comments). Comments that @mention the account also arrive
	// here with Instagram Login.
	EventComment EventKind = "comments"
	// EventLiveComment is a comment on a live broadcast (live_comments).
	EventLiveComment EventKind = "live_comments"
	// EventMention is an @mention of the account in a caption or comment
	// of someone else's media (mentions; Facebook Login).
	EventMention EventKind = "mentions"
	// EventStoryInsights carries a story's metrics when it expires
	// (story_insights; Facebook Login).
	EventStoryInsights EventKind = "story_insights"
	// EventMessage is a direct message sent to the account, including
	// deletions and unsupported messages (messages).
	EventMessage EventKind = "messages"
	// EventMessageEcho is a message the account itself sent. Instagram
	// sends echoes under the messages field with message.is_echo set;
	// message_echoes is the name of Messenger's field for them, used here
	// as the kind only.
	EventMessageEcho EventKind = "message_echoes"
	// EventMessageEdit is an edit of a message (message_edit).
	EventMessageEdit EventKind = "message_edit"
	// EventReaction is a reaction added to or removed from a message
	// (message_reactions).
	EventReaction EventKind = "message_reactions"
	// EventPostback is a tap on a postback button or ice breaker
	// (messaging_postbacks).
	EventPostback EventKind = "messaging_postbacks"
	// EventOptin is an opt-in, such as to recurring notifications
	// (messaging_optins).
	EventOptin EventKind = "messaging_optins"
	// EventReferral is a person entering a conversation through an ig.me
	// link or an ad (messaging_referral).
	EventReferral EventKind = "messaging_referral"
	// EventSeen is a person reading the account's messages
	// (messaging_seen).
	EventSeen EventKind = "messaging_seen"
	// EventHandover is a change of the app in control of a conversation:
	// control passed to the app, taken from it, or requested of it
	// (messaging_handover; Facebook Login, where the Page's field is
	// messaging_handovers).
	EventHandover EventKind = "messaging_handover"
	// EventUnknown is any event this SDK has no type for, kept raw.
	EventUnknown EventKind = "unknown"
)

// Event is one typed event of a webhook delivery: one of
// *CommentEvent, *MentionEvent, *StoryInsightsEvent, *MessageEvent,
// *MessageEditEvent, *ReactionEvent, *PostbackEvent, *OptinEvent,
// *ReferralEvent, *SeenEvent, *HandoverEvent and *UnknownEvent. Switch on its type, or on
// Kind.
type Event interface {
	// Kind tells what the event is about.
	Kind() EventKind
	// Base returns what the delivery says about the event's entry:
	// object, account, time, field and the raw JSON of the event.
	Base() *Entry
	// DedupKey identifies the event across Meta's redeliveries: the same
	// event delivered twice has the same key, two events have different
	// keys.
	DedupKey() string
}

// Entry is the part of a delivery every event shares. It is embedded
// in every event type.
type Entry struct {
	// Object is the envelope's object, "instagram" for Instagram accounts.
	Object string
	// AccountID is the entry id: the Instagram account (or, for some
	// objects, the Page) the event is for.
	AccountID string
	// Time is the entry time (zero when the delivery has none).
	Time time.Time
	// Field is the webhook field the event came under: the change's field,
	// or, for entry[].messaging[] items, the field the payload belongs to.
	Field string
	// Raw is the event's JSON as delivered: the change's value, or the
	// messaging item. It keeps what the typed fields do not.
	Raw json.RawMessage
}

// Base returns e itself, so that every event type satisfies Event.
func (e *Entry) Base() *Entry { return e }

// rawKey is the fallback de-duplication key: kind, account and a digest of
// the event's JSON.
func (e *Entry) rawKey(kind EventKind) string {
	sum := sha256.Sum256(e.Raw)
	return string(kind) + ":" + e.AccountID + ":" + hex.EncodeToString(sum[:16])
}

// MessagingParties are the sender, recipient and time of a messaging event.
// For messages the account receives, SenderID is the person's
// Instagram-scoped id (IGSID) and RecipientID the account; echoes are the
// other way round.
type MessagingParties struct {
	SenderID    string
	RecipientID string
	// Timestamp is when the event happened (sent in milliseconds).
	Timestamp time.Time
	// IsSelf marks self messaging: the account writing to itself, its
	// professional side and its own Instagram-scoped id being the two
	// parties. Meta sets is_self on the messaging item (postbacks) or on
	// the message (echoes); either sets IsSelf.
	IsSelf bool
}

func (p *MessagingParties) parties() *MessagingParties { return p }

// Media is the media a comment event refers to.
type Media struct {
	ID string `json:"id"`
	// MediaProductType is FEED, REELS, STORY or AD.
	MediaProductType string `json:"media_product_type,omitempty"`
	// AdID and AdTitle are set for comments on ads.
	AdID    string `json:"ad_id,omitempty"`
	AdTitle string `json:"ad_title,omitempty"`
	// OriginalMediaID is the organic post an ad was made from.
	OriginalMediaID string `json:"original_media_id,omitempty"`
}

// CommentEvent is a comment or reply on one of the account's media (Kind
// EventComment) or on its live broadcast (EventLiveComment).
type CommentEvent struct {
	Entry
	// ID is the comment's id.
	ID string
	// ParentID is the comment replied to; empty for top-level comments.
	ParentID string
	// Text is the comment's text.
	Text string
	// From is the author.
	From From
	// Media is the commented media.
	Media Media
	live  bool
}

// Kind returns EventComment or EventLiveComment.
func (e *CommentEvent) Kind() EventKind {
	if e.live {
		return EventLiveComment
	}
	return EventComment
}

// DedupKey returns a key built from the comment id.
func (e *CommentEvent) DedupKey() string {
	if e.ID == "" {
		return e.rawKey(e.Kind())
	}
	return string(e.Kind()) + ":" + e.AccountID + ":" + e.ID
}

// MentionEvent is an @mention of the account in the caption of a media
// (CommentID empty) or in a comment.
type MentionEvent struct {
	Entry
	MediaID   string
	CommentID string
}

// Kind returns EventMention.
func (e *MentionEvent) Kind() EventKind { return EventMention }

// DedupKey returns a key built from the media and comment ids.
func (e *MentionEvent) DedupKey() string {
	return string(EventMention) + ":" + e.AccountID + ":" + e.MediaID + ":" + e.CommentID
}

// StoryInsightsEvent holds the final metrics of a story, sent when it
// expires. Metrics Meta adds later are in Raw.
type StoryInsightsEvent struct {
	Entry
	MediaID     string
	Impressions int
	Reach       int
	Replies     int
	Exits       int
	TapsForward int
	TapsBack    int
}

// Kind returns EventStoryInsights.
func (e *StoryInsightsEvent) Kind() EventKind { return EventStoryInsights }

// DedupKey returns a key built from the media id and the metrics.
func (e *StoryInsightsEvent) DedupKey() string { return e.rawKey(EventStoryInsights) }

// UnknownEvent is an event of a field this SDK has no type for (Field says
// which), or one whose content did not match its type (Err says why). Raw
// keeps the JSON.
type UnknownEvent struct {
	Entry
	// Err is the decoding error for an event of a known field; nil for an
	// unknown field.
	Err error
}

// Kind returns EventUnknown.
func (e *UnknownEvent) Kind() EventKind { return EventUnknown }

// DedupKey returns a key built from the field and the raw JSON.
func (e *UnknownEvent) DedupKey() string { return e.rawKey(EventKind("unknown/" + e.Field)) }

// ErrMalformed is returned for a delivery whose body is not a JSON
// envelope of the expected shape.
var ErrMalformed = errors.New("webhook: malformed body")

// Decode decodes a webhook body into events, one per change and per
// messaging item, in delivery order. It does not check the signature: use
// Parse or ParseBody for what arrives over the network, and
// Decode for bodies already verified or stored.
//
// Events of fields without a type, and events whose content does not match
// their type, come back as *UnknownEvent rather than as an error, so that a
// change on Meta's side never makes a whole delivery fail. The error, which
// matches ErrMalformed, is only for bodies that are not JSON or not
// an envelope.
func Decode(body []byte) ([]Event, error) {
	var env struct {
		Object string          `json:"object"`
		Entry  []*webhookEntry `json:"entry"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	n := 0
	for i, ent := range env.Entry {
		if ent == nil {
			return nil, fmt.Errorf("%w: entry %d is not an object", ErrMalformed, i)
		}
		n += len(ent.Changes) + len(ent.ChangedFields) + len(ent.Messaging) + len(ent.Standby) + 1
	}
	events := make([]Event, 0, n)
	for _, ent := range env.Entry {
		base := Entry{Object: env.Object, AccountID: string(ent.ID), Time: ent.Time.Time}
		for _, ch := range ent.Changes {
			e := base
			e.Field, e.Raw = ch.Field, ch.Value
			events = append(events, decodeChange(e))
		}
		if ent.Field != "" && len(ent.Value) > 0 {
			e := base
			e.Field, e.Raw = ent.Field, ent.Value
			events = append(events, decodeChange(e))
		}
		for _, f := range ent.ChangedFields {
			e := base
			e.Field = f
			events = append(events, &UnknownEvent{Entry: e})
		}
		for _, item := range ent.Messaging {
			e := base
			e.Raw = item
			events = append(events, decodeMessaging(e, ""))
		}
		for _, item := range ent.Standby {
			e := base
			e.Field, e.Raw = "standby", item
			events = append(events, &UnknownEvent{Entry: e})
		}
	}
	return events, nil
}

// webhookEntry is one entry of a delivery envelope. Events come out in the
// order a reader of the body expects: changes, a flat field/value change,
// changed_fields, messaging, standby.
type webhookEntry struct {
	ID      jsonID   `json:"id"`
	Time    jsonTime `json:"time"`
	Changes []struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	} `json:"changes"`
	// Field and Value are the flat shape of a single change, seen in
	// Meta's sample comment deliveries for Instagram Login.
	Field         string            `json:"field"`
	Value         json.RawMessage   `json:"value"`
	ChangedFields []string          `json:"changed_fields"`
	Messaging     []json.RawMessage `json:"messaging"`
	// Standby holds messaging items for an app that is not the thread's
	// current owner (handover protocol); they are passed on raw.
	Standby []json.RawMessage `json:"standby"`
}

// messagingFieldSet lists the fields whose change values are messaging
// items (the App Dashboard's test button sends messages that way).
var messagingFieldSet = map[string]bool{
	"messages": true, "message_echoes": true, "message_edit": true, "message_reactions": true,
	"messaging_postbacks": true, "messaging_optins": true, "messaging_referral": true, "messaging_seen": true,
	"messaging_handover": true,
}

// decodeChange types one entry[].changes[] item.
func decodeChange(e Entry) Event {
	switch {
	case e.Field == "comments" || e.Field == "live_comments":
		var v struct {
			ID        string `json:"id"`
			CommentID string `json:"comment_id"`
			ParentID  string `json:"parent_id"`
			Text      string `json:"text"`
			From      From   `json:"from"`
			Media     Media  `json:"media"`
		}
		if err := json.Unmarshal(e.Raw, &v); err != nil {
			return &UnknownEvent{Entry: e, Err: err}
		}
		id := v.ID
		if id == "" {
			id = v.CommentID
		}
		return &CommentEvent{Entry: e, ID: id, ParentID: v.ParentID, Text: v.Text,
			From: v.From, Media: v.Media, live: e.Field == "live_comments"}
	case e.Field == "mentions":
		var v struct {
			MediaID   string `json:"media_id"`
			CommentID string `json:"comment_id"`
		}
		if err := json.Unmarshal(e.Raw, &v); err != nil {
			return &UnknownEvent{Entry: e, Err: err}
		}
		return &MentionEvent{Entry: e, MediaID: v.MediaID, CommentID: v.CommentID}
	case e.Field == "story_insights":
		var v struct {
			MediaID     string `json:"media_id"`
			Impressions int    `json:"impressions"`
			Reach       int    `json:"reach"`
			Replies     int    `json:"replies"`
			Exits       int    `json:"exits"`
			TapsForward int    `json:"taps_forward"`
			TapsBack    int    `json:"taps_back"`
		}
		if err := json.Unmarshal(e.Raw, &v); err != nil {
			return &UnknownEvent{Entry: e, Err: err}
		}
		return &StoryInsightsEvent{Entry: e, MediaID: v.MediaID, Impressions: v.Impressions,
			Reach: v.Reach, Replies: v.Replies, Exits: v.Exits, TapsForward: v.TapsForward, TapsBack: v.TapsBack}
	case messagingFieldSet[e.Field]:
		return decodeMessaging(e, e.Field)
	}
	return &UnknownEvent{Entry: e}
}

// messagingItem is one entry[].messaging[] item.
type messagingItem struct {
	Sender struct {
		ID string `json:"id"`
	} `json:"sender"`
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	Timestamp   jsonTime `json:"timestamp"`
	IsSelf      bool     `json:"is_self"`
	Message     *Message `json:"message"`
	MessageEdit *struct {
		MID     string `json:"mid"`
		Text    string `json:"text"`
		NumEdit int    `json:"num_edit"`
	} `json:"message_edit"`
	Reaction *struct {
		MID      string `json:"mid"`
		Action   string `json:"action"`
		Reaction string `json:"reaction"`
		Emoji    string `json:"emoji"`
	} `json:"reaction"`
	Postback *struct {
		MID      string    `json:"mid"`
		Title    string    `json:"title"`
		Payload  string    `json:"payload"`
		Referral *Referral `json:"referral"`
	} `json:"postback"`
	Optin *struct {
		Type                          string   `json:"type"`
		Payload                       string   `json:"payload"`
		Ref                           string   `json:"ref"`
		Title                         string   `json:"title"`
		NotificationMessagesToken     string   `json:"notification_messages_token"`
		NotificationMessagesFrequency string   `json:"notification_messages_frequency"`
		NotificationMessagesTimezone  string   `json:"notification_messages_timezone"`
		TokenExpiryTimestamp          jsonTime `json:"token_expiry_timestamp"`
		UserTokenStatus               string   `json:"user_token_status"`
	} `json:"optin"`
	Referral *Referral `json:"referral"`
	Read     *struct {
		MID       string   `json:"mid"`
		Watermark jsonTime `json:"watermark"`
	} `json:"read"`
	PassThreadControl    *handoverPayload `json:"pass_thread_control"`
	TakeThreadControl    *handoverPayload `json:"take_thread_control"`
	RequestThreadControl *handoverPayload `json:"request_thread_control"`
}

// handoverPayload is the body of the three thread control items.
type handoverPayload struct {
	PreviousOwnerAppID  jsonID `json:"previous_owner_app_id"`
	NewOwnerAppID       jsonID `json:"new_owner_app_id"`
	RequestedOwnerAppID jsonID `json:"requested_owner_app_id"`
	Metadata            string `json:"metadata"`
}

// decodeMessaging types one messaging item. field is the change field when
// the item came as a change value, "" for entry[].messaging[].
func decodeMessaging(e Entry, field string) Event {
	var v messagingItem
	if err := json.Unmarshal(e.Raw, &v); err != nil {
		if e.Field == "" {
			e.Field = "messaging"
		}
		return &UnknownEvent{Entry: e, Err: err}
	}
	p := MessagingParties{SenderID: v.Sender.ID, RecipientID: v.Recipient.ID, Timestamp: v.Timestamp.Time,
		IsSelf: v.IsSelf || (v.Message != nil && v.Message.IsSelf)}
	set := func(f string) {
		if field == "" {
			e.Field = f
		}
	}
	switch {
	case v.Message != nil:
		if v.Message.IsEcho {
			set(string(EventMessageEcho))
		} else {
			set(string(EventMessage))
		}
		return &MessageEvent{Entry: e, MessagingParties: p, Message: *v.Message}
	case v.MessageEdit != nil:
		set(string(EventMessageEdit))
		m := v.MessageEdit
		return &MessageEditEvent{Entry: e, MessagingParties: p, MID: m.MID, Text: m.Text, NumEdit: m.NumEdit}
	case v.Reaction != nil:
		set(string(EventReaction))
		r := v.Reaction
		return &ReactionEvent{Entry: e, MessagingParties: p, MID: r.MID, Action: r.Action, Reaction: r.Reaction, Emoji: r.Emoji}
	case v.Postback != nil:
		set(string(EventPostback))
		pb := v.Postback
		return &PostbackEvent{Entry: e, MessagingParties: p, MID: pb.MID, Title: pb.Title, Payload: pb.Payload, Referral: pb.Referral}
	case v.Optin != nil:
		set(string(EventOptin))
		o := v.Optin
		return &OptinEvent{Entry: e, MessagingParties: p, Type: o.Type, Payload: o.Payload, Ref: o.Ref, Title: o.Title,
			NotificationMessagesToken: o.NotificationMessagesToken, NotificationMessagesFrequency: o.NotificationMessagesFrequency,
			NotificationMessagesTimezone: o.NotificationMessagesTimezone, TokenExpiry: o.TokenExpiryTimestamp.Time, UserTokenStatus: o.UserTokenStatus}
	case v.Referral != nil:
		set(string(EventReferral))
		return &ReferralEvent{Entry: e, MessagingParties: p, Referral: *v.Referral}
	case v.Read != nil:
		set(string(EventSeen))
		return &SeenEvent{Entry: e, MessagingParties: p, MID: v.Read.MID, Watermark: v.Read.Watermark.Time}
	case v.PassThreadControl != nil:
		set(string(EventHandover))
		return newHandoverEvent(e, p, HandoverPass, v.PassThreadControl)
	case v.TakeThreadControl != nil:
		set(string(EventHandover))
		return newHandoverEvent(e, p, HandoverTake, v.TakeThreadControl)
	case v.RequestThreadControl != nil:
		set(string(EventHandover))
		return newHandoverEvent(e, p, HandoverRequest, v.RequestThreadControl)
	}
	set("messaging")
	return &UnknownEvent{Entry: e}
}

// jsonTime decodes the times of deliveries: unix seconds or milliseconds
// (as a number or a string), Meta's "2006-01-02T15:04:05-0700" layout or
// RFC 3339; null is the zero time.
type jsonTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *jsonTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*t = jsonTime{}
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*t = jsonTime{}
			return nil
		}
		for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339Nano} {
			if p, err := time.Parse(layout, s); err == nil {
				return t.set(p, s)
			}
		}
		return t.unix(s)
	}
	// The conversion in the call does not allocate.
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return t.fromUnix(n, b)
	}
	return t.unix(string(b))
}

// unix reads s as unix seconds or milliseconds, integer or not.
func (t *jsonTime) unix(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f < -1e15 || f > 1e15 {
			return fmt.Errorf("webhook: unrecognised timestamp %q", s)
		}
		n = int64(f)
	}
	return t.fromUnix(n, []byte(s))
}

// fromUnix takes n as milliseconds when it is too large to be seconds
// (messaging timestamps are in milliseconds, entry times in either).
func (t *jsonTime) fromUnix(n int64, raw []byte) error {
	var p time.Time
	if n > 1e12 || n < -1e12 {
		p = time.UnixMilli(n).UTC()
	} else {
		p = time.Unix(n, 0).UTC()
	}
	if y := p.Year(); y < 0 || y > 9999 {
		return fmt.Errorf("webhook: timestamp %q out of range", raw)
	}
	*t = jsonTime{p}
	return nil
}

// set stores p unless its year is outside 0-9999, which no delivery holds
// and which time.Time cannot encode back to JSON.
func (t *jsonTime) set(p time.Time, s string) error {
	if y := p.Year(); y < 0 || y > 9999 {
		return fmt.Errorf("webhook: timestamp %q out of range", s)
	}
	*t = jsonTime{p}
	return nil
}

// jsonID decodes an id sent as a string or as a number, digit for digit.
type jsonID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *jsonID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = jsonID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("webhook: cannot decode %s as an id", b)
		}
		*id = jsonID(n.String())
	}
	return nil
}

// From is the author of a comment.
type From struct {
	ID             string `json:"id"`
	Username       string `json:"username,omitempty"`
	SelfIGScopedID string `json:"self_ig_scoped_id,omitempty"`
}
