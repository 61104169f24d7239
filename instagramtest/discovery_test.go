package instagramtest

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNetworkIsDeterministic(t *testing.T) {
	clk := newFakeClock()
	a := newTestServer(t, WithSeed(7), WithClock(clk.Now)).Network()
	b := newTestServer(t, WithSeed(7), WithClock(clk.Now)).Network()
	for i := range a.Accounts { // addresses differ by port
		a.Accounts[i].ProfilePictureURL, b.Accounts[i].ProfilePictureURL = "", ""
	}
	assert.Equal(t, a, b)
	c := newTestServer(t, WithSeed(8), WithClock(clk.Now)).Network()
	assert.NotEqual(t, a.Accounts[0].ID, c.Accounts[0].ID)
	require.Len(t, a.Accounts, 3)
	assert.NotEmpty(t, a.MentionedMedia)
	assert.NotEmpty(t, a.MentionedComments)
	assert.NotEmpty(t, a.TaggedMedia)
	assert.Len(t, a.PendingInvites, 1)
	assert.Len(t, a.CollabMedia, 2)
}

func TestBusinessDiscoveryWire(t *testing.T) {
	s := newTestServer(t)
	other := s.Network().Accounts[1]
	path := "/v25.0/" + s.UserID + "?fields=" + url.QueryEscape("business_discovery.username("+other.Username+"){username,followers_count,media.limit(2){id,like_count}}")

	a := get(t, s, s.FacebookAccessToken, path)
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	bd := a.JSON["business_discovery"].(map[string]any)
	assert.Equal(t, other.Username, bd["username"])
	assert.EqualValues(t, other.FollowersCount, bd["followers_count"])
	assert.Equal(t, other.ID, bd["id"], "id comes back last when not asked")
	media := bd["media"].(map[string]any)
	assert.Len(t, media["data"], 2)
	assert.NotEmpty(t, media["paging"].(map[string]any)["next"])
	assert.Equal(t, s.UserID, a.JSON["id"])

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"?fields=business_discovery.username(nobody_here){id}")
	code, sub := a.code(t)
	assert.Equal(t, []int{110, 2207013}, []int{code, sub})
	assert.Equal(t, "Cannot find User", a.graphErr(t)["error_user_title"])

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"?fields=business_discovery{id}")
	code, _ = a.code(t)
	assert.Equal(t, 100, code, "a username is required")

	a = get(t, s, s.AccessToken, path)
	code, _ = a.code(t)
	assert.Equal(t, 100, code, "not a field on graph.instagram.com")
}

func TestMentionsWire(t *testing.T) {
	s := newTestServer(t)
	n := s.Network()
	a := get(t, s, s.PageAccessToken, "/v25.0/"+s.UserID+"?fields=mentioned_media.media_id("+n.MentionedMedia[0]+"){caption}")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	mm := a.JSON["mentioned_media"].(map[string]any)
	assert.Contains(t, mm["caption"], "@"+s.Account().Username)
	assert.Equal(t, n.MentionedMedia[0], mm["id"])

	// Replying under the caption adds a comment to the media.
	before := len(mustMedia(t, s, n.MentionedMedia[0]).Comments)
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.UserID+"/mentions", url.Values{"media_id": {n.MentionedMedia[0]}, "message": {"thanks"}})
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Regexp(t, `^1[78][0-9]+$`, a.JSON["id"])
	assert.Len(t, mustMedia(t, s, n.MentionedMedia[0]).Comments, before+1)

	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.UserID+"/mentions", url.Values{"media_id": {n.MentionedMedia[0]}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code, "message is required")
	other := n.Accounts[0].ID
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+other+"/mentions", url.Values{"media_id": {n.MentionedMedia[0]}, "message": {"x"}})
	code, sub := a.code(t)
	assert.Equal(t, []int{100, 33}, []int{code, sub}, "only for the caller's account")
}

func mustMedia(t *testing.T, s *Server, id string) Media {
	t.Helper()
	m, ok := s.MediaByID(id)
	require.True(t, ok, id)
	return m
}

func TestStoriesExpireAfterADay(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/stories?fields=id,media_product_type")
	assert.Len(t, data(t, a), 2)
	clk.Advance(20 * time.Hour)
	assert.Len(t, data(t, get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/stories")), 1, "the older story expired")
	clk.Advance(10 * time.Hour)
	assert.Empty(t, data(t, get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/stories")))
}

func TestContentPublishingLimitWire(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, `{"data":[{"quota_usage":0}]}`, string(a.Raw), "quota_usage only without fields")

	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit?fields=quota_usage,config")
	assert.Equal(t, `{"data":[{"quota_usage":0,"config":{"quota_total":100,"quota_duration":86400}}]}`, string(a.Raw))

	since := strconv.FormatInt(clk.Now().Add(-25*time.Hour).Unix(), 10)
	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit?since="+since)
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit?fields=quota")
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
}

func TestPublishingLimitCountsNewMediaWithoutPublisher(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), withSetup(func(s *Server) {
		ext[publishingQuota](s).Usage = nil // count media created after start
	}))
	clk.Advance(time.Hour)
	s.mu.Lock()
	for i := range 3 {
		m := &media{ID: s.newID(), OwnerID: s.UserID, MediaType: "IMAGE", ProductType: "FEED", Timestamp: clk.Now().Add(time.Duration(i) * time.Minute)}
		s.addObject(kindMedia, m.ID, m)
		s.acct.Media = append([]string{m.ID}, s.acct.Media...)
	}
	s.mu.Unlock()
	a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit")
	assert.Equal(t, `{"data":[{"quota_usage":3}]}`, string(a.Raw))
	since := strconv.FormatInt(clk.Now().Add(90*time.Second).Unix(), 10)
	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit?since="+since)
	assert.Equal(t, `{"data":[{"quota_usage":1}]}`, string(a.Raw), "since narrows the count")
}

func TestCollaborationInvitesWire(t *testing.T) {
	s := newTestServer(t)
	n := s.Network()
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/collaboration_invites?fields=media_id,media_owner_username")
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]any{"media_id": n.PendingInvites[0], "media_owner_username": n.Accounts[0].Username}, rows[0])

	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/collaboration_invites", url.Values{"media_id": {n.PendingInvites[0]}, "accept": {"maybe"}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/collaboration_invites", url.Values{"media_id": {n.PendingInvites[0]}, "accept": {"false"}})
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	assert.Empty(t, data(t, get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/collaboration_invites")))
	s.mu.Lock()
	status := world(s).collabs[n.PendingInvites[0]][0].Status
	s.mu.Unlock()
	assert.Equal(t, "Declined", status)

	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/collaboration_invites")
	code, _ = a.code(t)
	assert.Equal(t, 2500, code, "Facebook Login only")
}

func TestLiveMediaWire(t *testing.T) {
	s := newTestServer(t)
	id := s.StartLive(7)
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/live_media?fields=id,media_type,media_product_type,current_live_viewer_count")
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]any{"id": id, "media_type": "BROADCAST", "media_product_type": "LIVE", "current_live_viewer_count": 7.0}, rows[0])
	assert.Equal(t, []string{id}, s.Network().Live)
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.Media()[0].ID+"?fields=current_live_viewer_count")
	assert.NotContains(t, a.JSON, "current_live_viewer_count", "only broadcasts have viewers")
	s.EndLive(id)
	assert.Empty(t, data(t, get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/live_media")))
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id)
	_, sub := a.code(t)
	assert.Equal(t, 33, sub, "an ended broadcast cannot be read")
}
