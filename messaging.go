package instagram

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MessagingService sends and reads direct messages.
//
// The same calls serve both APIs. With Instagram Login the sender is the
// Instagram professional account id (or "me"); with Facebook Login it is
// the id of the Facebook Page linked to the account (or "me" with the
// Page's token). Recipients are Instagram-scoped user ids (IGSIDs), as
// webhooks and conversations report them.
//
// A business can answer a person only within 24 hours of the person's last
// message (7 days with SendOptions.HumanAgent); outside that window sends
// fail with an error matching ErrOutsideMessagingWindow. A person who
// cannot receive messages makes sends fail with ErrRecipientUnavailable.
//
// Every call waits for the client-side messaging limits (see
// MessagingLimits) before it is sent.
//
// Permissions: instagram_business_basic and
// instagram_business_manage_messages with Instagram Login;
// instagram_basic, instagram_manage_messages and pages_manage_metadata with
// Facebook Login (Page token).
type MessagingService service

// MaxMessageTextBytes is the longest message text Meta accepts, in bytes of
// UTF-8.
const MaxMessageTextBytes = 1000

// MaxQuickReplies is the most quick reply buttons one message may carry.
const MaxQuickReplies = 13

// MaxMessageImages is the most images one message may carry.
const MaxMessageImages = 10

// MaxTemplateElements is the most elements of a generic template.
const MaxTemplateElements = 10

// MaxTemplateButtons is the most buttons of one template element.
const MaxTemplateButtons = 3

// MaxIceBreakers is the most ice breaker questions per locale.
const MaxIceBreakers = 4

// AttachmentType is the type of a message attachment.
type AttachmentType string

// Attachment types of outgoing messages.
const (
	AttachmentImage AttachmentType = "image"
	AttachmentAudio AttachmentType = "audio"
	AttachmentVideo AttachmentType = "video"
	AttachmentFile  AttachmentType = "file"
	// AttachmentMediaShare shares one of the account's own posts.
	AttachmentMediaShare AttachmentType = "MEDIA_SHARE"
	// AttachmentLikeHeart is the heart sticker.
	AttachmentLikeHeart AttachmentType = "like_heart"
	// AttachmentTemplate is a structured template (generic template).
	AttachmentTemplate AttachmentType = "template"
)

// MediaSource says where the file of an image, audio, video or file
// attachment comes from: a public URL Meta downloads, or the id of an
// attachment uploaded before. Build it with ByURL or ByAttachmentID.
type MediaSource struct {
	URL          string
	AttachmentID string
}

// ByURL is a file Meta downloads from a public URL.
func ByURL(u string) MediaSource { return MediaSource{URL: u} }

// ByAttachmentID is a file uploaded before, reused by its attachment id.
func ByAttachmentID(id string) MediaSource { return MediaSource{AttachmentID: id} }

func (src MediaSource) payload() *AttachmentPayload {
	return &AttachmentPayload{URL: src.URL, AttachmentID: src.AttachmentID}
}

// Message is the content of an outgoing message: Meta's "message" object.
// Exactly one of Text, Attachment and Attachments is set. Build it with
// TextMessage, ImageMessage, ImagesMessage, SharedPostMessage,
// LikeHeartMessage, GenericTemplateMessage and the others, and add quick
// replies with WithQuickReplies.
type Message struct {
	// Text is UTF-8 text of at most MaxMessageTextBytes bytes; links in it
	// are shown with a preview.
	Text string `json:"text,omitempty"`
	// Attachment is a single attachment.
	Attachment *MessageAttachment `json:"attachment,omitempty"`
	// Attachments holds several images (at most MaxMessageImages).
	Attachments []MessageAttachment `json:"attachments,omitempty"`
	// QuickReplies are buttons shown under the message (at most
	// MaxQuickReplies). Meta truncates text titles after 20 characters.
	QuickReplies []QuickReply `json:"quick_replies,omitempty"`
}

// MessageAttachment is an attachment of an outgoing message.
type MessageAttachment struct {
	Type    AttachmentType     `json:"type"`
	Payload *AttachmentPayload `json:"payload,omitempty"`
}

