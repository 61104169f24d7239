package message_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/message"
)

func TestWireShapes(t *testing.T) {
	cases := map[string]struct {
		msg  *message.Message
		want string
	}{
		"text":   {message.Text("hi"), `{"text":"hi"}`},
		"image":  {message.Image(message.FromURL("https://x.test/a.jpg")), `{"attachment":{"type":"image","payload":{"url":"https://x.test/a.jpg"}}}`},
		"reused": {message.Video(message.FromAttachment("991")), `{"attachment":{"type":"video","payload":{"attachment_id":"991"}}}`},
		"images": {message.Images(message.FromURL("https://x.test/1.jpg"), message.FromURL("https://x.test/2.jpg")),
			`{"attachments":[{"type":"image","payload":{"url":"https://x.test/1.jpg"}},{"type":"image","payload":{"url":"https://x.test/2.jpg"}}]}`},
		"post":  {message.SharedPost("1789"), `{"attachment":{"type":"MEDIA_SHARE","payload":{"id":"1789"}}}`},
		"heart": {message.LikeHeart(), `{"attachment":{"type":"like_heart"}}`},
		"button": {message.ButtonTemplate("Pick", message.URLButton("Shop", "https://shop.test"), message.PostbackButton("Agent", "AGENT")),
			`{"attachment":{"type":"template","payload":{"template_type":"button","text":"Pick","buttons":[{"type":"web_url","title":"Shop","url":"https://shop.test"},{"type":"postback","title":"Agent","payload":"AGENT"}]}}}`},
		"generic": {message.GenericTemplate(message.Element{Title: "Mug", DefaultAction: &message.Action{Type: "web_url", URL: "https://shop.test/mug"}}),
			`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"Mug","default_action":{"type":"web_url","url":"https://shop.test/mug"}}]}}}`},
		"quick": {message.Text("Size?").WithQuickReplies(message.TextQuickReply("S", "SIZE_S")),
			`{"text":"Size?","quick_replies":[{"content_type":"text","title":"S","payload":"SIZE_S"}]}`},
	}
	for name, c := range cases {
		require.NoError(t, c.msg.Validate(), name)
		b, err := json.Marshal(c.msg)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(b), name)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	long := strings.Repeat("a", message.MaxButtonTemplateChars+1)
	cases := map[string]*message.Message{
		"message":                                       nil,
		"message.text":                                  message.Text(strings.Repeat("a", message.MaxTextBytes+1)),
		"message.attachment.payload.text":               message.ButtonTemplate(long, message.PostbackButton("a", "1")),
		"message.attachment.payload.buttons":            message.ButtonTemplate("x"),
		"message.attachment.payload.buttons[0].payload": message.ButtonTemplate("x", message.Button{Type: message.ButtonPostback, Title: "a"}),
		"message.quick_replies[0].content_type":         message.Text("x").WithQuickReplies(message.QuickReply{ContentType: message.QuickReplyEmail}),
	}
	for field, m := range cases {
		err := m.Validate()
		var me *message.Error
		require.True(t, errors.As(err, &me), "%s: %v", field, err)
		assert.Equal(t, field, me.Field)
		assert.NotEmpty(t, me.Rule)
		assert.Contains(t, err.Error(), field)
	}
}

func TestButtonValidate(t *testing.T) {
	require.NoError(t, message.URLButton("Shop", "https://shop.test").Validate())
	for field, b := range map[string]message.Button{
		"title":   {Type: message.ButtonWebURL, URL: "https://x.test"},
		"url":     {Type: message.ButtonWebURL, Title: "a"},
		"payload": {Type: message.ButtonPostback, Title: "a"},
		"type":    {Type: "call", Title: "a"},
	} {
		var me *message.Error
		require.ErrorAs(t, b.Validate(), &me, field)
		assert.Equal(t, field, me.Field)
	}
}

func ExampleText() {
	msg := message.Text("Which size?").WithQuickReplies(
		message.TextQuickReply("S", "SIZE_S"),
		message.TextQuickReply("M", "SIZE_M"),
	)
	b, _ := json.Marshal(msg)
	fmt.Println(msg.Validate() == nil, string(b))
	// Output: true {"text":"Which size?","quick_replies":[{"content_type":"text","title":"S","payload":"SIZE_S"},{"content_type":"text","title":"M","payload":"SIZE_M"}]}
}
