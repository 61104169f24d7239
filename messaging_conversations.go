package instagram

import (
	"context"
	"iter"
	"net/url"
)

// Conversation is a conversation between the account and one person
// (Meta's UnifiedThread). A field is set only when it was requested.
type Conversation struct {
	ID          string `json:"id"`
	UpdatedTime Time   `json:"updated_time"`
	// Participants are the account and the person.
	Participants *Page[Participant] `json:"participants,omitempty"`
	// Messages are the conversation's messages, newest first. Meta gives
	// details of the 20 most recent only.
	Messages     *Page[ConversationMessage] `json:"messages,omitempty"`
	MessageCount int                        `json:"message_count,omitempty"`
	UnreadCount  int                        `json:"unread_count,omitempty"`
	CanReply     *bool                      `json:"can_reply,omitempty"`
	Folder       string                     `json:"folder,omitempty"`
	Link         string                     `json:"link,omitempty"`
	Name         string                     `json:"name,omitempty"`
	Snippet      string                     `json:"snippet,omitempty"`
}

// Participant is a person or account in a conversation.
type Participant struct {
	ID       string `json:"id"`
	Username string `json:"username,omitempty"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
}

// ConversationMessage is a message read through the conversations API.
type ConversationMessage struct {
	ID          string       `json:"id"`
	CreatedTime Time         `json:"created_time"`
	From        *Participant `json:"from,omitempty"`
	// To holds the recipients.
	To *Page[Participant] `json:"to,omitempty"`
	// Message is the text; empty for attachments only.
	Message       string                      `json:"message,omitempty"`
	Attachments   *Page[ReceivedAttachment]   `json:"attachments,omitempty"`
	Shares        *Page[MessageShare]         `json:"shares,omitempty"`
	Reactions     *Page[ConversationReaction] `json:"reactions,omitempty"`
	Story         *ConversationStory          `json:"story,omitempty"`
	IsUnsupported bool                        `json:"is_unsupported,omitempty"`
}

// ReceivedAttachment is an attachment of a message read through the
// conversations API.
type ReceivedAttachment struct {
	ID        string     `json:"id,omitempty"`
	MimeType  string     `json:"mime_type,omitempty"`
	Name      string     `json:"name,omitempty"`
	Size      int64      `json:"size,omitempty"`
	FileURL   string     `json:"file_url,omitempty"`
	ImageData *ImageData `json:"image_data,omitempty"`
	VideoData *VideoData `json:"video_data,omitempty"`
}

// ImageData describes an image attachment.
type ImageData struct {
	URL                   string `json:"url,omitempty"`
	PreviewURL            string `json:"preview_url,omitempty"`
	Width                 int    `json:"width,omitempty"`
	Height                int    `json:"height,omitempty"`
	MaxWidth              int    `json:"max_width,omitempty"`
	MaxHeight             int    `json:"max_height,omitempty"`
	RenderAsSticker       bool   `json:"render_as_sticker,omitempty"`
	AnimatedGIFURL        string `json:"animated_gif_url,omitempty"`
	AnimatedGIFPreviewURL string `json:"animated_gif_preview_url,omitempty"`
}

// VideoData describes a video (or audio) attachment.
type VideoData struct {
	URL        string `json:"url,omitempty"`
	PreviewURL string `json:"preview_url,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
}