// AttachmentPayload is the payload of an outgoing attachment; which fields
// apply depends on the attachment type.
type AttachmentPayload struct {
	// URL is the address of an image, audio, video or file.
	URL string `json:"url,omitempty"`
	// AttachmentID reuses an uploaded attachment.
	AttachmentID string `json:"attachment_id,omitempty"`
	// ID is the media id of a shared post (AttachmentMediaShare).
	ID string `json:"id,omitempty"`
	// TemplateType is "generic" for a generic template, "button" for a
	// button template.
	TemplateType string `json:"template_type,omitempty"`
	// Elements are the cards of a generic template.
	Elements []TemplateElement `json:"elements,omitempty"`
	// Text is the text of a button template, at most
	// MaxButtonTemplateTextChars characters.
	Text string `json:"text,omitempty"`
	// Buttons are the 1 to MaxTemplateButtons buttons of a button template.
	Buttons []TemplateButton `json:"buttons,omitempty"`
}

// MaxButtonTemplateTextChars is the longest text of a button template.
const MaxButtonTemplateTextChars = 640

// TemplateElement is one card of a generic template.
type TemplateElement struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	// DefaultAction opens a URL when the card is tapped.
	DefaultAction *TemplateAction `json:"default_action,omitempty"`
	// Buttons are at most MaxTemplateButtons buttons.
	Buttons []TemplateButton `json:"buttons,omitempty"`
}

// TemplateAction is the action of a tapped template card.
type TemplateAction struct {
	// Type is "web_url".
	Type string `json:"type"`
	URL  string `json:"url"`
}

// ButtonType is the kind of a template or menu button.
type ButtonType string

// Button types.
const (
	// ButtonWebURL opens a URL.
	ButtonWebURL ButtonType = "web_url"
	// ButtonPostback sends a postback with the button's payload to the
	// webhook.
	ButtonPostback ButtonType = "postback"
)

// TemplateButton is a button of a template card. Build it with URLButton
// or PostbackButton.
type TemplateButton struct {
	Type    ButtonType `json:"type"`
	Title   string     `json:"title"`
	URL     string     `json:"url,omitempty"`
	Payload string     `json:"payload,omitempty"`
}

// URLButton is a button that opens a URL.
func URLButton(title, u string) TemplateButton {
	return TemplateButton{Type: ButtonWebURL, Title: title, URL: u}
}

// PostbackButton is a button that sends payload to the webhook as a
// messaging_postbacks event.
func PostbackButton(title, payload string) TemplateButton {
	return TemplateButton{Type: ButtonPostback, Title: title, Payload: payload}
}

// QuickReplyType is the content type of a quick reply button.
type QuickReplyType string

// Quick reply content types.
const (
	// QuickReplyText is a text button with a title and a payload.
	QuickReplyText QuickReplyType = "text"
	// QuickReplyPhoneNumber offered the person's phone number.
	//
	// Deprecated: Meta disabled contact-information quick replies on
	// Instagram on 2026-10-05; Validate and Send refuse it.
	QuickReplyPhoneNumber QuickReplyType = "user_phone_number"
	// QuickReplyEmail offered the person's email address.
	//
	// Deprecated: Meta disabled contact-information quick replies on
	// Instagram on 2026-10-05; Validate and Send refuse it.
	QuickReplyEmail QuickReplyType = "user_email"
)

// QuickReply is a quick reply button. When tapped, its title is posted in
// the conversation and its payload arrives in the messages webhook.
type QuickReply struct {
	ContentType QuickReplyType `json:"content_type"`
	// Title is the button text (text buttons). Meta shows at most 20
	// characters and truncates longer titles itself.
	Title   string `json:"title,omitempty"`
	Payload string `json:"payload,omitempty"`
}

// TextQuickReply is a text quick reply button.
func TextQuickReply(title, payload string) QuickReply {
	return QuickReply{ContentType: QuickReplyText, Title: title, Payload: payload}
}

// TextMessage is a text message (links included). text must be UTF-8 of at
// most MaxMessageTextBytes bytes.
func TextMessage(text string) *Message { return &Message{Text: text} }

func attachmentMessage(t AttachmentType, src MediaSource) *Message {
	return &Message{Attachment: &MessageAttachment{Type: t, Payload: src.payload()}}
}

// ImageMessage is an image (png or jpeg, up to 8 MB).
func ImageMessage(src MediaSource) *Message { return attachmentMessage(AttachmentImage, src) }

// AudioMessage is an audio clip (up to 25 MB).
func AudioMessage(src MediaSource) *Message { return attachmentMessage(AttachmentAudio, src) }

// VideoMessage is a video (up to 25 MB).
func VideoMessage(src MediaSource) *Message { return attachmentMessage(AttachmentVideo, src) }

