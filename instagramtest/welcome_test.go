package instagramtest

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Welcome message flows: the account takes instagram only with Instagram
// Login; the Page also takes messenger.
func TestWelcomeFlowPlatformsPerLogin(t *testing.T) {
	s := newTestServer(t)
	form := url.Values{
		"name":                 {`"Driver sign up"`},
		"eligible_platforms":   {`["instagram","messenger"]`},
		"welcome_message_flow": {`[{"message":{"text":"Welcome"}}]`},
	}
	a := postForm(t, s, s.AccessToken, "/v25.0/me/welcome_message_flows", form)
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/welcome_message_flows", form)
	require.Equal(t, 200, a.Status, "%s", a.Raw)
	id, _ := a.JSON["flow_id"].(string)
	require.NotEmpty(t, id)
	a = get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/welcome_message_flows?flow_id="+id)
	items := data(t, a)
	require.Len(t, items, 1)
	assert.Equal(t, "Driver sign up", items[0]["name"], "the quotes of Meta's curl sample are dropped")
	assert.Equal(t, []any{"INSTAGRAM", "MESSENGER"}, items[0]["eligible_platforms"])
	assert.Equal(t, `[{"message":{"text":"Welcome"}}]`, items[0]["welcome_message_flow"])
	a = get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/welcome_message_flows?fields=name,nope")
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
}
