package webhook

import (
	"strconv"
	"time"
)

// Attachment is a file or share attached to a message.
type Attachment struct {
	// Type is image, video, audio, file, share, ig_post, story_mention,
	// ig_reel, reel, story, ig_story, ...
	Type    string            `json:"type"`
	Payload AttachmentPayload `json:"payload"`
}

// AttachmentPayload is what an attachment points to.
type AttachmentPayload struct {
	// URL is the content's address (CDN URLs expire).
	URL string `json:"url,omitempty"`
	// Title is the caption of a shared post or reel.
	Title string `json:"title,omitempty"`
	// ReelVideoID is the id of a shared reel.
	ReelVideoID string `json:"reel_video_id,omitempty"`
	// IGPostMediaID is the id of a shared post.
	IGPostMediaID string `json:"ig_post_media_id,omitempty"`
}

// Referral tells how a person came to a conversation: an ig.me link
// with a ref parameter, or an ad.
type Referral struct {
	Ref    string `json:"ref,omitempty"`
	Source string `json:"source,omitempty"`
	// Type is OPEN_THREAD.
	Type           string      `json:"type,omitempty"`
	AdID           string      `json:"ad_id,omitempty"`
	AdsContextData *AdsContext `json:"ads_context_data,omitempty"`
}

// AdsContext describes the ad behind a referral.
type AdsContext struct {
	AdTitle   string `json:"ad_title,omitempty"`
	PhotoURL  string `json:"photo_url,omitempty"`
	VideoURL  string `json:"video_url,omitempty"`
	PostID    string `json:"post_id,omitempty"`
	ProductID string `json:"product_id,omitempty"`
}

// ReplyTo is what a message replies to: another message (MID) or a
// story.
type ReplyTo struct {
	MID   string `json:"mid,omitempty"`
	Story *Story `json:"story,omitempty"`
}

// Story is a story a message replies to.
type Story struct {
	ID  string `json:"id,omitempty"`
	URL string `json:"url,omitempty"`
}

// QuickReply is the quick reply button a person tapped.
type QuickReply struct {
	Payload string `json:"payload"`
}

