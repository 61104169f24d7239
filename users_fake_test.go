package instagram_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// contentFake starts a fake API and returns it with an Instagram Login and
// a Facebook Login client.
func contentFake(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client, *instagram.Client) {
	t.Helper()
	srv := instagramtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	ig, err := srv.Client()
	require.NoError(t, err)
	fb, err := srv.FacebookClient()
	require.NoError(t, err)
	return srv, ig, fb
}

func TestFakeUsersProfileOnBothHosts(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()
	me, err := ig.Users.Me(rctx, nil)
	require.NoError(t, err)
	assert.Equal(t, acct.ID, me.ID)
	assert.Equal(t, acct.Username, me.Username)
	assert.Equal(t, "BUSINESS", me.AccountType)
	assert.Equal(t, acct.MediaCount, me.MediaCount)

	u, err := fb.Users.Get(rctx, acct.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, acct.Username, u.Username)
	assert.NotEmpty(t, u.IGID)
	assert.Equal(t, acct.FollowersCount, u.FollowersCount)
}

func TestFakeBusinessDiscovery(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct, net := srv.Account(), srv.Network()
	require.NotEmpty(t, net.Accounts)
	other := net.Accounts[0]

	u, err := fb.Users.BusinessDiscovery(rctx, acct.ID, "@"+strings.ToUpper(other.Username), &instagram.BusinessDiscoveryOptions{MediaLimit: 3})
	require.NoError(t, err)
	assert.Equal(t, other.ID, u.ID)
	assert.Equal(t, other.Username, u.Username)
	assert.Equal(t, other.FollowersCount, u.FollowersCount)
	assert.Equal(t, other.MediaCount, u.MediaCount)
	require.NotNil(t, u.Media)
	require.Len(t, u.Media.Data, 3)
	assert.NotEmpty(t, u.Media.Data[0].Permalink)
	assert.False(t, u.Media.Data[0].Timestamp.IsZero())
	assert.True(t, u.Media.HasNext())

	var ids []string
	for m, err := range fb.Users.BusinessDiscoveryMedia(rctx, acct.ID, other.Username, &instagram.BusinessDiscoveryOptions{MediaLimit: 4, MediaFields: []string{"id", "like_count"}}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Len(t, ids, other.MediaCount, "every media, across pages")
	assert.Equal(t, u.Media.Data[0].ID, ids[0])
	slices.Sort(ids)
	assert.Len(t, slices.Compact(ids), other.MediaCount, "no duplicates")

	_, err = fb.Users.BusinessDiscovery(rctx, acct.ID, "no.such.account", nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound)
	_, err = fb.Users.BusinessDiscovery(rctx, acct.ID, other.Username, &instagram.BusinessDiscoveryOptions{Fields: []string{"id", "account_type"}})
	assert.ErrorIs(t, err, instagram.ErrValidation, "non-public fields are refused")
	_, err = ig.Users.BusinessDiscovery(rctx, acct.ID, other.Username, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation, "Facebook Login only")
}

func TestFakeStoriesTaggedAndLive(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct, net := srv.Account(), srv.Network()

	stories, err := ig.Users.Stories(rctx, acct.ID, nil)
	require.NoError(t, err)
	want := srv.Stories()
	require.Len(t, stories.Data, len(want))
	assert.Equal(t, instagram.MediaProductTypeStory, stories.Data[0].MediaProductType)
	assert.Equal(t, want[0].ID, stories.Data[0].ID)

	var tagged []string
	for m, err := range fb.Users.AllTagged(rctx, acct.ID, &instagram.ListOptions{Limit: 1}) {
		require.NoError(t, err)
		assert.NotEqual(t, acct.Username, m.Username, "tagged media belong to others")
		tagged = append(tagged, m.ID)
	}
	assert.Equal(t, net.TaggedMedia, tagged)

	live, err := fb.Users.LiveMedia(rctx, acct.ID, nil)
	require.NoError(t, err)
	assert.Empty(t, live.Data)
	id := srv.StartLive(42)
	live, err = fb.Users.LiveMedia(rctx, acct.ID, nil)
	require.NoError(t, err)
	require.Len(t, live.Data, 1)
	assert.Equal(t, id, live.Data[0].ID)
	assert.Equal(t, 42, live.Data[0].CurrentLiveViewerCount)
	assert.Equal(t, instagram.MediaProductTypeLive, live.Data[0].MediaProductType)
	future := instagram.Time{Time: time.Now().Add(time.Hour)}
	live, err = fb.Users.LiveMedia(rctx, acct.ID, &instagram.TimeRangeOptions{Since: future})
	require.NoError(t, err)
	assert.Empty(t, live.Data, "since filters broadcasts")
	srv.EndLive(id)
	n := 0
	for _, err := range fb.Users.AllLiveMedia(rctx, acct.ID, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)

	_, err = ig.Users.Stories(rctx, net.Accounts[0].ID, nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound, "another account's stories are private")
}

func TestFakeMentions(t *testing.T) {
	srv, _, fb := contentFake(t)
	acct, net := srv.Account(), srv.Network()
	require.NotEmpty(t, net.MentionedMedia)
	require.NotEmpty(t, net.MentionedComments)

	m, err := fb.Users.MentionedMedia(rctx, acct.ID, net.MentionedMedia[0], nil)
	require.NoError(t, err)
	assert.Equal(t, net.MentionedMedia[0], m.ID)
	assert.Contains(t, m.Caption, "@"+acct.Username)
	assert.NotEqual(t, acct.Username, m.Username)

	cm, err := fb.Users.MentionedComment(rctx, acct.ID, net.MentionedComments[0], &instagram.GetOptions{Fields: []string{"id", "text", "media{id}"}})
	require.NoError(t, err)
	assert.Contains(t, cm.Text, "@"+acct.Username)
	require.NotNil(t, cm.Media)

	_, err = fb.Users.MentionedMedia(rctx, acct.ID, srv.Media()[0].ID, nil)
	assert.Error(t, err, "a media that does not mention the account")

	// Reply under the caption, then to the comment.
	id, err := fb.Users.ReplyToMention(rctx, acct.ID, instagram.MentionReply{MediaID: m.ID, Message: "Thanks for the shout-out!"})
	require.NoError(t, err)
	c, err := fb.Comments.Get(rctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, "Thanks for the shout-out!", c.Text)
	assert.Equal(t, acct.Username, c.Username)

	id, err = fb.Users.ReplyToMention(rctx, acct.ID, instagram.MentionReply{MediaID: cm.Media.ID, CommentID: cm.ID, Message: "See you there"})
	require.NoError(t, err)
	reply, err := fb.Comments.Get(rctx, id, &instagram.GetOptions{Fields: []string{"id", "text", "parent_id"}})
	require.NoError(t, err)
	assert.Equal(t, cm.ID, reply.ParentID)

	_, err = fb.Users.ReplyToMention(rctx, acct.ID, instagram.MentionReply{MediaID: srv.Media()[0].ID, Message: "hi"})
	assert.ErrorIs(t, err, instagram.ErrValidation, "only mentions can be answered")
}

func TestFakeContentPublishingLimit(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()
	for _, c := range []*instagram.Client{ig, fb} {
		l, err := c.Users.ContentPublishingLimit(rctx, acct.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, 0, l.QuotaUsage, "seeded media were not published through the API")
		require.NotNil(t, l.Config)
		assert.Equal(t, 100, l.Config.QuotaTotal)
		assert.Equal(t, 24*time.Hour, l.Window())
		assert.Equal(t, 100, l.Remaining())
	}
	_, err := ig.Users.ContentPublishingLimit(rctx, acct.ID, &instagram.PublishingLimitOptions{Since: instagram.Time{Time: time.Now().Add(-48 * time.Hour)}})
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestFakeCollaborationInvites(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct, net := srv.Account(), srv.Network()
	require.Len(t, net.PendingInvites, 1)

	page, err := fb.Users.CollaborationInvites(rctx, acct.ID, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	inv := page.Data[0]
	assert.Equal(t, net.PendingInvites[0], inv.MediaID)
	assert.Equal(t, net.Accounts[0].Username, inv.MediaOwnerUsername)
	assert.NotEmpty(t, inv.MediaURL)

	require.NoError(t, fb.Users.RespondToCollaborationInvite(rctx, acct.ID, inv.MediaID, true))
	n := 0
	for _, err := range fb.Users.AllCollaborationInvites(rctx, acct.ID, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n, "an answered invite is no longer pending")
	assert.ErrorIs(t, fb.Users.RespondToCollaborationInvite(rctx, acct.ID, inv.MediaID, false), instagram.ErrValidation)

	_, err = ig.Users.CollaborationInvites(rctx, acct.ID, nil)
	assert.Error(t, err, "Facebook Login only")
}
