package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/igsdk/instagram/webhook"
)

const whSelfIGSID = "1104889377601634"

// Meta's self messaging samples: the echo marks the message, the postback
// marks the item; both give IsSelf on the parties.
func TestDecodeIsSelfEcho(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages_self_echo.json")
	assert.Equal(t, webhook.EventMessageEcho, e.Kind())
	assert.True(t, e.Message.IsSelf)
	assert.True(t, e.IsSelf)
	assert.Equal(t, whAccount, e.SenderID)
	assert.Equal(t, whSelfIGSID, e.RecipientID)
	assert.Equal(t, "Testing my auto-reply", e.Message.Text)
}

func TestDecodeIsSelfPostback(t *testing.T) {
	e := only[*webhook.PostbackEvent](t, "messaging_postbacks_self.json")
	assert.True(t, e.IsSelf)
	assert.Equal(t, "DEVELOPER_DEFINED_PAYLOAD", e.Payload)
	assert.Equal(t, whSelfIGSID, e.RecipientID)
}

func TestDecodeIsSelfAbsent(t *testing.T) {
	for _, name := range []string{"messages.json", "message_echoes.json", "messaging_postbacks.json", "message_reactions.json"} {
		for _, ev := range decodeFixture(t, name) {
			switch e := ev.(type) {
			case *webhook.MessageEvent:
				assert.False(t, e.IsSelf, name)
			case *webhook.PostbackEvent:
				assert.False(t, e.IsSelf, name)
			case *webhook.ReactionEvent:
				assert.False(t, e.IsSelf, name)
			}
		}
	}
}