// FileMessage is a file (PDF, up to 25 MB).
func FileMessage(src MediaSource) *Message { return attachmentMessage(AttachmentFile, src) }

// ImagesMessage is several images in one message (at most
// MaxMessageImages).
func ImagesMessage(srcs ...MediaSource) *Message {
	m := &Message{Attachments: make([]MessageAttachment, 0, len(srcs))}
	for _, src := range srcs {
		m.Attachments = append(m.Attachments, MessageAttachment{Type: AttachmentImage, Payload: src.payload()})
	}
	return m
}

// SharedPostMessage shares one of the account's own posts, by media id.
func SharedPostMessage(mediaID string) *Message {
	return &Message{Attachment: &MessageAttachment{Type: AttachmentMediaShare, Payload: &AttachmentPayload{ID: mediaID}}}
}

// LikeHeartMessage is the heart sticker.
func LikeHeartMessage() *Message {
	return &Message{Attachment: &MessageAttachment{Type: AttachmentLikeHeart}}
}

// GenericTemplateMessage is a generic template: a carousel of cards with a
// title, an optional image, subtitle, default action and buttons (at most
// MaxTemplateElements cards).
func GenericTemplateMessage(elements ...TemplateElement) *Message {
	return &Message{Attachment: &MessageAttachment{Type: AttachmentTemplate, Payload: &AttachmentPayload{
		TemplateType: "generic", Elements: elements,
	}}}
}

// ButtonTemplateMessage is a button template: a text of at most
// MaxButtonTemplateTextChars characters above 1 to MaxTemplateButtons
// URL or postback buttons.
func ButtonTemplateMessage(text string, buttons ...TemplateButton) *Message {
	return &Message{Attachment: &MessageAttachment{Type: AttachmentTemplate, Payload: &AttachmentPayload{
		TemplateType: "button", Text: text, Buttons: buttons,
	}}}
}

// WithQuickReplies adds quick reply buttons to m and returns m.
func (m *Message) WithQuickReplies(qrs ...QuickReply) *Message {
	m.QuickReplies = append(m.QuickReplies, qrs...)
	return m
}

// Validate checks m against Meta's documented rules without sending it:
// exactly one kind of content, text of valid UTF-8 within
// MaxMessageTextBytes, attachments with a source, at most MaxMessageImages
// images, MaxQuickReplies quick replies and MaxTemplateElements template
// cards. It returns a *ValidationError. Send calls it before any request.
func (m *Message) Validate() error {
	if m == nil {
		return &ValidationError{Field: "message", Rule: "must not be nil"}
	}
	kinds := 0
	if m.Text != "" {
		kinds++
	}
	if m.Attachment != nil {
		kinds++
	}
	if len(m.Attachments) > 0 {
		kinds++
	}
	if kinds != 1 {
		return &ValidationError{Field: "message", Rule: "must have exactly one of text, attachment or attachments"}
	}
	if m.Text != "" {
		if !utf8.ValidString(m.Text) {
			return &ValidationError{Field: "message.text", Rule: "must be valid UTF-8"}
		}
		if len(m.Text) > MaxMessageTextBytes {
			return &ValidationError{Field: "message.text", Rule: fmt.Sprintf("must be at most %d bytes of UTF-8, got %d", MaxMessageTextBytes, len(m.Text))}
		}
	}
	if m.Attachment != nil {
		if err := m.Attachment.validate("message.attachment"); err != nil {
			return err
		}
	}
	if n := len(m.Attachments); n > 0 {
		if n > MaxMessageImages {
			return &ValidationError{Field: "message.attachments", Rule: fmt.Sprintf("must hold at most %d images, got %d", MaxMessageImages, n)}
		}
		for i := range m.Attachments {
			a := &m.Attachments[i]
			field := fmt.Sprintf("message.attachments[%d]", i)
			if a.Type != AttachmentImage {
				return &ValidationError{Field: field + ".type", Rule: "several attachments must all be images"}
			}
			if err := a.validate(field); err != nil {
				return err
			}
		}
	}
	if n := len(m.QuickReplies); n > MaxQuickReplies {
		return &ValidationError{Field: "message.quick_replies", Rule: fmt.Sprintf("must hold at most %d buttons, got %d", MaxQuickReplies, n)}
	}
	for i, qr := range m.QuickReplies {
		field := fmt.Sprintf("message.quick_replies[%d]", i)
		switch qr.ContentType {
		case QuickReplyText:
			if strings.TrimSpace(qr.Title) == "" {
				return &ValidationError{Field: field + ".title", Rule: "must not be empty for a text quick reply"}
			}
		case QuickReplyPhoneNumber, QuickReplyEmail:
			return &ValidationError{Field: field + ".content_type", Rule: fmt.Sprintf("%s quick replies are disabled on Instagram since 2026-10-05; ask in a text message instead", qr.ContentType)}
		default:
			return &ValidationError{Field: field + ".content_type", Rule: fmt.Sprintf("unknown content type %q", qr.ContentType)}
		}
	}
	return nil
}

