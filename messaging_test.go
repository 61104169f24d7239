package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
)

const sendOK = `{"recipient_id":"6543210987654321","message_id":"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx"}`

func TestMessagingSendBodies(t *testing.T) {
	long := strings.Repeat("Free shipping over 50", 2) // 42 characters: sent as is, Meta truncates
	tmpl := message.Element{
		Title: "Canvas tote", Subtitle: "Natural, 40 cm", ImageURL: "https://cdn.example.com/tote.jpg",
		DefaultAction: &message.Action{Type: "web_url", URL: "https://shop.example.com/tote"},
		Buttons: []message.Button{
			message.URLButton("Buy", "https://shop.example.com/tote/buy"),
			message.PostbackButton("Ask us", "ASK_TOTE"),
		},
	}
	for _, tc := range []struct {
		name string
		msg  *message.Message
		opts *instagram.SendOptions
		want string
	}{
		{"text", message.Text("Hello 👋 https://example.com"), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"text":"Hello 👋 https://example.com"}}`},
		{"image by url", message.Image(message.FromURL("https://cdn.example.com/a.jpg")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"image","payload":{"url":"https://cdn.example.com/a.jpg"}}}}`},
		{"image by attachment id", message.Image(message.FromAttachment("1857777774821032")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"image","payload":{"attachment_id":"1857777774821032"}}}}`},
		{"audio", message.Audio(message.FromURL("https://cdn.example.com/a.mp3")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"audio","payload":{"url":"https://cdn.example.com/a.mp3"}}}}`},
		{"video", message.Video(message.FromAttachment("77")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"video","payload":{"attachment_id":"77"}}}}`},
		{"file", message.File(message.FromURL("https://cdn.example.com/menu.pdf")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"file","payload":{"url":"https://cdn.example.com/menu.pdf"}}}}`},
		{"several images", message.Images(message.FromURL("https://cdn.example.com/1.jpg"), message.FromAttachment("2")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachments":[{"type":"image","payload":{"url":"https://cdn.example.com/1.jpg"}},{"type":"image","payload":{"attachment_id":"2"}}]}}`},
		{"shared post", message.SharedPost("17895695668004550"), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"MEDIA_SHARE","payload":{"id":"17895695668004550"}}}}`},
		{"like heart", message.LikeHeart(), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"like_heart"}}}`},
		{"generic template", message.GenericTemplate(tmpl), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[
				{"title":"Canvas tote","subtitle":"Natural, 40 cm","image_url":"https://cdn.example.com/tote.jpg",
				 "default_action":{"type":"web_url","url":"https://shop.example.com/tote"},
				 "buttons":[{"type":"web_url","title":"Buy","url":"https://shop.example.com/tote/buy"},{"type":"postback","title":"Ask us","payload":"ASK_TOTE"}]}]}}}}`},
		{"quick replies", message.Text("Pick a size").WithQuickReplies(
			message.TextQuickReply("Small", "SIZE_S"), message.TextQuickReply(long, "SHIP")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"text":"Pick a size","quick_replies":[
				{"content_type":"text","title":"Small","payload":"SIZE_S"},
				{"content_type":"text","title":"` + long + `","payload":"SHIP"}]}}`},
		{"button template", message.ButtonTemplate("What next?", message.URLButton("Shop", "https://shop.example.com"), message.PostbackButton("Talk to us", "AGENT")), nil,
			`{"recipient":{"id":"6543210987654321"},"message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"What next?",
				"buttons":[{"type":"web_url","title":"Shop","url":"https://shop.example.com"},{"type":"postback","title":"Talk to us","payload":"AGENT"}]}}}}`},
		{"reply to", message.Text("Yes!"), &instagram.SendOptions{ReplyTo: "m_1"},
			`{"recipient":{"id":"6543210987654321"},"message":{"text":"Yes!"},"reply_to":{"mid":"m_1"}}`},
		{"human agent", message.Text("An agent here"), &instagram.SendOptions{HumanAgent: true},
			`{"recipient":{"id":"6543210987654321"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"An agent here"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			var got []captured
			mt.RegisterResponder("POST", testBase+"/v25.0/17841400000000000/messages", capture(&got, 200, sendOK))
			res, err := c.Messaging.Send(context.Background(), "17841400000000000", "6543210987654321", tc.msg, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, &instagram.SendResult{RecipientID: "6543210987654321", MessageID: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx"}, res)
			require.Len(t, got, 1)
			assert.Equal(t, "application/json", got[0].Type)
			assert.JSONEq(t, tc.want, got[0].Body)
		})
	}
}

func TestMessagingActionsAndPrivateReply(t *testing.T) {
	c, mt := newMockClient(t)
	var got []captured
	mt.RegisterResponder("POST", testBase+"/v25.0/me/messages", capture(&got, 200, sendOK))
	ctx := context.Background()
	for _, a := range []instagram.SenderAction{instagram.SenderActionTypingOn, instagram.SenderActionTypingOff, instagram.SenderActionMarkSeen} {
		require.NoError(t, c.Messaging.SendAction(ctx, "me", "654", a))
	}
	require.NoError(t, c.Messaging.React(ctx, "me", "654", "m_9", instagram.ReactionLove))
	require.NoError(t, c.Messaging.Unreact(ctx, "me", "654", "m_9"))
	res, err := c.Messaging.PrivateReply(ctx, "me", "17858893269000001", message.Text("Thanks! Sent you the details."), nil)
	require.NoError(t, err)
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", res.MessageID)
	res, err = c.Messaging.SendText(ctx, "me", "654", "plain")
	require.NoError(t, err)
	assert.Equal(t, "6543210987654321", res.RecipientID)

	want := []string{
		`{"recipient":{"id":"654"},"sender_action":"typing_on"}`,
		`{"recipient":{"id":"654"},"sender_action":"typing_off"}`,
		`{"recipient":{"id":"654"},"sender_action":"mark_seen"}`,
		`{"recipient":{"id":"654"},"sender_action":"react","payload":{"message_id":"m_9","reaction":"love"}}`,
		`{"recipient":{"id":"654"},"sender_action":"unreact","payload":{"message_id":"m_9"}}`,
		`{"recipient":{"comment_id":"17858893269000001"},"message":{"text":"Thanks! Sent you the details."}}`,
		`{"recipient":{"id":"654"},"message":{"text":"plain"}}`,
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		assert.JSONEq(t, w, got[i].Body, "request %d", i)
	}
}

func TestMessagingFacebookLoginUsesPage(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []captured
	mt.RegisterResponder("POST", testBase+"/v25.0/112233445566778/messages", capture(&got, 200, sendOK))
	mt.RegisterResponder("GET", testBase+"/v25.0/112233445566778/conversations", capture(&got, 200, `{"data":[]}`))
	_, err := c.Messaging.SendText(context.Background(), "112233445566778", "654", "hi")
	require.NoError(t, err)
	_, err = c.Messaging.Conversations(context.Background(), "112233445566778", nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "instagram", got[1].Query.Get("platform"))
}

func TestMessagingValidation(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	euro1000 := strings.Repeat("€", 333) + "a" // 1000 bytes, 334 characters
	src := message.FromURL("https://cdn.example.com/x.jpg")
	many := func(n int) []message.Source {
		out := make([]message.Source, n)
		for i := range out {
			out[i] = src
		}
		return out
	}
	qrs := func(n int) []message.QuickReply {
		out := make([]message.QuickReply, n)
		for i := range out {
			out[i] = message.TextQuickReply("opt", "P")
		}
		return out
	}
	els := func(n int) []message.Element {
		out := make([]message.Element, n)
		for i := range out {
			out[i] = message.Element{Title: "t"}
		}
		return out
	}
	require.Len(t, euro1000, 1000)
	require.NoError(t, message.Text(euro1000).Validate())
	require.NoError(t, message.Images(many(10)...).Validate())
	require.NoError(t, message.Text("x").WithQuickReplies(qrs(13)...).Validate())
	require.NoError(t, message.GenericTemplate(els(10)...).Validate())

	bad := map[string]*message.Message{
		"message.text":                                 message.Text(euro1000 + "€"),
		"message.text (utf-8)":                         message.Text("ok \xff"),
		"message":                                      message.Text(""),
		"message (two kinds)":                          {Text: "x", Attachment: &message.Attachment{Type: message.AttachmentLikeHeart}},
		"message.attachments":                          message.Images(many(11)...),
		"message.attachments[0].type":                  {Attachments: []message.Attachment{{Type: message.AttachmentVideo, Payload: &message.Payload{URL: "https://x.test/v.mp4"}}}},
		"message.quick_replies":                        message.Text("x").WithQuickReplies(qrs(14)...),
		"message.quick_replies[0].title":               message.Text("x").WithQuickReplies(message.TextQuickReply(" ", "P")),
		"message.quick_replies[0].content_type":        message.Text("x").WithQuickReplies(message.QuickReply{ContentType: "location"}),
		"message.attachment.payload":                   message.Image(message.Source{}),
		"message.attachment.payload (both)":            message.Image(message.Source{URL: "https://x.test/a.jpg", AttachmentID: "1"}),
		"message.attachment.payload.url":               message.File(message.FromURL("ftp://x.test/a.pdf")),
		"message.attachment.payload.id":                message.SharedPost(""),
		"message.attachment.type":                      {Attachment: &message.Attachment{Type: "sticker"}},
		"message.attachment.payload.elements":          message.GenericTemplate(els(11)...),
		"message.attachment.payload.elements[0].title": message.GenericTemplate(message.Element{}),
		"message.attachment.payload.elements[0].buttons": message.GenericTemplate(message.Element{Title: "t", Buttons: []message.Button{
			message.PostbackButton("a", "1"), message.PostbackButton("b", "2"), message.PostbackButton("c", "3"), message.PostbackButton("d", "4")}}),
		"message.attachment.payload.elements[0].buttons[0].url": message.GenericTemplate(message.Element{Title: "t", Buttons: []message.Button{message.URLButton("a", "")}}),
		"message (nil)": nil,
	}
	for name, m := range bad {
		field, _, _ := strings.Cut(name, " ")
		_, err := c.Messaging.Send(ctx, "me", "654", m, nil)
		var ve *instagram.ValidationError
		require.Truef(t, errors.As(err, &ve), "%s: %v", name, err)
		assert.Equal(t, field, ve.Field, name)
		assert.ErrorIs(t, err, instagram.ErrValidation)
		_, err = c.Messaging.PrivateReply(ctx, "me", "178", m, nil)
		assert.ErrorIs(t, err, instagram.ErrValidation, name)
	}

	others := []error{
		func() error { _, err := c.Messaging.Send(ctx, "", "654", message.Text("x"), nil); return err }(),
		func() error { _, err := c.Messaging.Send(ctx, "me", "", message.Text("x"), nil); return err }(),
		func() error {
			_, err := c.Messaging.PrivateReply(ctx, "me", "", message.Text("x"), nil)
			return err
		}(),
		c.Messaging.SendAction(ctx, "me", "654", "wave"),
		c.Messaging.SendAction(ctx, "me", "654", instagram.SenderActionReact),
		c.Messaging.SendAction(ctx, "me", "", instagram.SenderActionTypingOn),
		c.Messaging.React(ctx, "me", "654", "m_1", ""),
		c.Messaging.React(ctx, "me", "654", "", "love"),
		c.Messaging.Unreact(ctx, "me", "654", ""),
		func() error { _, err := c.Messaging.Conversations(ctx, "", nil); return err }(),
		func() error { _, err := c.Messaging.Conversation(ctx, "", nil); return err }(),
		func() error { _, err := c.Messaging.Message(ctx, "", nil); return err }(),
		func() error { _, err := c.Messaging.MessengerProfile(ctx, "me", "greeting"); return err }(),
		c.Messaging.SetIceBreakers(ctx, "me", instagram.IceBreakers{CallToActions: make([]instagram.IceBreaker, 5)}),
		c.Messaging.SetIceBreakers(ctx, "me", instagram.IceBreakers{Locale: "en_GB", CallToActions: []instagram.IceBreaker{{Question: "q", Payload: "p"}}}),
		c.Messaging.SetIceBreakers(ctx, "me", instagram.IceBreakers{CallToActions: []instagram.IceBreaker{{Payload: "p"}}}),
		c.Messaging.SetIceBreakers(ctx, "me"),
		c.Messaging.SetPersistentMenu(ctx, "me", instagram.PersistentMenu{CallToActions: []instagram.MenuItem{{Type: message.ButtonPostback, Title: "Help"}}}),
		c.Messaging.SetPersistentMenu(ctx, "me", instagram.PersistentMenu{}),
		c.Messaging.SetMessengerProfile(ctx, "me", &instagram.MessengerProfile{}),
		c.Messaging.DeleteMessengerProfile(ctx, "me", "greeting"),
	}
	for _, seq := range []func(func(instagram.Conversation, error) bool){c.Messaging.AllConversations(ctx, " ", nil)} {
		for _, err := range seq {
			others = append(others, err)
		}
	}
	for i, err := range others {
		var ve *instagram.ValidationError
		assert.Truef(t, errors.As(err, &ve), "case %d: %v", i, err)
	}
	assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent for invalid input")
}

func TestMessagingErrorsTypedAndDistinct(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.NoRetries))
	ctx := context.Background()
	answers := map[string]string{
		"1": `{"error":{"message":"(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview","type":"OAuthException","code":10,"error_subcode":2534022,"fbtrace_id":"Aw1"}}`,
		"2": `{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"Aw2"}}`,
		"3": `{"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"fbtrace_id":"Aw3"}}`,
		"4": `{"error":{"message":"(#100) No matching user found","type":"OAuthException","code":100,"error_subcode":2534014,"fbtrace_id":"Aw4"}}`,
	}
	for id, body := range answers {
		mt.RegisterResponder("POST", testBase+"/v25.0/"+id+"/messages", jsonResponder(400, body))
	}
	send := func(id string) error {
		_, err := c.Messaging.SendText(ctx, id, "654", "hi")
		require.Error(t, err)
		return err
	}
	for _, id := range []string{"1", "2"} {
		err := send(id)
		assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow)
		assert.NotErrorIs(t, err, instagram.ErrRecipientUnavailable)
		assert.NotErrorIs(t, err, instagram.ErrPermission, "a window error is not a missing permission")
		assert.False(t, instagram.IsRetryable(err))
	}
	err := send("3")
	assert.ErrorIs(t, err, instagram.ErrRecipientUnavailable)
	assert.NotErrorIs(t, err, instagram.ErrOutsideMessagingWindow)
	assert.False(t, instagram.IsRetryable(err))
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1545041, apiErr.Subcode)
	err = send("4")
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.NotErrorIs(t, err, instagram.ErrRecipientUnavailable)
	assert.NotErrorIs(t, err, instagram.ErrOutsideMessagingWindow)
	assert.Equal(t, 4, mt.GetTotalCallCount(), "sends are never retried")
}

