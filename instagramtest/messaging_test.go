package instagramtest

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postJSON calls POST with a JSON body and the token in the header.
func postJSON(t *testing.T, s *Server, token, path, body string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewBufferString(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, http.DefaultClient, req)
}

func TestSendWire(t *testing.T) {
	s := newTestServer(t)
	p := s.ContactID("ana.makes")
	path := "/v25.0/" + s.UserID + "/messages"

	a := postJSON(t, s, s.AccessToken, path, `{"recipient":{"id":"`+p+`"},"message":{"text":"hi"}}`)
	code, sub := a.code(t)
	assert.Equal(t, 100, code)
	assert.Equal(t, 2534014, sub, "no conversation with the person yet")

	in := s.SimulateIncomingMessage(p, "hello")
	a = postJSON(t, s, s.AccessToken, path, `{"recipient":{"id":"`+p+`"},"message":{"text":"hi"}}`)
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, p, a.JSON["recipient_id"])
	mid := a.JSON["message_id"].(string)
	assert.NotContains(t, mid, "/")

	// Meta also takes the objects as JSON text in a form.
	a = postForm(t, s, s.AccessToken, "/v25.0/me/messages", url.Values{
		"recipient": {`{"id":"` + p + `"}`}, "message": {`{"text":"from a form"}`},
	})
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))

	for body, want := range map[string]int{
		`{"recipient":{"id":"` + p + `"}}`: 100,
		`{"message":{"text":"x"}}`:         100,
		`{"recipient":{"id":"` + p + `"},"message":{"text":"` + string(bytes.Repeat([]byte("a"), 1001)) + `"}}`:                         100,
		`{"recipient":{"id":"` + p + `"},"message":{"text":"x"},"sender_action":"typing_on"}`:                                           100,
		`{"recipient":{"id":"` + p + `"},"message":{"attachment":{"type":"sticker"}}}`:                                                  100,
		`{"recipient":{"id":"` + p + `"},"message":{"attachment":{"type":"image","payload":{}}}}`:                                       100,
		`{"recipient":{"id":"` + p + `"},"message":{"text":"x"},"tag":"HUMAN_AGENT"}`:                                                   100,
		`{"recipient":{"id":"` + p + `"},"messaging_type":"MESSAGE_TAG","tag":"POST_PURCHASE_UPDATE","message":{"text":"x"}}`:           100,
		`{"recipient":{"id":"` + p + `"},"message":{"text":"x"},"reply_to":{"mid":"nope"}}`:                                             100,
		`{"recipient":{"id":"` + p + `"},"sender_action":"react","payload":{"message_id":"` + in + `"}}`:                                100,
		`{"recipient":{"id":"` + p + `"},"message":{"attachment":{"type":"MEDIA_SHARE","payload":{"id":"` + s.Stories()[0].ID + `"}}}}`: 100,
	} {
		code, _ := postJSON(t, s, s.AccessToken, path, body).code(t)
		assert.Equal(t, want, code, body)
	}

	a = postJSON(t, s, s.AccessToken, path, `{"recipient":{"id":"`+p+`"},"sender_action":"mark_seen"}`)
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, map[string]any{"recipient_id": p}, a.JSON)
}