func (a *MessageAttachment) validate(field string) error {
	switch a.Type {
	case AttachmentImage, AttachmentAudio, AttachmentVideo, AttachmentFile:
		p := a.Payload
		if p == nil || (p.URL == "") == (p.AttachmentID == "") {
			return &ValidationError{Field: field + ".payload", Rule: "must have exactly one of url or attachment_id"}
		}
		if p.URL != "" {
			u, err := url.Parse(p.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return &ValidationError{Field: field + ".payload.url", Rule: "must be an absolute http or https URL"}
			}
		}
	case AttachmentMediaShare:
		if a.Payload == nil || strings.TrimSpace(a.Payload.ID) == "" {
			return &ValidationError{Field: field + ".payload.id", Rule: "must name the shared media"}
		}
	case AttachmentLikeHeart:
	case AttachmentTemplate:
		p := a.Payload
		if p != nil && p.TemplateType == "button" {
			return validateButtonTemplate(field, p)
		}
		if p == nil || p.TemplateType != "generic" {
			return &ValidationError{Field: field + ".payload.template_type", Rule: `must be "generic" or "button"`}
		}
		if n := len(p.Elements); n == 0 || n > MaxTemplateElements {
			return &ValidationError{Field: field + ".payload.elements", Rule: fmt.Sprintf("must hold 1 to %d elements, got %d", MaxTemplateElements, n)}
		}
		for i, el := range p.Elements {
			ef := fmt.Sprintf("%s.payload.elements[%d]", field, i)
			if strings.TrimSpace(el.Title) == "" {
				return &ValidationError{Field: ef + ".title", Rule: "must not be empty"}
			}
			if len(el.Buttons) > MaxTemplateButtons {
				return &ValidationError{Field: ef + ".buttons", Rule: fmt.Sprintf("must hold at most %d buttons, got %d", MaxTemplateButtons, len(el.Buttons))}
			}
			for j, b := range el.Buttons {
				if err := checkButton(fmt.Sprintf("%s.buttons[%d]", ef, j), b.Type, b.Title, b.URL, b.Payload); err != nil {
					return err
				}
			}
		}
	default:
		return &ValidationError{Field: field + ".type", Rule: fmt.Sprintf("unknown attachment type %q", a.Type)}
	}
	return nil
}

// validateButtonTemplate checks a button template: text and 1 to
// MaxTemplateButtons buttons.
func validateButtonTemplate(field string, p *AttachmentPayload) error {
	if strings.TrimSpace(p.Text) == "" {
		return &ValidationError{Field: field + ".payload.text", Rule: "must not be empty for a button template"}
	}
	if n := utf8.RuneCountInString(p.Text); n > MaxButtonTemplateTextChars {
		return &ValidationError{Field: field + ".payload.text", Rule: fmt.Sprintf("must be at most %d characters, got %d", MaxButtonTemplateTextChars, n)}
	}
	if len(p.Elements) > 0 {
		return &ValidationError{Field: field + ".payload.elements", Rule: "a button template has no elements"}
	}
	if n := len(p.Buttons); n == 0 || n > MaxTemplateButtons {
		return &ValidationError{Field: field + ".payload.buttons", Rule: fmt.Sprintf("must hold 1 to %d buttons, got %d", MaxTemplateButtons, n)}
	}
	for j, b := range p.Buttons {
		if err := checkButton(fmt.Sprintf("%s.payload.buttons[%d]", field, j), b.Type, b.Title, b.URL, b.Payload); err != nil {
			return err
		}
	}
	return nil
}

