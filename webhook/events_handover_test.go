package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

func TestDecodeHandover(t *testing.T) {
	events := decodeFixture(t, "messaging_handover.json")
	require.Len(t, events, 3)
	var got []*webhook.HandoverEvent
	for _, e := range events {
		h, ok := e.(*webhook.HandoverEvent)
		require.Truef(t, ok, "event is %T", e)
		assert.Equal(t, webhook.EventHandover, h.Kind())
		assert.Equal(t, "messaging_handover", h.Field)
		assert.Equal(t, whIGSID, h.SenderID)
		assert.Equal(t, whAccount, h.RecipientID)
		got = append(got, h)
	}
	pass, take, req := got[0], got[1], got[2]
	assert.Equal(t, webhook.HandoverPass, pass.Action)
	assert.Empty(t, pass.PreviousOwnerAppID, "null while the thread was idle")
	assert.Equal(t, "1917464345221003", pass.NewOwnerAppID)
	assert.Equal(t, "Handing the conversation to the shop bot", pass.Metadata)
	assert.Equal(t, ms(1746105999000), pass.Timestamp)
	assert.Equal(t, webhook.HandoverTake, take.Action)
	assert.Equal(t, "1917464345221003", take.PreviousOwnerAppID)
	assert.Equal(t, "1217981644879628", take.NewOwnerAppID, "an id sent as a number keeps its digits")
	assert.Equal(t, webhook.HandoverRequest, req.Action)
	assert.Equal(t, "263902037430900", req.RequestedOwnerAppID)
	assert.Equal(t, "Customer asked for a person", req.Metadata)
	keys := map[string]bool{}
	for _, e := range got {
		keys[e.DedupKey()] = true
	}
	assert.Len(t, keys, 3)
}

// A handover item sent as a change value (the App Dashboard's test
// button) decodes the same way.
func TestDecodeHandoverSentAsChange(t *testing.T) {
	body := `{"object":"instagram","entry":[{"id":"` + whAccount + `","time":1746106000,"changes":[{"field":"messaging_handover","value":` +
		`{"sender":{"id":"` + whIGSID + `"},"recipient":{"id":"` + whAccount + `"},"timestamp":1746105999000,` +
		`"request_thread_control":{"requested_owner_app_id":"263902037430900"}}}]}]}`
	events, err := webhook.Decode([]byte(body))
	require.NoError(t, err)
	require.Len(t, events, 1)
	h, ok := events[0].(*webhook.HandoverEvent)
	require.Truef(t, ok, "event is %T", events[0])
	assert.Equal(t, webhook.HandoverRequest, h.Action)
	assert.Equal(t, "messaging_handover", h.Field)
}
