package instagramtest

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Thread control lives on the Page: an Instagram Login token does not
// reach it, and Meta's sample form recipient={id:IGSID} is understood.
func TestThreadControlOnThePageOnly(t *testing.T) {
	s := newTestServer(t)
	ana := s.ContactID("ana.makes")
	s.SimulateIncomingMessage(ana, "Hi")

	a := postForm(t, s, s.AccessToken, "/v25.0/"+s.PageID+"/request_thread_control", url.Values{"recipient": {"{id:" + ana + "}"}})
	code, sub := a.code(t)
	assert.Equal(t, 100, code)
	assert.Equal(t, 33, sub, "no Page on graph.instagram.com")
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/request_thread_control", url.Values{"recipient": {"{id:" + ana + "}"}})
	code, _ = a.code(t)
	assert.Equal(t, 2500, code, "the account has no such edge")

	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/request_thread_control", url.Values{"recipient": {"{id:" + ana + "}"}})
	require.Equal(t, 200, a.Status, "%s", a.Raw)
	assert.Equal(t, true, a.JSON["success"])
	a = get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/thread_owner?recipient="+ana)
	require.Equal(t, 200, a.Status, "%s", a.Raw)
	items := data(t, a)
	require.Len(t, items, 1)
	owner := items[0]["thread_owner"].(map[string]any)
	assert.Contains(t, string(a.Raw), `"app_id":`+s.AppID, "app_id is a number, as in Meta's sample")
	assert.NotZero(t, owner["expiration"])
}
