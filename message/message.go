// Package message builds the content of outgoing Instagram direct messages:
// text, images, audio, video, files, shared posts, the heart sticker,
// generic and button templates, and quick replies.
//
// A *Message is what instagram.MessagingService.Send and PrivateReply take:
//
//	msg := message.Text("Which size?").WithQuickReplies(
//		message.TextQuickReply("S", "SIZE_S"),
//		message.TextQuickReply("M", "SIZE_M"),
//	)
//	_, err := client.Messaging.Send(ctx, "me", igsid, msg, nil)
//
// Validate checks a message against Meta's documented rules without
// sending it; Send calls it first and reports a broken rule as an
// *instagram.ValidationError (errors.Is(err, instagram.ErrValidation)).
package message

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Meta's limits on one message.
const (
	// MaxTextBytes is the longest message text, in bytes of UTF-8.
	MaxTextBytes = 1000
	// MaxQuickReplies is the most quick reply buttons of one message.
	MaxQuickReplies = 13
	// MaxImages is the most images of one message.
	MaxImages = 10
	// MaxElements is the most cards of a generic template.
	MaxElements = 10
	// MaxButtons is the most buttons of a template card or of a button
	// template.
	MaxButtons = 3
	// MaxButtonTemplateChars is the longest text of a button template, in
	// characters.
	MaxButtonTemplateChars = 640
)

// AttachmentType is the type of an attachment.
type AttachmentType string

// Attachment types.
const (
	AttachmentImage AttachmentType = "image"
	AttachmentAudio AttachmentType = "audio"
	AttachmentVideo AttachmentType = "video"
	AttachmentFile  AttachmentType = "file"
	// AttachmentMediaShare shares one of the account's own posts.
	AttachmentMediaShare AttachmentType = "MEDIA_SHARE"
	// AttachmentLikeHeart is the heart sticker.
	AttachmentLikeHeart AttachmentType = "like_heart"
	// AttachmentTemplate is a generic or button template.
	AttachmentTemplate AttachmentType = "template"
)

// Source says where the file of an image, audio, video or file attachment
// comes from: a public URL that Meta downloads, or the id of an attachment
// uploaded before (instagram.MessagingService.UploadAttachment). Build it
// with FromURL or FromAttachment.
type Source struct {
	URL          string
	AttachmentID string
}

// FromURL is a file Meta downloads from a public URL.
func FromURL(u string) Source { return Source{URL: u} }

// FromAttachment is a file uploaded before, reused by its attachment id.
func FromAttachment(id string) Source { return Source{AttachmentID: id} }

func (src Source) payload() *Payload {
	return &Payload{URL: src.URL, AttachmentID: src.AttachmentID}
}

// Message is the content of an outgoing message: Meta's "message" object.
// Exactly one of Text, Attachment and Attachments is set. Build it with
// Text, Image, Images, SharedPost, LikeHeart, GenericTemplate and the other
// constructors, and add quick replies with WithQuickReplies.
type Message struct {
	// Text is UTF-8 text of at most MaxTextBytes bytes; links in it are
	// shown with a preview.
	Text string `json:"text,omitempty"`
	// Attachment is a single attachment.
	Attachment *Attachment `json:"attachment,omitempty"`
	// Attachments holds several images (at most MaxImages).
	Attachments []Attachment `json:"attachments,omitempty"`
	// QuickReplies are buttons shown under the message (at most
	// MaxQuickReplies). Meta truncates text titles after 20 characters.
	QuickReplies []QuickReply `json:"quick_replies,omitempty"`
}

// Attachment is an attachment of an outgoing message.
type Attachment struct {
	Type    AttachmentType `json:"type"`
	Payload *Payload       `json:"payload,omitempty"`
}

// Payload is the payload of an attachment; which fields apply depends on
// the attachment type.
type Payload struct {
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
	Elements []Element `json:"elements,omitempty"`
	// Text is the text of a button template, at most
	// MaxButtonTemplateChars characters.
	Text string `json:"text,omitempty"`
	// Buttons are the 1 to MaxButtons buttons of a button template.
	Buttons []Button `json:"buttons,omitempty"`
}

// Element is one card of a generic template.
type Element struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	// DefaultAction opens a URL when the card is tapped.
	DefaultAction *Action `json:"default_action,omitempty"`
	// Buttons are at most MaxButtons buttons.
	Buttons []Button `json:"buttons,omitempty"`
}

