package instagram_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// firstMedia returns the first seeded media of a type and product type.
func firstMedia(t *testing.T, srv *instagramtest.Server, mediaType, product string) instagramtest.Media {
	t.Helper()
	for _, m := range srv.Media() {
		if m.MediaType == mediaType && m.MediaProductType == product {
			return m
		}
	}
	t.Fatalf("no seeded %s %s media", mediaType, product)
	return instagramtest.Media{}
}

func TestFakeMediaGetListRangeAndChildren(t *testing.T) {
	srv, ig, _ := contentFake(t, instagramtest.WithMediaCount(30))
	acct := srv.Account()
	all := srv.Media()

	m, err := ig.Media.Get(rctx, all[0].ID, &instagram.GetOptions{Fields: []string{"id", "caption", "like_count"}})
	require.NoError(t, err)
	assert.Equal(t, all[0].Caption, m.Caption)
	assert.Equal(t, all[0].LikeCount, m.LikeCount)
	assert.Empty(t, m.Permalink, "only the chosen fields")

	// A window holding media 5 to 14 (newest first).
	since := all[14].Timestamp.Add(-time.Second)
	until := all[5].Timestamp.Add(time.Second)
	var got []string
	for m, err := range ig.Media.AllRange(rctx, acct.ID, &instagram.TimeRangeOptions{
		ListOptions: instagram.ListOptions{Limit: 4}, Since: instagram.Time{Time: since}, Until: instagram.Time{Time: until},
	}) {
		require.NoError(t, err)
		got = append(got, m.ID)
	}
	var want []string
	for _, m := range all[5:15] {
		want = append(want, m.ID)
	}
	assert.Equal(t, want, got)
	page, err := ig.Media.ListRange(rctx, acct.ID, &instagram.TimeRangeOptions{Since: instagram.Time{Time: since}})
	require.NoError(t, err)
	assert.Len(t, page.Data, 15)

	album := firstMedia(t, srv, "CAROUSEL_ALBUM", "FEED")
	kids, err := ig.Media.Children(rctx, album.ID, nil)
	require.NoError(t, err)
	require.Len(t, kids.Data, len(album.Children))
	for i, k := range kids.Data {
		assert.Equal(t, album.Children[i], k.ID)
		assert.NotEmpty(t, k.MediaURL)
	}
}

func TestFakeMediaCommentsToggle(t *testing.T) {
	srv, ig, fb := contentFake(t)
	m := firstMedia(t, srv, "IMAGE", "FEED")
	for _, c := range []*instagram.Client{ig, fb} {
		for _, on := range []bool{false, true, false} {
			require.NoError(t, c.Media.SetCommentsEnabled(rctx, m.ID, on))
			got, err := c.Media.Get(rctx, m.ID, &instagram.GetOptions{Fields: []string{"is_comment_enabled"}})
			require.NoError(t, err)
			require.NotNil(t, got.IsCommentEnabled)
			assert.Equal(t, on, *got.IsCommentEnabled)
			snap, _ := srv.MediaByID(m.ID)
			assert.Equal(t, on, snap.IsCommentEnabled)
		}
	}
	story := srv.Stories()[0]
	assert.ErrorIs(t, ig.Media.SetCommentsEnabled(rctx, story.ID, true), instagram.ErrValidation)
	net := srv.Network()
	assert.ErrorIs(t, fb.Media.SetCommentsEnabled(rctx, net.TaggedMedia[0], false), instagram.ErrNotFound, "another account's media")
}

func TestFakeMediaDelete(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()
	album := firstMedia(t, srv, "CAROUSEL_ALBUM", "FEED")

	assert.Error(t, ig.Media.Delete(rctx, album.ID), "Facebook Login only")
	assert.ErrorIs(t, fb.Media.Delete(rctx, album.Children[0]), instagram.ErrValidation, "an item alone")

	require.NoError(t, fb.Media.Delete(rctx, album.ID))
	_, err := fb.Media.Get(rctx, album.ID, nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound)
	_, err = fb.Media.Get(rctx, album.Children[0], nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound, "its items go with it")
	for _, cid := range album.Comments {
		_, err = fb.Comments.Get(rctx, cid, nil)
		assert.ErrorIs(t, err, instagram.ErrNotFound, "its comments go with it")
	}
	for m, err := range fb.Media.All(rctx, acct.ID, &instagram.ListOptions{Limit: 50}) {
		require.NoError(t, err)
		assert.NotEqual(t, album.ID, m.ID)
	}
	me, err := fb.Users.Get(rctx, acct.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, acct.MediaCount-1, me.MediaCount)
	assert.ErrorIs(t, fb.Media.Delete(rctx, album.ID), instagram.ErrNotFound, "twice")
}

func TestFakeMediaCollaborators(t *testing.T) {
	srv, ig, fb := contentFake(t)
	net := srv.Network()
	require.NotEmpty(t, net.CollabMedia)
	cs, err := fb.Media.Collaborators(rctx, net.CollabMedia[0])
	require.NoError(t, err)
	require.Len(t, cs, 2)
	assert.Equal(t, net.Accounts[0].Username, cs[0].Username)
	assert.Equal(t, net.Accounts[0].ID, cs[0].ID)
	statuses := []instagram.InviteStatus{cs[0].InviteStatus, cs[1].InviteStatus}
	assert.ElementsMatch(t, []instagram.InviteStatus{instagram.InviteAccepted, instagram.InvitePending}, statuses)

	none, err := fb.Media.Collaborators(rctx, srv.Media()[0].ID)
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = ig.Media.Collaborators(rctx, net.CollabMedia[0])
	assert.Error(t, err)
}

func TestFakeMediaOEmbed(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()
	m := firstMedia(t, srv, "IMAGE", "FEED")

	app := &instagram.OEmbedOptions{Token: srv.AppAccessToken()}
	// Either login's client reaches it, with the app token.
	for _, c := range []*instagram.Client{fb, ig} {
		e, err := c.Media.OEmbed(rctx, m.Permalink, app)
		require.NoError(t, err)
		assert.Equal(t, "rich", e.Type)
		assert.Equal(t, 658, e.Width)
		assert.Contains(t, e.HTML, m.Permalink)
		assert.Contains(t, e.HTML, "embed.js")
		assert.Empty(t, e.AuthorName, "no longer returned since 2025-11-03")
		assert.Empty(t, e.ThumbnailURL, "no longer returned since 2025-11-03")
	}
	_ = acct
	_, err := fb.Media.OEmbed(rctx, m.Permalink, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation, "no app or client token")
	_, err = ig.Media.OEmbed(rctx, m.Permalink, &instagram.OEmbedOptions{Token: srv.AccessToken})
	assert.ErrorIs(t, err, instagram.ErrValidation, "a user token is not an app token")

	e, err := fb.Media.OEmbed(rctx, m.Permalink+"?igsh=abc", &instagram.OEmbedOptions{Token: srv.AppAccessToken(), MaxWidth: 320, OmitScript: true, HideCaption: true, Fields: []string{"html", "width"}})
	require.NoError(t, err)
	assert.Equal(t, 320, e.Width)
	assert.NotContains(t, e.HTML, "embed.js")
	assert.Empty(t, e.ProviderName, "only the chosen fields")

	_, err = fb.Media.OEmbed(rctx, "https://www.instagram.com/p/doesnotexist/", app)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}
