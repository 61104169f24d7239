package instagram_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestMediaGetChosenFields(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", recordTo(&got, 200,
		`{"id":"1790","media_type":"VIDEO","media_product_type":"REELS","is_shared_to_feed":false,"timestamp":"2024-05-01T12:00:00+0000"}`))
	m, err := c.Media.Get(rctx, "1790", &instagram.GetOptions{Fields: []string{"media_type", "media_product_type", "is_shared_to_feed"}})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaTypeVideo, m.MediaType)
	assert.Equal(t, instagram.MediaProductTypeReels, m.MediaProductType)
	require.NotNil(t, m.IsSharedToFeed)
	assert.False(t, *m.IsSharedToFeed)
	assert.Equal(t, "media_type,media_product_type,is_shared_to_feed", got[0].Query.Get("fields"))
}

func TestMediaListRangeSendsSinceUntilAndFollowsTimePaging(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/media", func(r *http.Request) (*http.Response, error) {
		if len(got) == 0 {
			return recordTo(&got, 200, `{"data":[{"id":"a"}],"paging":{"previous":"https://graph.test/v25.0/1784/media?since=1714600000&access_token=T","next":"https://graph.test/v25.0/1784/media?until=1714500000&since=1714000000&access_token=T"}}`)(r)
		}
		return recordTo(&got, 200, `{"data":[{"id":"b"}]}`)(r)
	})
	since := time.Unix(1714000000, 0)
	until := time.Unix(1714700000, 0)
	opts := &instagram.TimeRangeOptions{Since: instagram.Time{Time: since}, Until: instagram.Time{Time: until}}
	page, err := c.Media.ListRange(rctx, "1784", opts)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "1714000000", got[0].Query.Get("since"))
	assert.Equal(t, "1714700000", got[0].Query.Get("until"))

	got = nil
	var ids []string
	for m, err := range c.Media.AllRange(rctx, "1784", opts) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b"}, ids)
	require.Len(t, got, 2)
	assert.Equal(t, "1714500000", got[1].Query.Get("until"))
	assert.Empty(t, got[1].Query.Get("access_token"), "the token of a next link is never replayed")
}

func TestMediaChildren(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1790/children", recordTo(&got, 200,
		`{"data":[{"id":"c1","media_type":"IMAGE"},{"id":"c2","media_type":"VIDEO"}]}`))
	page, err := c.Media.Children(rctx, "1790", nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, instagram.MediaTypeVideo, page.Data[1].MediaType)
	assert.Contains(t, got[0].Query.Get("fields"), "media_url")
}

func TestMediaCommentsToggleAndDelete(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("POST", testBase+"/v25.0/1790", recordTo(&got, 200, `{"success":true}`))
	mt.RegisterResponder("DELETE", testBase+"/v25.0/1790", recordTo(&got, 200, `{"success":"true"}`))
	require.NoError(t, c.Media.SetCommentsEnabled(rctx, "1790", false))
	require.NoError(t, c.Media.SetCommentsEnabled(rctx, "1790", true))
	require.NoError(t, c.Media.Delete(rctx, "1790"))
	require.Len(t, got, 3)
	assert.Equal(t, url.Values{"comment_enabled": {"false"}}, got[0].Form)
	assert.Equal(t, "true", got[1].Form.Get("comment_enabled"))
	assert.Equal(t, "DELETE", got[2].Method)

	mt.RegisterResponder("DELETE", testBase+"/v25.0/1791", jsonResponder(400,
		`{"error":{"message":"Unsupported delete request. Object with ID '1791' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}`))
	assert.ErrorIs(t, c.Media.Delete(rctx, "1791"), instagram.ErrNotFound)
	assert.ErrorIs(t, c.Media.Delete(rctx, ""), instagram.ErrValidation)
}

func TestMediaCollaborators(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1790/collaborators", recordTo(&got, 200,
		`{"data":[{"id":"90010177253934","username":"user1","invite_status":"Accepted"},{"id":"90010177253935","username":"user2","invite_status":"Pending"}]}`))
	cs, err := c.Media.Collaborators(rctx, "1790")
	require.NoError(t, err)
	require.Len(t, cs, 2)
	assert.Equal(t, instagram.InviteAccepted, cs[0].InviteStatus)
	assert.Equal(t, instagram.InvitePending, cs[1].InviteStatus)
	assert.Equal(t, "id,username,invite_status", got[0].Query.Get("fields"))
}

func TestMediaOEmbed(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/instagram_oembed", recordTo(&got, 200,
		`{"version":"1.0","provider_name":"Instagram","provider_url":"https:\/\/www.instagram.com\/","type":"rich","width":400,"html":"<blockquote class=\"instagram-media\"><\/blockquote>"}`))
	e, err := c.Media.OEmbed(rctx, "https://www.instagram.com/p/fA9uwTtkSN/", &instagram.OEmbedOptions{Token: "123|abc", MaxWidth: 400, HideCaption: true, OmitScript: true})
	require.NoError(t, err)
	assert.Equal(t, "rich", e.Type)
	assert.Equal(t, 400, e.Width)
	assert.Contains(t, e.HTML, "instagram-media")
	q := got[0].Query
	assert.Equal(t, "https://www.instagram.com/p/fA9uwTtkSN/", q.Get("url"))
	assert.Equal(t, "400", q.Get("maxwidth"))
	assert.Equal(t, "true", q.Get("hidecaption"))
	assert.Equal(t, "true", q.Get("omitscript"))
	assert.Equal(t, "123|abc", q.Get("access_token"), "the app or client token, not the client's")

	_, err = c.Media.OEmbed(rctx, "not a url", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Media.OEmbed(rctx, "https://www.instagram.com/p/x/", &instagram.OEmbedOptions{Token: "123|abc", MaxWidth: 1000})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Len(t, got, 1)
}

func TestMediaOEmbedFromInstagramLoginGoesToFacebookHost(t *testing.T) {
	var seen *http.Request
	c, err := instagram.NewClient(instagram.WithAccessToken("IGQVuser"), instagram.WithHTTPClient(&http.Client{
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			seen = r
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"type":"rich","html":"<blockquote></blockquote>"}`)), Request: r}, nil
		}),
	}))
	require.NoError(t, err)
	_, err = c.Media.OEmbed(rctx, "https://www.instagram.com/p/x/", &instagram.OEmbedOptions{Token: "123|client"})
	require.NoError(t, err)
	require.NotNil(t, seen)
	assert.Equal(t, "graph.facebook.com", seen.URL.Host)
	assert.Equal(t, "/"+instagram.DefaultAPIVersion+"/instagram_oembed", seen.URL.Path)
	assert.Equal(t, "123|client", seen.URL.Query().Get("access_token"))
	assert.NotContains(t, seen.Header.Get("Authorization"), "IGQVuser", "the user token is not sent")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