// Action is the action of a tapped template card.
type Action struct {
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

// Button is a button of a template. Build it with URLButton or
// PostbackButton.
type Button struct {
	Type    ButtonType `json:"type"`
	Title   string     `json:"title"`
	URL     string     `json:"url,omitempty"`
	Payload string     `json:"payload,omitempty"`
}

// URLButton is a button that opens a URL.
func URLButton(title, u string) Button {
	return Button{Type: ButtonWebURL, Title: title, URL: u}
}

// PostbackButton is a button that sends payload to the webhook as a
// messaging_postbacks event.
func PostbackButton(title, payload string) Button {
	return Button{Type: ButtonPostback, Title: title, Payload: payload}
}

// Validate checks the button: a title, and a URL (web_url) or a payload
// (postback). It returns an *Error whose Field is relative to the button.
func (b Button) Validate() error { return checkButton("", b) }

// QuickReplyType is the content type of a quick reply button.
type QuickReplyType string

// Quick reply content types.
const (
	// QuickReplyText is a text button with a title and a payload.
	QuickReplyText QuickReplyType = "text"
	// QuickReplyPhoneNumber offered the person's phone number.
	//
	// Deprecated: Meta disabled contact-information quick replies on
	// Instagram on 2026-10-05; Validate refuses it.
	QuickReplyPhoneNumber QuickReplyType = "user_phone_number"
	// QuickReplyEmail offered the person's email address.
	//
	// Deprecated: Meta disabled contact-information quick replies on
	// Instagram on 2026-10-05; Validate refuses it.
	QuickReplyEmail QuickReplyType = "user_email"
)

// QuickReply is a quick reply button. When tapped, its title is posted in
// the conversation and its payload arrives in the messages webhook.
type QuickReply struct {
	ContentType QuickReplyType `json:"content_type"`
	// Title is the button text. Meta shows at most 20 characters and
	// truncates longer titles itself.
	Title   string `json:"title,omitempty"`
	Payload string `json:"payload,omitempty"`
}

// TextQuickReply is a text quick reply button.
func TextQuickReply(title, payload string) QuickReply {
	return QuickReply{ContentType: QuickReplyText, Title: title, Payload: payload}
}

// Text is a text message (links included): UTF-8 of at most MaxTextBytes
// bytes.
func Text(text string) *Message { return &Message{Text: text} }

func attachment(t AttachmentType, src Source) *Message {
	return &Message{Attachment: &Attachment{Type: t, Payload: src.payload()}}
}

// Image is an image (png or jpeg, up to 8 MB).
func Image(src Source) *Message { return attachment(AttachmentImage, src) }

// Audio is an audio clip (up to 25 MB).
func Audio(src Source) *Message { return attachment(AttachmentAudio, src) }

// Video is a video (up to 25 MB).
func Video(src Source) *Message { return attachment(AttachmentVideo, src) }

// File is a file (PDF, up to 25 MB).
func File(src Source) *Message { return attachment(AttachmentFile, src) }

// Images is several images in one message (at most MaxImages).
func Images(srcs ...Source) *Message {
	m := &Message{Attachments: make([]Attachment, 0, len(srcs))}
	for _, src := range srcs {
		m.Attachments = append(m.Attachments, Attachment{Type: AttachmentImage, Payload: src.payload()})
	}
	return m
}

// SharedPost shares one of the account's own posts, by media id.
func SharedPost(mediaID string) *Message {
	return &Message{Attachment: &Attachment{Type: AttachmentMediaShare, Payload: &Payload{ID: mediaID}}}
}

// LikeHeart is the heart sticker.
func LikeHeart() *Message {
	return &Message{Attachment: &Attachment{Type: AttachmentLikeHeart}}
}

// GenericTemplate is a carousel of cards, each with a title, an optional
// image, subtitle, default action and buttons (at most MaxElements cards).
func GenericTemplate(elements ...Element) *Message {
	return &Message{Attachment: &Attachment{Type: AttachmentTemplate, Payload: &Payload{
		TemplateType: "generic", Elements: elements,
	}}}
}

// ButtonTemplate is a text of at most MaxButtonTemplateChars characters
// above 1 to MaxButtons URL or postback buttons.
func ButtonTemplate(text string, buttons ...Button) *Message {
	return &Message{Attachment: &Attachment{Type: AttachmentTemplate, Payload: &Payload{
		TemplateType: "button", Text: text, Buttons: buttons,
	}}}
}

// WithQuickReplies adds quick reply buttons to m and returns m.
func (m *Message) WithQuickReplies(qrs ...QuickReply) *Message {
	m.QuickReplies = append(m.QuickReplies, qrs...)
	return m
}

// Error is a rule of Meta's that a message breaks, found before anything
// is sent.
type Error struct {
	// Field is the path of the field at fault, such as "message.text".
	Field string
	// Rule says what the field must satisfy.
	Rule string
}

// Error names the field and the rule.
func (e *Error) Error() string { return fmt.Sprintf("message: invalid %s: %s", e.Field, e.Rule) }

func fail(field, format string, args ...any) error {
	return &Error{Field: field, Rule: fmt.Sprintf(format, args...)}
}

// Validate checks m against Meta's documented rules without sending it:
// exactly one kind of content, text of valid UTF-8 within MaxTextBytes,
// attachments with exactly one source, at most MaxImages images,
// MaxQuickReplies quick replies and MaxElements template cards, and
// templates and buttons of a documented shape. It returns an *Error.
func (m *Message) Validate() error {
	if m == nil {
		return fail("message", "must not be nil")
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
		return fail("message", "must have exactly one of text, attachment or attachments")
	}
	if m.Text != "" {
		if !utf8.ValidString(m.Text) {
			return fail("message.text", "must be valid UTF-8")
		}
		if len(m.Text) > MaxTextBytes {
			return fail("message.text", "must be at most %d bytes of UTF-8, got %d", MaxTextBytes, len(m.Text))
		}
	}
	if m.Attachment != nil {
		if err := m.Attachment.validate("message.attachment"); err != nil {
			return err
		}
	}
	if n := len(m.Attachments); n > 0 {
		if n > MaxImages {
			return fail("message.attachments", "must hold at most %d images, got %d", MaxImages, n)
		}
		for i := range m.Attachments {
			a := &m.Attachments[i]
			field := fmt.Sprintf("message.attachments[%d]", i)
			if a.Type != AttachmentImage {
				return fail(field+".type", "several attachments must all be images")
			}
			if err := a.validate(field); err != nil {
				return err
			}
		}
	}
	if n := len(m.QuickReplies); n > MaxQuickReplies {
		return fail("message.quick_replies", "must hold at most %d buttons, got %d", MaxQuickReplies, n)
	}
	for i, qr := range m.QuickReplies {
		field := fmt.Sprintf("message.quick_replies[%d]", i)
		switch qr.ContentType {
		case QuickReplyText:
			if strings.TrimSpace(qr.Title) == "" {
				return fail(field+".title", "must not be empty for a text quick reply")
			}
		case QuickReplyPhoneNumber, QuickReplyEmail:
			return fail(field+".content_type", "%s quick replies are disabled on Instagram since 2026-10-05; ask in a text message instead", qr.ContentType)
		default:
			return fail(field+".content_type", "unknown content type %q", qr.ContentType)
		}
	}
	return nil
}

func (a *Attachment) validate(field string) error {
	switch a.Type {
	case AttachmentImage, AttachmentAudio, AttachmentVideo, AttachmentFile:
		p := a.Payload
		if p == nil || (p.URL == "") == (p.AttachmentID == "") {
			return fail(field+".payload", "must have exactly one of url or attachment_id")
		}
		if p.URL != "" {
			u, err := url.Parse(p.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fail(field+".payload.url", "must be an absolute http or https URL")
			}
		}
	case AttachmentMediaShare:
		if a.Payload == nil || strings.TrimSpace(a.Payload.ID) == "" {
			return fail(field+".payload.id", "must name the shared media")
		}
	case AttachmentLikeHeart:
	case AttachmentTemplate:
		p := a.Payload
		if p != nil && p.TemplateType == "button" {
			return validateButtonTemplate(field, p)
		}
		if p == nil || p.TemplateType != "generic" {
			return fail(field+".payload.template_type", `must be "generic" or "button"`)
		}
		if n := len(p.Elements); n == 0 || n > MaxElements {
			return fail(field+".payload.elements", "must hold 1 to %d elements, got %d", MaxElements, n)
		}
		for i, el := range p.Elements {
			ef := fmt.Sprintf("%s.payload.elements[%d]", field, i)
			if strings.TrimSpace(el.Title) == "" {
				return fail(ef+".title", "must not be empty")
			}
			if len(el.Buttons) > MaxButtons {
				return fail(ef+".buttons", "must hold at most %d buttons, got %d", MaxButtons, len(el.Buttons))
			}
			for j, b := range el.Buttons {
				if err := checkButton(fmt.Sprintf("%s.buttons[%d].", ef, j), b); err != nil {
					return err
				}
			}
		}
	default:
		return fail(field+".type", "unknown attachment type %q", a.Type)
	}
	return nil
}

// validateButtonTemplate checks a button template: text and 1 to
// MaxButtons buttons.
func validateButtonTemplate(field string, p *Payload) error {
	if strings.TrimSpace(p.Text) == "" {
		return fail(field+".payload.text", "must not be empty for a button template")
	}
	if n := utf8.RuneCountInString(p.Text); n > MaxButtonTemplateChars {
		return fail(field+".payload.text", "must be at most %d characters, got %d", MaxButtonTemplateChars, n)
	}
	if len(p.Elements) > 0 {
		return fail(field+".payload.elements", "a button template has no elements")
	}
	if n := len(p.Buttons); n == 0 || n > MaxButtons {
		return fail(field+".payload.buttons", "must hold 1 to %d buttons, got %d", MaxButtons, n)
	}
	for j, b := range p.Buttons {
		if err := checkButton(fmt.Sprintf("%s.payload.buttons[%d].", field, j), b); err != nil {
			return err
		}
	}
	return nil
}

// checkButton checks a button; prefix ends with a dot or is empty.
func checkButton(prefix string, b Button) error {
	if strings.TrimSpace(b.Title) == "" {
		return fail(prefix+"title", "must not be empty")
	}
	switch b.Type {
	case ButtonWebURL:
		if b.URL == "" {
			return fail(prefix+"url", "must be set for a web_url button")
		}
	case ButtonPostback:
		if b.Payload == "" {
			return fail(prefix+"payload", "must be set for a postback button")
		}
	default:
		return fail(prefix+"type", "unknown button type %q", b.Type)
	}
	return nil
}
