package instagram

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/igsdk/instagram/message"
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

// category is the messaging limit a message counts against: audio and
// video have their own, lower one.
func category(m *message.Message) msgCategory {
	if a := m.Attachment; a != nil && (a.Type == message.AttachmentAudio || a.Type == message.AttachmentVideo) {
		return limitSendMedia
	}
	return limitSend
}

// checkMessage runs msg.Validate and reports a broken rule as a
// *ValidationError.
func checkMessage(msg *message.Message) error { return messageRule("", msg.Validate()) }

// messageRule turns a *message.Error into a *ValidationError whose field
// is prefixed by prefix (empty, or a path ending in a dot).
func messageRule(prefix string, err error) error {
	var me *message.Error
	if errors.As(err, &me) {
		return &ValidationError{Field: prefix + me.Field, Rule: me.Rule}
	}
	return err
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
	Message       *message.Message `json:"message,omitempty"`
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
func (s *MessagingService) Send(ctx context.Context, senderID, recipientID string, msg *message.Message, opts *SendOptions) (*SendResult, error) {
	if err := checkID("sender id", senderID); err != nil {
		return nil, err
	}
	if err := checkID("recipient id", recipientID); err != nil {
		return nil, err
	}
	if err := checkMessage(msg); err != nil {
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
	if err := s.post(ctx, senderID, category(msg), body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SendText sends a text message: Send with message.Text(text).
//
// Meta API: POST /{ig-user-id}/messages
func (s *MessagingService) SendText(ctx context.Context, senderID, recipientID, text string) (*SendResult, error) {
	return s.Send(ctx, senderID, recipientID, message.Text(text), nil)
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
func (s *MessagingService) PrivateReply(ctx context.Context, senderID, commentID string, msg *message.Message, opts *PrivateReplyOptions) (*SendResult, error) {
	if err := checkID("sender id", senderID); err != nil {
		return nil, err
	}
	if err := checkID("comment id", commentID); err != nil {
		return nil, err
	}
	if err := checkMessage(msg); err != nil {
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
