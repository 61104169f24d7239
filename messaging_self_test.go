package instagram_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
	"github.com/igsdk/instagram/webhook"
)

// Self messaging on the fake: deliveries carry is_self where Meta's
// samples put it, the window does not apply, quick replies are refused.
func TestIsSelfDeliveries(t *testing.T) {
	f := newClockedFake(t)
	srv := f.srv
	ctx := context.Background()
	c, err := srv.Client()
	require.NoError(t, err)
	cb := newCallback(t, srv.AppSecret, webhook.Options{})
	require.NoError(t, srv.SubscribeWebhooks(cb.URL+"/webhook", whVerify, "messages", "messaging_postbacks"))
	self := srv.SelfID()
	require.NotEqual(t, srv.UserID, self)

	srv.SimulateSelfMessage("Trying my auto-reply")
	mid := srv.SimulateSelfPostback("Start Chatting", "START")
	// Long after, an API send to itself still goes through.
	f.advance(72 * time.Hour)
	_, err = c.Messaging.SendText(ctx, srv.UserID, self, "Auto-reply preview")
	require.NoError(t, err)
	_, err = c.Messaging.SendText(ctx, srv.UserID, f.ana, "Too late")
	require.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow, "other conversations keep their window")
	_, err = c.Messaging.Send(ctx, srv.UserID, self, message.Text("Pick one").
		WithQuickReplies(message.TextQuickReply("A", "a")), nil)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "self messaging")
	waitWebhooks(t, srv)

	var echoes []*webhook.MessageEvent
	var postbacks []*webhook.PostbackEvent
	for _, e := range cb.got() {
		switch e := e.(type) {
		case *webhook.MessageEvent:
			if e.RecipientID == self {
				echoes = append(echoes, e)
			} else {
				assert.False(t, e.IsSelf, "a message of another conversation")
			}
		case *webhook.PostbackEvent:
			postbacks = append(postbacks, e)
		}
	}
	require.Len(t, echoes, 2)
	for _, e := range echoes {
		assert.Equal(t, webhook.EventMessageEcho, e.Kind())
		assert.True(t, e.Message.IsSelf)
		assert.True(t, e.IsSelf)
		assert.Equal(t, srv.UserID, e.SenderID)
	}
	assert.Equal(t, "Trying my auto-reply", echoes[0].Message.Text)
	assert.Equal(t, "Auto-reply preview", echoes[1].Message.Text)
	require.Len(t, postbacks, 1)
	assert.True(t, postbacks[0].IsSelf)
	assert.Equal(t, mid, postbacks[0].MID)
	assert.Equal(t, "START", postbacks[0].Payload)
	assert.Equal(t, self, postbacks[0].RecipientID)
}