func TestMessagingConversationsReads(t *testing.T) { synctest.Test(t, testMessagingConversationsReads) }

// testMessagingConversationsReads runs in a synctest bubble: the messaging
// pacing between its reads costs no real time.
func testMessagingConversationsReads(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	var got []captured
	mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000000/conversations", capture(&got, 200,
		`{"data":[{"id":"aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6","updated_time":"2024-05-01T12:00:00+0000"}]}`))
	page, err := c.Messaging.Conversations(ctx, "17841400000000000", &instagram.ConversationsOptions{UserID: "654", ListOptions: instagram.ListOptions{Limit: 10}})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6", page.Data[0].ID)
	assert.Equal(t, 12, page.Data[0].UpdatedTime.Hour())
	assert.Equal(t, "instagram", got[0].Query.Get("platform"))
	assert.Equal(t, "654", got[0].Query.Get("user_id"))
	assert.Equal(t, "10", got[0].Query.Get("limit"))
	assert.Equal(t, "id,updated_time", got[0].Query.Get("fields"))

	mt.RegisterResponder("GET", testBase+"/v25.0/aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6", capture(&got, 200, `{
		"id":"aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6","updated_time":"2024-05-01T12:00:00+0000",
		"participants":{"data":[{"username":"golden_studio","id":"17841400000000000"},{"username":"ana.makes","id":"654"}]},
		"messages":{"data":[{"id":"m_2","created_time":"2024-05-01T12:00:00+0000","from":{"username":"ana.makes","id":"654"},
			"to":{"data":[{"username":"golden_studio","id":"17841400000000000"}]},"message":"Is this in blue?"}],
			"paging":{"cursors":{"after":"QVFI"}}}}`))
	cv, err := c.Messaging.Conversation(ctx, "aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6", nil)
	require.NoError(t, err)
	assert.Equal(t, "id,updated_time,participants,messages{id,created_time,from,to,message}", got[1].Query.Get("fields"))
	require.Len(t, cv.Participants.Data, 2)
	assert.Equal(t, "ana.makes", cv.Participants.Data[1].Username)
	require.Len(t, cv.Messages.Data, 1)
	m := cv.Messages.Data[0]
	assert.Equal(t, "Is this in blue?", m.Message)
	assert.Equal(t, "654", m.From.ID)
	assert.Equal(t, "golden_studio", m.To.Data[0].Username)

	mt.RegisterResponder("GET", testBase+"/v25.0/m_3", capture(&got, 200, `{
		"id":"m_3","created_time":"2024-05-01T12:01:00+0000","from":{"username":"ana.makes","id":"654"},"message":"",
		"attachments":{"data":[
			{"image_data":{"url":"https://cdn.test/i.jpg","preview_url":"https://cdn.test/p.jpg","width":1080,"height":1350,"max_width":1080,"max_height":1350}},
			{"video_data":{"url":"https://cdn.test/v.mp4","preview_url":"https://cdn.test/v.jpg","width":720,"height":1280}},
			{"id":"99","file_url":"https://cdn.test/f.pdf","mime_type":"application/pdf","name":"menu.pdf","size":1234}]},
		"shares":{"data":[{"link":"https://www.instagram.com/p/abc/"}]},
		"reactions":{"data":[{"reaction":"love","users":[{"username":"golden_studio","id":"17841400000000000"}]}]}}`))
	msg, err := c.Messaging.Message(ctx, "m_3", nil)
	require.NoError(t, err)
	assert.Equal(t, "id,created_time,from,to,message,attachments,shares,reactions,is_unsupported", got[2].Query.Get("fields"))
	require.Len(t, msg.Attachments.Data, 3)
	assert.Equal(t, 1350, msg.Attachments.Data[0].ImageData.Height)
	assert.Equal(t, "https://cdn.test/v.mp4", msg.Attachments.Data[1].VideoData.URL)
	assert.Equal(t, int64(1234), msg.Attachments.Data[2].Size)
	assert.Equal(t, "https://www.instagram.com/p/abc/", msg.Shares.Data[0].Link)
	assert.Equal(t, "love", msg.Reactions.Data[0].Reaction)
	assert.Equal(t, "golden_studio", msg.Reactions.Data[0].Users[0].Username)
}

