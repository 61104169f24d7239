package instagram_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// wireCall is a request as an httpmock responder saw it.
type wireCall struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values
}

// recordTo answers with body and appends each request to *into.
func recordTo(into *[]wireCall, status int, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		wc := wireCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			wc.Form, _ = url.ParseQuery(string(b))
		}
		*into = append(*into, wc)
		return jsonResponder(status, body)(r)
	}
}

var rctx = context.Background()

func TestUsersMeAndGetBothHosts(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/me", recordTo(&got, 200,
		`{"id":"9001","user_id":17841400000000001,"username":"cafe","account_type":"BUSINESS","followers_count":12}`))
	u, err := c.Users.Me(rctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "9001", u.ID)
	assert.Equal(t, instagram.ID("17841400000000001"), u.UserID)
	assert.Equal(t, "BUSINESS", u.AccountType)
	assert.Contains(t, got[0].Query.Get("fields"), "user_id")

	fb, mt2 := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	mt2.RegisterResponder("GET", testBase+"/v25.0/17841400000000001", recordTo(&got, 200,
		`{"id":"17841400000000001","ig_id":1234567890,"username":"cafe"}`))
	u, err = fb.Users.Get(rctx, "17841400000000001", nil)
	require.NoError(t, err)
	assert.Equal(t, instagram.ID("1234567890"), u.IGID)
	assert.Contains(t, got[1].Query.Get("fields"), "ig_id")
	assert.NotContains(t, got[1].Query.Get("fields"), "account_type")
}