// checkButton checks a template button or a menu item.
func checkButton(field string, t ButtonType, title, u, payload string) error {
	if strings.TrimSpace(title) == "" {
		return &ValidationError{Field: field + ".title", Rule: "must not be empty"}
	}
	switch t {
	case ButtonWebURL:
		if u == "" {
			return &ValidationError{Field: field + ".url", Rule: "must be set for a web_url button"}
		}
	case ButtonPostback:
		if payload == "" {
			return &ValidationError{Field: field + ".payload", Rule: "must be set for a postback button"}
		}
	default:
		return &ValidationError{Field: field + ".type", Rule: fmt.Sprintf("unknown button type %q", t)}
	}
	return nil
}

// category is the messaging limit a message counts against: audio and
// video have their own, lower one.
func (m *Message) category() msgCategory {
	if m.Attachment != nil && (m.Attachment.Type == AttachmentAudio || m.Attachment.Type == AttachmentVideo) {
		return limitSendMedia
	}
	return limitSend
}

// SendOptions are optional settings of a sent message.
type SendOptions struct {
	// ReplyTo is the id (mid) of a message in the conversation that this
	// message answers; Instagram shows it quoted.
	ReplyTo string
	// HumanAgent tags the message HUMAN_AGENT (messaging_type
	// MESSAGE_TAG), which lets a person answer up to 7 days after the
	// user's last message instead of 24 hours. The app needs Meta's Human
	// Agent feature; automated answers must not use it.
	HumanAgent bool
}

// SendResult is Meta's answer to a sent message.
type SendResult struct {
	// RecipientID is the IGSID the message went to.
	RecipientID string `json:"recipient_id"`
	// MessageID is the id (mid) of the new message.
	MessageID string `json:"message_id"`
}

// messageRecipient is the recipient object: a person or, for a private
// reply, a comment.
type messageRecipient struct {
	ID        string `json:"id,omitempty"`
	CommentID string `json:"comment_id,omitempty"`
}

type replyTo struct {
	MID string `json:"mid"`
}

type actionPayload struct {
	MessageID string `json:"message_id"`
	Reaction  string `json:"reaction,omitempty"`
}

// sendRequest is the JSON body of POST /{id}/messages.
type sendRequest struct {
	Recipient     messageRecipient `json:"recipient"`
	MessagingType string           `json:"messaging_type,omitempty"`
	Tag           string           `json:"tag,omitempty"`
	Message       *Message         `json:"message,omitempty"`
	ReplyTo       *replyTo         `json:"reply_to,omitempty"`
	SenderAction  SenderAction     `json:"sender_action,omitempty"`
	Payload       *actionPayload   `json:"payload,omitempty"`
}

// post sends one request to /{sender}/messages after the messaging limit
// of cat allows it.
func (s *MessagingService) post(ctx context.Context, senderID string, cat msgCategory, body *sendRequest, out any) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	l := limiterOf(s.client)
	var done func()
	for {
		// Wait for the budgets before booking a messaging slot, and book
		// again when a budget block began meanwhile: slots booked before a
		// block would all be spent when it ends, in a burst over the
		// messaging limit.
		if err := l.wait(ctx, senderID); err != nil {
			return err
		}
		var err error
		if done, err = l.acquire(ctx, cat, senderID); err != nil {
			return err
		}
		now := l.now()
		if l.cfg.Disabled || !l.blocked(ctx, l.budgetKeys(senderID), now).After(now) {
			break
		}
		done()
	}
	defer done()
	return s.client.post(ctx, pathEscape(senderID)+"/messages", nil, JSONBody(body), out)
}