// Message is the message of a MessageEvent.
type Message struct {
	// MID is the message id.
	MID string `json:"mid"`
	// Text is the text, empty for attachments only.
	Text        string       `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// QuickReply is set when the message is a tap on a quick reply.
	QuickReply *QuickReply `json:"quick_reply,omitempty"`
	// Referral is set for the first message from an ad or ig.me link.
	Referral *Referral `json:"referral,omitempty"`
	// ReplyTo is set for replies to a message or a story.
	ReplyTo *ReplyTo `json:"reply_to,omitempty"`
	// IsEcho marks a message the account sent.
	IsEcho bool `json:"is_echo,omitempty"`
	// IsDeleted marks the deletion of the message MID by its sender.
	IsDeleted bool `json:"is_deleted,omitempty"`
	// IsUnsupported marks a message type the API does not render.
	IsUnsupported bool `json:"is_unsupported,omitempty"`
	// IsSelf marks a message of self messaging (the account writing to
	// itself); MessagingParties.IsSelf is set too.
	IsSelf bool `json:"is_self,omitempty"`
}

// MessageEvent is a direct message (Kind EventMessage) or an echo of one
// the account sent (EventMessageEcho, Message.IsEcho).
type MessageEvent struct {
	Entry
	MessagingParties
	Message Message
}

// Kind returns EventMessageEcho for echoes, EventMessage otherwise.
func (e *MessageEvent) Kind() EventKind {
	if e.Message.IsEcho {
		return EventMessageEcho
	}
	return EventMessage
}

// DedupKey returns a key built from the message id; a deletion has a key of
// its own.
func (e *MessageEvent) DedupKey() string {
	if e.Message.MID == "" {
		return e.rawKey(e.Kind())
	}
	k := string(e.Kind()) + ":" + e.Message.MID
	if e.Message.IsDeleted {
		k += ":deleted"
	}
	return k
}

// MessageEditEvent is the edit of a message.
type MessageEditEvent struct {
	Entry
	MessagingParties
	MID  string
	Text string
	// NumEdit counts the edits made to the message so far.
	NumEdit int
}

// Kind returns EventMessageEdit.
func (e *MessageEditEvent) Kind() EventKind { return EventMessageEdit }

// DedupKey returns a key built from the message id and the edit number.
func (e *MessageEditEvent) DedupKey() string {
	return string(EventMessageEdit) + ":" + e.MID + ":" + strconv.Itoa(e.NumEdit)
}

// ReactionEvent is a reaction added to (Action "react") or removed from
// (Action "unreact") a message.
type ReactionEvent struct {
	Entry
	MessagingParties
	// MID is the message reacted to.
	MID    string
	Action string
	// Reaction is the reaction's name, such as "love"; Emoji the emoji.
	Reaction string
	Emoji    string
}

// Kind returns EventReaction.
func (e *ReactionEvent) Kind() EventKind { return EventReaction }

// DedupKey returns a key built from the message, the person, the action
// and the time.
func (e *ReactionEvent) DedupKey() string {
	return string(EventReaction) + ":" + e.MID + ":" + e.SenderID + ":" + e.Action + ":" + e.Reaction + ":" +
		strconv.FormatInt(e.Timestamp.UnixMilli(), 10)
}

// PostbackEvent is a tap on a postback button, an ice breaker or a
// persistent menu item.
type PostbackEvent struct {
	Entry
	MessagingParties
	MID     string
	Title   string
	Payload string
	// Referral is set when the tap came from an ad or ig.me link.
	Referral *Referral
}

// Kind returns EventPostback.
func (e *PostbackEvent) Kind() EventKind { return EventPostback }

// DedupKey returns a key built from the postback's message id.
func (e *PostbackEvent) DedupKey() string {
	if e.MID == "" {
		return e.rawKey(EventPostback)
	}
	return string(EventPostback) + ":" + e.MID
}

// OptinEvent is an opt-in, such as to recurring notification messages.
type OptinEvent struct {
	Entry
	MessagingParties
	// Type is the opt-in's type, such as notification_messages.
	Type    string
	Payload string
	Ref     string
	Title   string
	// NotificationMessagesToken is the token to send notification
	// messages with.
	NotificationMessagesToken     string
	NotificationMessagesFrequency string
	NotificationMessagesTimezone  string
	TokenExpiry                   time.Time
	UserTokenStatus               string
}

// Kind returns EventOptin.
func (e *OptinEvent) Kind() EventKind { return EventOptin }

// DedupKey returns a key built from the event's content.
func (e *OptinEvent) DedupKey() string { return e.rawKey(EventOptin) }

// ReferralEvent is a person entering an existing conversation through an
// ig.me link or an ad.
type ReferralEvent struct {
	Entry
	MessagingParties
	Referral Referral
}

// Kind returns EventReferral.
func (e *ReferralEvent) Kind() EventKind { return EventReferral }

// DedupKey returns a key built from the event's content.
func (e *ReferralEvent) DedupKey() string { return e.rawKey(EventReferral) }

// SeenEvent is a person reading the account's messages, up to MID.
type SeenEvent struct {
	Entry
	MessagingParties
	MID string
	// Watermark, when sent, means every message before it was read.
	Watermark time.Time
}

// Kind returns EventSeen.
func (e *SeenEvent) Kind() EventKind { return EventSeen }

// DedupKey returns a key built from the person and the message read.
func (e *SeenEvent) DedupKey() string {
	if e.MID == "" && e.Watermark.IsZero() {
		return e.rawKey(EventSeen)
	}
	wm := int64(0)
	if !e.Watermark.IsZero() {
		wm = e.Watermark.UnixMilli()
	}
	return string(EventSeen) + ":" + e.SenderID + ":" + e.MID + ":" + strconv.FormatInt(wm, 10)
}

// HandoverAction is what happened to the control of a conversation.
type HandoverAction string

// Handover actions, named after the item's payload key.
const (
	// HandoverPass: control was passed to the app (pass_thread_control),
	// by another app or, for an idle thread, in answer to its request.
	HandoverPass HandoverAction = "pass_thread_control"
	// HandoverTake: another app took control from the app
	// (take_thread_control).
	HandoverTake HandoverAction = "take_thread_control"
	// HandoverRequest: another app asks the app, the owner, to pass
	// control (request_thread_control).
	HandoverRequest HandoverAction = "request_thread_control"
)

// HandoverEvent is a messaging_handover delivery: a change of the app in
// control of the conversation with SenderID (the person's IGSID);
// RecipientID is the account.
type HandoverEvent struct {
	Entry
	MessagingParties
	Action HandoverAction
	// PreviousOwnerAppID and NewOwnerAppID are set for HandoverPass and
	// HandoverTake; PreviousOwnerAppID is empty when the thread was idle.
	PreviousOwnerAppID string
	NewOwnerAppID      string
	// RequestedOwnerAppID is the app asking for control (HandoverRequest).
	RequestedOwnerAppID string
	// Metadata is what the app that acted sent along, if anything.
	Metadata string
}

func newHandoverEvent(e Entry, p MessagingParties, a HandoverAction, v *handoverPayload) *HandoverEvent {
	return &HandoverEvent{Entry: e, MessagingParties: p, Action: a,
		PreviousOwnerAppID: string(v.PreviousOwnerAppID), NewOwnerAppID: string(v.NewOwnerAppID),
		RequestedOwnerAppID: string(v.RequestedOwnerAppID), Metadata: v.Metadata}
}

// Kind returns EventHandover.
func (e *HandoverEvent) Kind() EventKind { return EventHandover }

// DedupKey returns a key built from the action, the person, the apps and
// the time.
func (e *HandoverEvent) DedupKey() string {
	return string(EventHandover) + ":" + string(e.Action) + ":" + e.SenderID + ":" + e.PreviousOwnerAppID + ":" +
		e.NewOwnerAppID + ":" + e.RequestedOwnerAppID + ":" + strconv.FormatInt(e.Timestamp.UnixMilli(), 10)
}