func TestMessagingPermissions(t *testing.T) {
	s := newTestServer(t)
	p := s.ContactID("ana.makes")
	s.SimulateIncomingMessage(p, "hello")
	body := `{"recipient":{"id":"` + p + `"},"message":{"text":"hi"}}`

	code, _ := postJSON(t, s, s.FacebookAccessToken, "/v25.0/"+s.PageID+"/messages", body).code(t)
	assert.Equal(t, 210, code, "a Page token is needed")
	code, _ = postJSON(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/messages", body).code(t)
	assert.Equal(t, 210, code, "on the account's id too")
	code, _ = postJSON(t, s, s.AppAccessToken(), "/v25.0/"+s.UserID+"/messages", body).code(t)
	assert.Equal(t, 210, code)
	code, _ = postJSON(t, s, s.IssueToken(time.Hour, "instagram_business_basic"), "/v25.0/"+s.UserID+"/messages", body).code(t)
	assert.Equal(t, 200, code, "the messaging permission is needed")

	a := postJSON(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/messages", body)
	assert.Equal(t, http.StatusOK, a.Status, string(a.Raw))
}

func TestConversationsWire(t *testing.T) {
	s := newTestServer(t, WithMessagingLimits(MessagingLimits{Conversations: RateLimit{Calls: -1}}))
	ana, ben := s.ContactID("ana.makes"), s.ContactID("ben.eats")
	s.SimulateIncomingMessage(ana, "first")
	mid := s.SimulateIncomingMessage(ben, "second")

	list := data(t, get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/conversations?platform=instagram"))
	require.Len(t, list, 2)
	assert.ElementsMatch(t, []string{"id", "updated_time"}, keys(list[0]))
	benConv := list[0]["id"].(string)

	one := data(t, get(t, s, s.AccessToken, "/v25.0/me/conversations?user_id="+ana))
	require.Len(t, one, 1)
	assert.NotEqual(t, benConv, one[0]["id"])

	// With Facebook Login, conversations without platform=instagram are the
	// Page's Messenger ones: none here.
	assert.Empty(t, data(t, get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/conversations")))
	assert.Len(t, data(t, get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/conversations?platform=instagram")), 2)

	a := get(t, s, s.AccessToken, "/v25.0/"+benConv+"?fields=participants,messages.limit(1){message,from},unread_count,can_reply")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	msgs := a.JSON["messages"].(map[string]any)["data"].([]any)
	require.Len(t, msgs, 1)
	assert.Equal(t, "second", msgs[0].(map[string]any)["message"])
	assert.Equal(t, map[string]any{"username": "ben.eats", "id": ben}, msgs[0].(map[string]any)["from"])
	assert.Equal(t, float64(1), a.JSON["unread_count"])
	assert.Equal(t, true, a.JSON["can_reply"])

	m := get(t, s, s.AccessToken, "/v25.0/"+mid+"?fields=id,created_time,from,to,message")
	require.Equal(t, http.StatusOK, m.Status)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$`, m.JSON["created_time"])
	assert.Equal(t, []any{map[string]any{"username": s.Account().Username, "id": s.UserID}}, m.JSON["to"].(map[string]any)["data"])

	code, sub := get(t, s, s.AppAccessToken(), "/v25.0/"+mid).code(t)
	assert.Equal(t, 100, code)
	assert.Equal(t, 33, sub, "only the account reads its messages")
}

func TestMessagingRateLimitsWire(t *testing.T) {
	s := newTestServer(t, WithMessagingLimits(MessagingLimits{
		Send:          RateLimit{Calls: 2, Per: time.Hour},
		Conversations: RateLimit{Calls: 1, Per: time.Hour},
	}))
	p := s.ContactID("ana.makes")
	s.SimulateIncomingMessage(p, "hello")
	body := `{"recipient":{"id":"` + p + `"},"message":{"text":"hi"}}`
	for range 2 {
		require.Equal(t, http.StatusOK, postJSON(t, s, s.AccessToken, "/v25.0/me/messages", body).Status)
	}
	a := postJSON(t, s, s.AccessToken, "/v25.0/me/messages", body)
	code, sub := a.code(t)
	assert.Equal(t, 613, code)
	assert.Equal(t, 2534040, sub)
	assert.Equal(t, "3600", a.Header.Get("Retry-After"))
	// Audio and video have their own limit.
	a = postJSON(t, s, s.AccessToken, "/v25.0/me/messages", `{"recipient":{"id":"`+p+`"},"message":{"attachment":{"type":"audio","payload":{"url":"https://x.test/a.mp3"}}}}`)
	assert.Equal(t, http.StatusOK, a.Status, string(a.Raw))

	require.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me/conversations").Status)
	code, _ = get(t, s, s.AccessToken, "/v25.0/me/conversations").code(t)
	assert.Equal(t, 613, code)
	assert.Equal(t, 2, s.ThrottledMessagingCalls())
}

func TestMessengerProfileWire(t *testing.T) {
	s := newTestServer(t)
	path := "/v25.0/" + s.UserID + "/messenger_profile"
	code, _ := get(t, s, s.AccessToken, path).code(t)
	assert.Equal(t, 100, code, "fields is required")
	assert.Empty(t, data(t, get(t, s, s.AccessToken, path+"?fields=ice_breakers")))

	for _, bad := range []string{
		`{"platform":"instagram"}`,
		`{"ice_breakers":[]}`,
		`{"ice_breakers":[{"locale":"en_US","call_to_actions":[{"question":"q","payload":"p"}]}]}`,
		`{"ice_breakers":[{"locale":"default","call_to_actions":[{},{},{},{},{}]}]}`,
		`{"persistent_menu":[{"call_to_actions":[{"type":"postback","title":"t","payload":"p"}]}]}`,
	} {
		code, _ := postJSON(t, s, s.AccessToken, path, bad).code(t)
		assert.Equal(t, 100, code, bad)
	}
	a := postJSON(t, s, s.AccessToken, path, `{"platform":"instagram","ice_breakers":[{"question":"Old format?","payload":"OLD"}]}`)
	assert.Equal(t, `{"result":"success"}`, string(a.Raw))
	got := data(t, get(t, s, s.AccessToken, path+"?fields=ice_breakers,persistent_menu"))
	require.Len(t, got, 1)
	assert.Equal(t, []any{map[string]any{"question": "Old format?", "payload": "OLD"}}, got[0]["ice_breakers"])
	assert.NotContains(t, got[0], "persistent_menu")

	req, err := http.NewRequest(http.MethodDelete, s.URL+path, bytes.NewBufferString(`{"fields":["ice_breakers"]}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	assert.Equal(t, `{"result":"success"}`, string(send(t, http.DefaultClient, req).Raw))
	assert.Empty(t, s.MessengerProfile())
}

func TestSimulatedMessagesAreDeterministic(t *testing.T) {
	a, b := newTestServer(t), newTestServer(t)
	for _, s := range []*Server{a, b} {
		s.SimulateIncomingMessage(s.ContactID("x"), "1")
	}
	ma, _ := a.Conversation(a.ContactID("x"))
	mb, _ := b.Conversation(b.ContactID("x"))
	assert.Equal(t, ma[0].ID, mb[0].ID)
	_, ok := a.Conversation("nobody")
	assert.False(t, ok)
}
