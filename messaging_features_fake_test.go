package instagram_test

import (
	"context"
	"net/url"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
)

// rawPost sends a form POST through the client without the SDK's
// validation, as a client that skips it would.
func rawPost(t *testing.T, c *instagram.Client, path string, form url.Values) error {
	t.Helper()
	req, err := c.NewRequest(context.Background(), "POST", path, nil, form)
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	return err
}

func TestContactQuickRepliesRefused(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	srv.SimulateIncomingMessage(ana, "Hi")
	//lint:ignore SA1019 the deprecated types are what this test shows refused
	for _, qt := range []message.QuickReplyType{message.QuickReplyPhoneNumber, message.QuickReplyEmail} {
		msg := message.Text("How can we reach you?").WithQuickReplies(message.QuickReply{ContentType: qt})
		err := msg.Validate()
		var me *message.Error
		require.ErrorAs(t, err, &me, qt)
		assert.Contains(t, err.Error(), "2026-10-05")
		_, err = c.Messaging.Send(ctx, srv.UserID, ana, msg, nil)
		require.ErrorIs(t, err, instagram.ErrValidation, qt)

		// Sent anyway, the server refuses it as Meta does.
		err = rawPost(t, c, srv.UserID+"/messages", url.Values{
			"recipient": {`{"id":"` + ana + `"}`},
			"message":   {`{"text":"How can we reach you?","quick_replies":[{"content_type":"` + string(qt) + `"}]}`},
		})
		var apiErr *instagram.Error
		require.ErrorAs(t, err, &apiErr, qt)
		assert.Equal(t, 100, apiErr.Code)
		assert.Contains(t, apiErr.Message, "not supported on Instagram")
	}
}

func TestButtonTemplateOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	srv.SimulateIncomingMessage(ana, "Hi")
	msg := message.ButtonTemplate("What would you like to do?",
		message.URLButton("Shop", "https://shop.example.com"), message.PostbackButton("Talk to us", "AGENT"))
	res, err := c.Messaging.Send(ctx, srv.UserID, ana, msg, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, res.MessageID)

	for name, bad := range map[string]*message.Message{
		"no text":      message.ButtonTemplate("", message.PostbackButton("A", "A")),
		"no buttons":   message.ButtonTemplate("Pick"),
		"four buttons": message.ButtonTemplate("Pick", message.PostbackButton("A", "A"), message.PostbackButton("B", "B"), message.PostbackButton("C", "C"), message.PostbackButton("D", "D")),
		"bad button":   message.ButtonTemplate("Pick", message.URLButton("Shop", "")),
	} {
		_, err := c.Messaging.Send(ctx, srv.UserID, ana, bad, nil)
		assert.ErrorIs(t, err, instagram.ErrValidation, name)
	}
	err = rawPost(t, c, srv.UserID+"/messages", url.Values{
		"recipient": {`{"id":"` + ana + `"}`},
		"message":   {`{"attachment":{"type":"template","payload":{"template_type":"button","text":"Pick","buttons":[]}}}`},
	})
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "button template")
}

func TestPersistentMenuOptionsPerLogin(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	composer := []instagram.PersistentMenu{{Locale: "default", ComposerInputDisabled: true, CallToActions: []instagram.MenuItem{
		{Type: message.ButtonPostback, Title: "Talk to a person", Payload: "AGENT"},
	}}}
	ratio := []instagram.PersistentMenu{{CallToActions: []instagram.MenuItem{
		{Type: message.ButtonWebURL, Title: "Shop", URL: "https://shop.example.com", WebviewHeightRatio: "tall"},
	}}}
	for _, m := range [][]instagram.PersistentMenu{composer, ratio} {
		err := c.Messaging.SetPersistentMenu(ctx, srv.UserID, m...)
		require.ErrorIs(t, err, instagram.ErrValidation)
		assert.Contains(t, err.Error(), "Instagram Login")
	}
	assert.NotContains(t, srv.MessengerProfile(), "persistent_menu", "nothing was sent")

	// Sent anyway on graph.instagram.com, the server refuses both.
	for _, menu := range []string{
		`[{"locale":"default","composer_input_disabled":true,"call_to_actions":[{"type":"postback","title":"A","payload":"A"}]}]`,
		`[{"locale":"default","call_to_actions":[{"type":"web_url","title":"Shop","url":"https://shop.example.com","webview_height_ratio":"tall"}]}]`,
	} {
		err := rawPost(t, c, srv.UserID+"/messenger_profile", url.Values{"platform": {"instagram"}, "persistent_menu": {menu}})
		var apiErr *instagram.Error
		require.ErrorAs(t, err, &apiErr, menu)
		assert.Contains(t, apiErr.Message, "not available for Instagram")
	}

	// With Facebook Login the Page's menu takes them.
	pageClient, err := instagram.NewClient(instagram.WithAccessToken(srv.PageAccessToken),
		instagram.WithPlatform(instagram.FacebookLogin), instagram.WithBaseURL(srv.URL))
	require.NoError(t, err)
	require.NoError(t, pageClient.Messaging.SetPersistentMenu(ctx, srv.PageID, composer...))
	require.NoError(t, pageClient.Messaging.SetPersistentMenu(ctx, srv.PageID, ratio...))
}

func TestUserProfileOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")

	// Before the person writes, Meta refuses (no consent).
	_, err := c.Messaging.UserProfile(ctx, ana, nil)
	require.ErrorAs(t, err, new(*instagram.Error))

	srv.SimulateIncomingMessage(ana, "Hi! Is the tote in stock?")
	p, err := c.Messaging.UserProfile(ctx, ana, nil)
	require.NoError(t, err)
	assert.Equal(t, ana, p.ID)
	assert.Equal(t, "ana.makes", p.Username)
	assert.NotEmpty(t, p.Name)
	assert.NotEmpty(t, p.ProfilePic)
	assert.Positive(t, p.FollowerCount)

	p, err = c.Messaging.UserProfile(ctx, ana, &instagram.GetOptions{Fields: []string{"username"}})
	require.NoError(t, err)
	assert.Equal(t, "ana.makes", p.Username)
	assert.Zero(t, p.FollowerCount, "only the fields asked for")

	_, err = c.Messaging.UserProfile(ctx, "", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestUploadAttachmentThenSendByID(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	srv.SimulateIncomingMessage(ana, "Send me the size chart")
	up, err := c.Messaging.UploadAttachment(ctx, srv.UserID, message.AttachmentImage, "https://cdn.example.com/sizes.png")
	require.NoError(t, err)
	require.NotEmpty(t, up.AttachmentID)
	res, err := c.Messaging.Send(ctx, srv.UserID, ana, message.Image(message.FromAttachment(up.AttachmentID)), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, res.MessageID)

	_, err = c.Messaging.UploadAttachment(ctx, srv.UserID, message.AttachmentTemplate, "https://cdn.example.com/x.png")
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Messaging.UploadAttachment(ctx, srv.UserID, message.AttachmentImage, "/local/file.png")
	assert.ErrorIs(t, err, instagram.ErrValidation)
	// Sent anyway with a bad type, the server refuses it.
	err = rawPost(t, c, srv.UserID+"/message_attachments", url.Values{"platform": {"instagram"},
		"message": {`{"attachment":{"type":"sticker","payload":{"url":"https://cdn.example.com/x.png","is_reusable":true}}}`}})
	require.ErrorAs(t, err, new(*instagram.Error))
}

func TestConversationsFolderFilter(t *testing.T) { synctest.Test(t, testConversationsFolderFilter) }

// testConversationsFolderFilter runs in a synctest bubble on the in-memory
// network: the messaging pacing waits on the fake's clock.
func testConversationsFolderFilter(t *testing.T) {
	srv, c := bubbleFakeServer(t)
	ctx := context.Background()
	ana, bo := srv.ContactID("ana.makes"), srv.ContactID("bo.writes")
	srv.SimulateIncomingMessage(ana, "hi")
	srv.SimulateIncomingMessage(bo, "hello")
	srv.MoveConversation(bo, instagram.FolderPending)

	page, err := c.Messaging.Conversations(ctx, srv.UserID, &instagram.ConversationsOptions{Folder: instagram.FolderPending,
		ListOptions: instagram.ListOptions{Fields: []string{"id", "folder", "participants"}}})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, instagram.FolderPending, page.Data[0].Folder)
	page, err = c.Messaging.Conversations(ctx, srv.UserID, &instagram.ConversationsOptions{Folder: instagram.FolderInbox})
	require.NoError(t, err)
	assert.Len(t, page.Data, 1)
	page, err = c.Messaging.Conversations(ctx, srv.UserID, nil)
	require.NoError(t, err)
	assert.Len(t, page.Data, 2)
	_, err = c.Messaging.Conversations(ctx, srv.UserID, &instagram.ConversationsOptions{Folder: "archive"})
	assert.ErrorIs(t, err, instagram.ErrValidation, "the server refuses an unknown folder")
}
