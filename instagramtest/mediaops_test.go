package instagramtest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sendDelete(t *testing.T, s *Server, token, path string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, s.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, http.DefaultClient, req)
}

func TestCommentEnabledWire(t *testing.T) {
	s := newTestServer(t)
	m := s.Media()[0]
	a := postForm(t, s, s.AccessToken, "/v25.0/"+m.ID, url.Values{"comment_enabled": {"false"}})
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	assert.False(t, mustMedia(t, s, m.ID).IsCommentEnabled)
	// Meta also accepts the method override on GET.
	a = get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?method=post&comment_enabled=true")
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	assert.True(t, mustMedia(t, s, m.ID).IsCommentEnabled)
	a = postForm(t, s, s.AccessToken, "/v25.0/"+m.ID, url.Values{"comment_enabled": {"perhaps"}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
}

func TestDeleteMediaWire(t *testing.T) {
	s := newTestServer(t)
	n := s.Network()
	collab := n.CollabMedia[0]
	a := sendDelete(t, s, s.AccessToken, "/v25.0/"+collab)
	_, sub := a.code(t)
	assert.Equal(t, 33, sub, "Instagram Login cannot delete")

	a = sendDelete(t, s, s.FacebookAccessToken, "/v25.0/"+collab)
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	_, ok := s.MediaByID(collab)
	assert.False(t, ok)
	for _, m := range s.Media() {
		assert.NotEqual(t, collab, m.ID)
	}
	assert.NotContains(t, s.Network().CollabMedia, collab)

	a = sendDelete(t, s, s.FacebookAccessToken, "/v25.0/"+n.TaggedMedia[0])
	_, sub = a.code(t)
	assert.Equal(t, 33, sub, "another account's media")
}

func TestOEmbedWire(t *testing.T) {
	s := newTestServer(t)
	m := s.Media()[0]
	a := get(t, s, s.AppAccessToken(), "/v25.0/instagram_oembed?url="+url.QueryEscape(m.Permalink)+"&maxwidth=400&fields=width,html,provider_name,author_name,thumbnail_url")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.EqualValues(t, 400, a.JSON["width"])
	assert.Equal(t, "Instagram", a.JSON["provider_name"])
	assert.Len(t, a.JSON, 3)

	assert.NotContains(t, a.JSON, "author_name", "removed 2025-11-03")
	a = get(t, s, s.AppAccessToken(), "/v25.0/instagram_oembed?url="+url.QueryEscape(m.Permalink)+"&maxwidth=100")
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = get(t, s, s.AppAccessToken(), "/v25.0/instagram_oembed?url="+url.QueryEscape(s.Stories()[0].ID))
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	a = get(t, s, "", "/v25.0/instagram_oembed?url="+url.QueryEscape(m.Permalink))
	code, _ = a.code(t)
	assert.Equal(t, 104, code)
	a = get(t, s, s.AppAccessToken(), "/v25.0/instagram_oembed?url="+url.QueryEscape(m.Permalink))
	assert.Equal(t, http.StatusOK, a.Status, "an app token works")
	a = get(t, s, s.FacebookAccessToken, "/v25.0/instagram_oembed?url="+url.QueryEscape(m.Permalink))
	code, _ = a.code(t)
	assert.Equal(t, 200, code, "a user token is refused")
}