func TestBusinessDiscoveryBuildsFieldExpansion(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000001", recordTo(&got, 200, `{
		"business_discovery":{"id":"17841400000000099","username":"bluebottle","followers_count":351,"media_count":1000,
		"media":{"data":[{"id":"1790","caption":"hello","like_count":7,"timestamp":"2024-05-01T12:00:00+0000"}],
		"paging":{"cursors":{"after":"QVFIUk"},"next":"x"}}},"id":"17841400000000001"}`))

	u, err := c.Users.BusinessDiscovery(rctx, "17841400000000001", "@bluebottle", &instagram.BusinessDiscoveryOptions{
		Fields: []string{"username", "followers_count", "media_count"}, MediaFields: []string{"id", "caption", "like_count", "timestamp"},
		MediaLimit: 1, MediaAfter: "QVFIa",
	})
	require.NoError(t, err)
	assert.Equal(t, "bluebottle", u.Username)
	assert.Equal(t, 351, u.FollowersCount)
	require.NotNil(t, u.Media)
	require.Len(t, u.Media.Data, 1)
	assert.Equal(t, 7, u.Media.Data[0].LikeCount)
	assert.Equal(t, "QVFIUk", u.Media.Paging.Cursors.After)
	assert.Equal(t,
		"business_discovery.username(bluebottle){username,followers_count,media_count,media.limit(1).after(QVFIa){id,caption,like_count,timestamp}}",
		got[0].Query.Get("fields"))

	_, err = c.Users.BusinessDiscovery(rctx, "1784", "blue bottle){id}", nil)
	var ve *instagram.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "username", ve.Field)
	_, err = c.Users.BusinessDiscovery(rctx, "1784", "ok", &instagram.BusinessDiscoveryOptions{Fields: []string{"id}"}})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Len(t, got, 1, "invalid input is refused before any call")
}

func TestBusinessDiscoveryUnknownUserMatchesNotFound(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	mt.RegisterResponder("GET", testBase+"/v25.0/1784", jsonResponder(400,
		`{"error":{"message":"Invalid user id","type":"OAuthException","code":110,"error_subcode":2207013,"error_user_title":"Cannot find User","error_user_msg":"The user with username: nobody cannot be found.","fbtrace_id":"A1"}}`))
	_, err := c.Users.BusinessDiscovery(rctx, "1784", "nobody", nil)
	require.ErrorIs(t, err, instagram.ErrNotFound)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2207013, apiErr.Subcode)
}

func TestBusinessDiscoveryMediaFollowsCursor(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784", func(r *http.Request) (*http.Response, error) {
		body := `{"id":"1784","business_discovery":{"id":"99","media":{"data":[{"id":"m1"},{"id":"m2"}],"paging":{"cursors":{"after":"C1"},"next":"n"}}}}`
		if len(got) == 1 {
			body = `{"id":"1784","business_discovery":{"id":"99","media":{"data":[{"id":"m3"}],"paging":{"cursors":{"after":"C2"}}}}}`
		}
		return recordTo(&got, 200, body)(r)
	})
	var ids []string
	for m, err := range c.Users.BusinessDiscoveryMedia(rctx, "1784", "bluebottle", &instagram.BusinessDiscoveryOptions{MediaLimit: 2}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"m1", "m2", "m3"}, ids)
	require.Len(t, got, 2)
	assert.Contains(t, got[1].Query.Get("fields"), "media.limit(2).after(C1){")
}

func TestUserEdges(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	for _, edge := range []string{"stories", "tags", "live_media", "collaboration_invites"} {
		mt.RegisterResponder("GET", testBase+"/v25.0/1784/"+edge, recordTo(&got, 200,
			`{"data":[{"id":"m1","media_id":"m1","media_owner_username":"other","current_live_viewer_count":12}]}`))
	}
	stories, err := c.Users.Stories(rctx, "1784", nil)
	require.NoError(t, err)
	require.Len(t, stories.Data, 1)
	tagged, err := c.Users.Tagged(rctx, "1784", &instagram.ListOptions{Limit: 3})
	require.NoError(t, err)
	require.Len(t, tagged.Data, 1)
	since := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	live, err := c.Users.LiveMedia(rctx, "1784", &instagram.TimeRangeOptions{Since: instagram.Time{Time: since}})
	require.NoError(t, err)
	assert.Equal(t, 12, live.Data[0].CurrentLiveViewerCount)
	inv, err := c.Users.CollaborationInvites(rctx, "1784", nil)
	require.NoError(t, err)
	assert.Equal(t, "other", inv.Data[0].MediaOwnerUsername)

	require.Len(t, got, 4)
	assert.Equal(t, "/v25.0/1784/stories", got[0].Path)
	assert.Contains(t, got[0].Query.Get("fields"), "media_url")
	assert.Equal(t, "3", got[1].Query.Get("limit"))
	assert.NotContains(t, got[1].Query.Get("fields"), "is_comment_enabled")
	assert.Equal(t, "1714521600", got[2].Query.Get("since"))
	assert.Contains(t, got[2].Query.Get("fields"), "current_live_viewer_count")
	assert.Equal(t, "media_id,media_owner_username,caption,media_url", got[3].Query.Get("fields"))

	for _, seq := range []func(yield func(instagram.Media, error) bool){
		c.Users.AllStories(rctx, "", nil), c.Users.AllTagged(rctx, "", nil), c.Users.AllLiveMedia(rctx, " ", nil),
	} {
		for _, err := range seq {
			assert.ErrorIs(t, err, instagram.ErrValidation)
		}
	}
}

func TestUserEdgeIteratorsFollowPages(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/tags", func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("after") == "" {
			return recordTo(&got, 200, `{"data":[{"id":"a"},{"id":"b"}],"paging":{"cursors":{"after":"B"},"next":"https://graph.test/v25.0/1784/tags?after=B&access_token=SECRET"}}`)(r)
		}
		return recordTo(&got, 200, `{"data":[{"id":"c"}],"paging":{"cursors":{"after":"C"}}}`)(r)
	})
	var ids []string
	for m, err := range c.Users.AllTagged(rctx, "1784", nil) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	assert.Equal(t, "B", got[1].Query.Get("after"))
	assert.Empty(t, got[1].Query.Get("access_token"))
}

func TestMentionedMediaAndComment(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/17841406338772941", func(r *http.Request) (*http.Response, error) {
		if len(got) == 0 {
			return recordTo(&got, 200, `{"mentioned_media":{"id":"17873440459141021","caption":"hi @me","media_type":"IMAGE"},"id":"17841406338772941"}`)(r)
		}
		return recordTo(&got, 200, `{"mentioned_comment":{"id":"17967008497439572","like_count":0,"text":"@ikroskun good","timestamp":"2021-08-19T09:14:16+0000","username":"ikroskun"},"id":"17841406338772941"}`)(r)
	})
	m, err := c.Users.MentionedMedia(rctx, "17841406338772941", "17873440459141021", &instagram.GetOptions{Fields: []string{"caption", "media_type"}})
	require.NoError(t, err)
	assert.Equal(t, "hi @me", m.Caption)
	assert.Equal(t, "mentioned_media.media_id(17873440459141021){caption,media_type}", got[0].Query.Get("fields"))

	cm, err := c.Users.MentionedComment(rctx, "17841406338772941", "17967008497439572", nil)
	require.NoError(t, err)
	assert.Equal(t, "@ikroskun good", cm.Text)
	assert.Equal(t, "ikroskun", cm.Username)
	assert.Equal(t, 2021, cm.Timestamp.Year())
	assert.Equal(t, "mentioned_comment.comment_id(17967008497439572){id,text,timestamp,username,like_count}", got[1].Query.Get("fields"))

	_, err = c.Users.MentionedComment(rctx, "1784", "12){id", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Len(t, got, 2)
}

func TestReplyToMention(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("POST", testBase+"/v25.0/1784/mentions", recordTo(&got, 200, `{"id":"17873440459141029"}`))
	id, err := c.Users.ReplyToMention(rctx, "1784", instagram.MentionReply{MediaID: "1790", CommentID: "1791", Message: "Thanks!"})
	require.NoError(t, err)
	assert.Equal(t, "17873440459141029", id)
	assert.Equal(t, url.Values{"media_id": {"1790"}, "comment_id": {"1791"}, "message": {"Thanks!"}}, got[0].Form)

	_, err = c.Users.ReplyToMention(rctx, "1784", instagram.MentionReply{MediaID: "1790"})
	var ve *instagram.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "message", ve.Field)
	assert.Len(t, got, 1)
}

func TestContentPublishingLimit(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/content_publishing_limit", recordTo(&got, 200,
		`{"data":[{"quota_usage":2,"config":{"quota_total":50,"quota_duration":86400}}]}`))
	since := time.Now().Add(-time.Hour).Truncate(time.Second)
	l, err := c.Users.ContentPublishingLimit(rctx, "1784", &instagram.PublishingLimitOptions{Since: instagram.Time{Time: since}})
	require.NoError(t, err)
	assert.Equal(t, 2, l.QuotaUsage)
	assert.Equal(t, 48, l.Remaining())
	assert.Equal(t, 24*time.Hour, l.Window())
	assert.Equal(t, "quota_usage,config", got[0].Query.Get("fields"))
	assert.Equal(t, since.Unix(), unixOf(t, got[0].Query.Get("since")))

	var none *instagram.PublishingLimit
	assert.Equal(t, -1, none.Remaining())
}

func TestCollaborationInviteAnswer(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("POST", testBase+"/v25.0/1784/collaboration_invites", recordTo(&got, 200, `{"success":true}`))
	require.NoError(t, c.Users.RespondToCollaborationInvite(rctx, "1784", "1790", true))
	require.NoError(t, c.Users.RespondToCollaborationInvite(rctx, "1784", "1791", false))
	assert.Equal(t, url.Values{"media_id": {"1790"}, "accept": {"true"}}, got[0].Form)
	assert.Equal(t, "false", got[1].Form.Get("accept"))

	mt.RegisterResponder("POST", testBase+"/v25.0/1784/collaboration_invites", jsonResponder(200, `{"success":false}`))
	assert.Error(t, c.Users.RespondToCollaborationInvite(rctx, "1784", "1790", true))
}

func TestUserErrorsAreTyped(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/stories", jsonResponder(400,
		`{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}`))
	_, err := c.Users.Stories(rctx, "1784", nil)
	assert.True(t, errors.Is(err, instagram.ErrTokenExpired), "%v", err)
}

func unixOf(t *testing.T, s string) int64 {
	t.Helper()
	tm, err := instagram.ParseTime(s)
	require.NoError(t, err)
	return tm.Unix()
}