// MessageShare is a post or link shared in a message.
type MessageShare struct {
	ID          string `json:"id,omitempty"`
	Link        string `json:"link,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// ConversationReaction is a reaction to a message and who reacted.
type ConversationReaction struct {
	Reaction string        `json:"reaction"`
	Users    []Participant `json:"users,omitempty"`
}

// ConversationStory is the story a message mentions or replies to.
type ConversationStory struct {
	Mention *StoryReference `json:"mention,omitempty"`
	ReplyTo *StoryReference `json:"reply_to,omitempty"`
}

// StoryReference points to a story.
type StoryReference struct {
	ID   string `json:"id,omitempty"`
	Link string `json:"link,omitempty"`
}

// ConversationsOptions selects a page of conversations.
type ConversationsOptions struct {
	ListOptions
	// UserID restricts the list to the conversation with one person
	// (IGSID).
	UserID string `url:"user_id,omitempty"`
	// Platform is "instagram" unless set: with Facebook Login the Page's
	// Messenger conversations are returned otherwise.
	Platform string `url:"platform,omitempty"`
	// Folder restricts the list to one inbox folder, such as
	// FolderInbox (Meta's spec types it as a free string).
	Folder string `url:"folder,omitempty"`
}

// Conversation folders (Conversation.Folder, ConversationsOptions.Folder).
const (
	// FolderInbox is the main inbox.
	FolderInbox = "inbox"
	// FolderPending is message requests not yet accepted.
	FolderPending = "pending"
	// FolderOther is the general folder of the professional inbox.
	FolderOther = "other"
)

// Default field sets of the conversations API.
const (
	conversationListFields = "id,updated_time"
	conversationFields     = "id,updated_time,participants,messages{id,created_time,from,to,message}"
	messageFields          = "id,created_time,from,to,message,attachments,shares,reactions,is_unsupported"
)

func conversationsQuery(opts *ConversationsOptions) (url.Values, error) {
	q, err := withFields(opts, conversationListFields)
	if err != nil {
		return nil, err
	}
	if q.Get("platform") == "" {
		q.Set("platform", "instagram")
	}
	return q, nil
}

// Conversations returns one page of the account's conversations, most
// recently updated first. accountID is the Instagram account id (Instagram
// Login), the Page id (Facebook Login) or "me". Conversations in the
// Requests folder idle for more than 30 days are not listed.
//
// Meta API: GET /{ig-user-id}/conversations
func (s *MessagingService) Conversations(ctx context.Context, accountID string, opts *ConversationsOptions) (*Page[Conversation], error) {
	if err := checkID("account id", accountID); err != nil {
		return nil, err
	}
	q, err := conversationsQuery(opts)
	if err != nil {
		return nil, err
	}
	done, err := limiterOf(s.client).acquire(ctx, limitConversations, "")
	if err != nil {
		return nil, err
	}
	defer done()
	return listPage[Conversation](ctx, s.client, pathEscape(accountID)+"/conversations", q)
}

// AllConversations iterates over every conversation of the account, most
// recently updated first, fetching pages as the loop consumes them; each
// page waits for the conversations limit. The iteration ends at the last
// page or at the first error, which is yielded once.
//
// Meta API: GET /{ig-user-id}/conversations
func (s *MessagingService) AllConversations(ctx context.Context, accountID string, opts *ConversationsOptions) iter.Seq2[Conversation, error] {
	if err := checkID("account id", accountID); err != nil {
		return errSeq[Conversation](err)
	}
	q, err := conversationsQuery(opts)
	if err != nil {
		return errSeq[Conversation](err)
	}
	path := pathEscape(accountID) + "/conversations"
	pace := func(ctx context.Context) (func(), error) {
		return limiterOf(s.client).acquire(ctx, limitConversations, "")
	}
	return pager[Conversation](ctx, s.client, path, q, pace)
}

// Conversation returns one conversation with its participants and latest
// messages (by default: id, created_time, from, to and text of each).
//
// Meta API: GET /{conversation-id}
func (s *MessagingService) Conversation(ctx context.Context, conversationID string, opts *GetOptions) (*Conversation, error) {
	if err := checkID("conversation id", conversationID); err != nil {
		return nil, err // before waiting for the limiter
	}
	done, err := limiterOf(s.client).acquire(ctx, limitConversations, "")
	if err != nil {
		return nil, err
	}
	defer done()
	return getObject[Conversation](ctx, s.client, "conversation id", conversationID, opts, conversationFields)
}

// Message returns one message with its attachments, shares and reactions.
//
// Meta API: GET /{message-id}
func (s *MessagingService) Message(ctx context.Context, messageID string, opts *GetOptions) (*ConversationMessage, error) {
	if err := checkID("message id", messageID); err != nil {
		return nil, err // before waiting for the limiter
	}
	done, err := limiterOf(s.client).acquire(ctx, limitConversations, "")
	if err != nil {
		return nil, err
	}
	defer done()
	return getObject[ConversationMessage](ctx, s.client, "message id", messageID, opts, messageFields)
}