func TestMessagingAllConversationsPages(t *testing.T) {
	synctest.Test(t, testMessagingAllConversationsPages)
}

// testMessagingAllConversationsPages runs in a synctest bubble: the messaging
// pacing between its reads costs no real time.
func testMessagingAllConversationsPages(t *testing.T) {
	c, mt := newMockClient(t)
	var got []captured
	mt.RegisterResponder("GET", testBase+"/v25.0/me/conversations", func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("after") == "" {
			return capture(&got, 200, `{"data":[{"id":"c1"},{"id":"c2"}],"paging":{"cursors":{"after":"A"},"next":"https://graph.test/v25.0/me/conversations?after=A&access_token=t"}}`)(r)
		}
		return capture(&got, 200, `{"data":[{"id":"c3"}]}`)(r)
	})
	var ids []string
	for cv, err := range c.Messaging.AllConversations(context.Background(), "me", nil) {
		require.NoError(t, err)
		ids = append(ids, cv.ID)
	}
	assert.Equal(t, []string{"c1", "c2", "c3"}, ids)
	require.Len(t, got, 2)
	assert.Equal(t, "A", got[1].Query.Get("after"))
	assert.Equal(t, "instagram", got[1].Query.Get("platform"))
}

func TestMessengerProfile(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	var got []captured
	mt.RegisterResponder("POST", testBase+"/v25.0/me/messenger_profile", capture(&got, 200, `{"result":"success"}`))
	mt.RegisterResponder("DELETE", testBase+"/v25.0/me/messenger_profile", capture(&got, 200, `{"result":"success"}`))

	require.NoError(t, c.Messaging.SetIceBreakers(ctx, "me",
		instagram.IceBreakers{CallToActions: []instagram.IceBreaker{{Question: "Where do you ship?", Payload: "SHIPPING"}}},
		instagram.IceBreakers{Locale: "de_DE", CallToActions: []instagram.IceBreaker{{Question: "Wohin liefert ihr?", Payload: "SHIPPING"}}}))
	require.NoError(t, c.Messaging.SetPersistentMenu(ctx, "me", instagram.PersistentMenu{CallToActions: []instagram.MenuItem{
		{Type: message.ButtonPostback, Title: "Talk to a person", Payload: "AGENT"},
		{Type: message.ButtonWebURL, Title: "Shop", URL: "https://shop.example.com"},
	}}))
	require.NoError(t, c.Messaging.DeleteMessengerProfile(ctx, "me", instagram.ProfileIceBreakers))
	require.NoError(t, c.Messaging.DeleteMessengerProfile(ctx, "me"))

	require.Len(t, got, 4)
	assert.JSONEq(t, `{"platform":"instagram","ice_breakers":[
		{"locale":"default","call_to_actions":[{"question":"Where do you ship?","payload":"SHIPPING"}]},
		{"locale":"de_DE","call_to_actions":[{"question":"Wohin liefert ihr?","payload":"SHIPPING"}]}]}`, got[0].Body)
	assert.JSONEq(t, `{"platform":"instagram","persistent_menu":[{"locale":"default","call_to_actions":[
		{"type":"postback","title":"Talk to a person","payload":"AGENT"},
		{"type":"web_url","title":"Shop","url":"https://shop.example.com"}]}]}`, got[1].Body)
	assert.Equal(t, "instagram", got[0].Query.Get("platform"))
	assert.JSONEq(t, `{"fields":["ice_breakers"]}`, got[2].Body)
	assert.JSONEq(t, `{"fields":["ice_breakers","persistent_menu"]}`, got[3].Body)
	assert.Equal(t, "instagram", got[3].Query.Get("platform"))

	for _, tc := range []struct {
		name, body string
		want       instagram.MessengerProfile
	}{
		{"one object", `{"data":[{"ice_breakers":[{"call_to_actions":[{"question":"Q","payload":"P"}],"locale":"default"}],
			"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"Help","payload":"H"}]}]}]}`,
			instagram.MessengerProfile{
				IceBreakers:    []instagram.IceBreakers{{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Q", Payload: "P"}}}},
				PersistentMenu: []instagram.PersistentMenu{{Locale: "default", CallToActions: []instagram.MenuItem{{Type: "postback", Title: "Help", Payload: "H"}}}},
			}},
		{"one object per locale", `{"data":[{"call_to_actions":[{"question":"Q","payload":"P"}],"locale":"default"},
			{"call_to_actions":[{"question":"F","payload":"P"}],"locale":"fr_FR"}]}`,
			instagram.MessengerProfile{IceBreakers: []instagram.IceBreakers{
				{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Q", Payload: "P"}}},
				{Locale: "fr_FR", CallToActions: []instagram.IceBreaker{{Question: "F", Payload: "P"}}},
			}}},
		{"questions without locale", `{"data":[{"ice_breakers":[{"question":"Q","payload":"P"},{"question":"R","payload":"S"}]}]}`,
			instagram.MessengerProfile{IceBreakers: []instagram.IceBreakers{
				{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Q", Payload: "P"}, {Question: "R", Payload: "S"}}},
			}}},
		{"nothing set", `{"data":[]}`, instagram.MessengerProfile{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gets []captured
			mt.RegisterResponder("GET", testBase+"/v25.0/me/messenger_profile", capture(&gets, 200, tc.body))
			p, err := c.Messaging.MessengerProfile(ctx, "me")
			require.NoError(t, err)
			assert.Equal(t, tc.want, *p)
			assert.Equal(t, "ice_breakers,persistent_menu", gets[0].Query.Get("fields"))
			assert.Equal(t, "instagram", gets[0].Query.Get("platform"))
		})
	}
}