// Send sends msg from the account senderID (the Instagram account id with
// Instagram Login, the Page id with Facebook Login, or "me") to the person
// recipientID (an IGSID). msg is validated first; an invalid message
// fails with a *ValidationError and nothing is sent.
//
// Meta API: POST /{ig-user-id}/messages
func (s *MessagingService) Send(ctx context.Context, senderID, recipientID string, msg *Message, opts *SendOptions) (*SendResult, error) {
	if err := checkID("sender id", senderID); err != nil {
		return nil, err
	}
	if err := checkID("recipient id", recipientID); err != nil {
		return nil, err
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	body := &sendRequest{Recipient: messageRecipient{ID: recipientID}, Message: msg}
	if opts != nil {
		if opts.ReplyTo != "" {
			body.ReplyTo = &replyTo{MID: opts.ReplyTo}
		}
		if opts.HumanAgent {
			body.MessagingType, body.Tag = "MESSAGE_TAG", "HUMAN_AGENT"
		}
	}
	out := new(SendResult)
	if err := s.post(ctx, senderID, msg.category(), body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SendText sends a text message: Send with TextMessage(text).
//
// Meta API: POST /{ig-user-id}/messages
func (s *MessagingService) SendText(ctx context.Context, senderID, recipientID, text string) (*SendResult, error) {
	return s.Send(ctx, senderID, recipientID, TextMessage(text), nil)
}

// PrivateReplyOptions are optional settings of a private reply.
type PrivateReplyOptions struct {
	// Live says the comment is on a live broadcast: such replies count
	// against the higher limit for live comments (MessagingLimits) and
	// are only possible while the broadcast lasts.
	Live bool
}

// PrivateReply answers a comment on one of the account's posts, reels,
// stories or live broadcasts with a direct message to its author. Meta
// allows one private reply per comment, within 7 days of the comment (for
// live broadcasts, only during the broadcast).
//
// Meta API: POST /{ig-user-id}/messages#private_reply
func (s *MessagingService) PrivateReply(ctx context.Context, senderID, commentID string, msg *Message, opts *PrivateReplyOptions) (*SendResult, error) {
	if err := checkID("sender id", senderID); err != nil {
		return nil, err
	}
	if err := checkID("comment id", commentID); err != nil {
		return nil, err
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	cat := limitPrivateReply
	if opts != nil && opts.Live {
		cat = limitLivePrivateReply
	}
	out := new(SendResult)
	if err := s.post(ctx, senderID, cat, &sendRequest{Recipient: messageRecipient{CommentID: commentID}, Message: msg}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SenderAction is an action shown to the person in the conversation.
type SenderAction string

// Sender actions for SendAction. React and Unreact send the react and
// unreact actions.
const (
	SenderActionTypingOn  SenderAction = "typing_on"
	SenderActionTypingOff SenderAction = "typing_off"
	SenderActionMarkSeen  SenderAction = "mark_seen"
	SenderActionReact     SenderAction = "react"
	SenderActionUnreact   SenderAction = "unreact"
)

// ReactionLove is the reaction Instagram documents for React.
const ReactionLove = "love"

// SendAction shows a typing indicator (SenderActionTypingOn,
// SenderActionTypingOff) or marks the person's messages as seen
// (SenderActionMarkSeen).
//
// Meta API: POST /{ig-user-id}/messages#sender_action
func (s *MessagingService) SendAction(ctx context.Context, senderID, recipientID string, action SenderAction) error {
	switch action {
	case SenderActionTypingOn, SenderActionTypingOff, SenderActionMarkSeen:
	case SenderActionReact, SenderActionUnreact:
		return &ValidationError{Field: "sender_action", Rule: "use React or Unreact for reactions"}
	default:
		return &ValidationError{Field: "sender_action", Rule: fmt.Sprintf("unknown sender action %q", action)}
	}
	return s.action(ctx, senderID, recipientID, &sendRequest{SenderAction: action})
}

// React reacts to a message of the conversation with reaction (such as
// ReactionLove).
//
// Meta API: POST /{ig-user-id}/messages#sender_action
func (s *MessagingService) React(ctx context.Context, senderID, recipientID, messageID, reaction string) error {
	if err := checkID("message id", messageID); err != nil {
		return err
	}
	if strings.TrimSpace(reaction) == "" {
		return &ValidationError{Field: "payload.reaction", Rule: "must not be empty"}
	}
	return s.action(ctx, senderID, recipientID, &sendRequest{
		SenderAction: SenderActionReact, Payload: &actionPayload{MessageID: messageID, Reaction: reaction},
	})
}

// Unreact removes the account's reaction from a message.
//
// Meta API: POST /{ig-user-id}/messages#sender_action
func (s *MessagingService) Unreact(ctx context.Context, senderID, recipientID, messageID string) error {
	if err := checkID("message id", messageID); err != nil {
		return err
	}
	return s.action(ctx, senderID, recipientID, &sendRequest{
		SenderAction: SenderActionUnreact, Payload: &actionPayload{MessageID: messageID},
	})
}

func (s *MessagingService) action(ctx context.Context, senderID, recipientID string, body *sendRequest) error {
	if err := checkID("sender id", senderID); err != nil {
		return err
	}
	if err := checkID("recipient id", recipientID); err != nil {
		return err
	}
	body.Recipient = messageRecipient{ID: recipientID}
	var out SendResult
	return s.post(ctx, senderID, limitSend, body, &out)
}
