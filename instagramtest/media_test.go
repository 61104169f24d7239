package instagramtest

import (
	"bytes"
	"image/jpeg"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var metaTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$`)

func TestMediaFieldsSelection(t *testing.T) {
	s := newTestServer(t)
	var m Media
	for _, x := range s.Media() {
		if x.MediaType == "IMAGE" {
			m = x
			break
		}
	}
	require.NotEmpty(t, m.ID)
	a := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?fields=caption,media_type,media_product_type,media_url,permalink,shortcode,timestamp,like_count,comments_count,is_comment_enabled,username,owner")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, m.Caption, a.JSON["caption"])
	assert.Equal(t, "IMAGE", a.JSON["media_type"])
	assert.Equal(t, "FEED", a.JSON["media_product_type"])
	assert.Equal(t, m.MediaURL, a.JSON["media_url"])
	assert.Equal(t, "https://www.instagram.com/p/"+m.Shortcode+"/", a.JSON["permalink"])
	assert.Equal(t, m.Timestamp.UTC().Format("2006-01-02T15:04:05-0700"), a.JSON["timestamp"])
	assert.Regexp(t, metaTimeRE, a.JSON["timestamp"])
	assert.EqualValues(t, m.LikeCount, a.JSON["like_count"])
	assert.EqualValues(t, m.CommentsCount, a.JSON["comments_count"])
	assert.Equal(t, m.IsCommentEnabled, a.JSON["is_comment_enabled"])
	assert.Equal(t, s.Account().Username, a.JSON["username"])
	assert.Equal(t, map[string]any{"id": s.UserID}, a.JSON["owner"])
	assert.NotContains(t, a.JSON, "thumbnail_url", "images have no thumbnail")
	assert.Len(t, a.JSON, 13)

	b := get(t, s, s.AccessToken, "/v25.0/"+m.ID)
	assert.Equal(t, map[string]any{"id": m.ID}, b.JSON)

	c := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?fields=id,owner{id,username}")
	assert.Equal(t, map[string]any{"id": s.UserID, "username": s.Account().Username}, c.JSON["owner"])
}

func TestMediaUnknownField(t *testing.T) {
	s := newTestServer(t)
	id := s.Media()[0].ID
	a := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=id,xyz")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	assert.Equal(t, "(#100) Tried accessing nonexisting field (xyz) on node type (IGMedia)", a.graphErr(t)["message"])

	// ig_id is a Facebook Login field.
	b := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=ig_id")
	assert.Equal(t, "(#100) Tried accessing nonexisting field (ig_id) on node type (IGMedia)", b.graphErr(t)["message"])
	c := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=ig_id")
	assert.Regexp(t, `^[0-9]+$`, c.JSON["ig_id"])

	// A syntax error in fields= answers code 2500.
	d := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=children{id")
	code, _ = d.code(t)
	assert.Equal(t, 2500, code)
}

func TestSeededMediaCoverEveryType(t *testing.T) {
	s := newTestServer(t)
	seen := map[string]int{}
	for i, m := range s.Media() {
		kind := m.MediaType + "/" + m.MediaProductType
		seen[kind]++
		if i > 0 {
			assert.True(t, m.Timestamp.Before(s.Media()[i-1].Timestamp), "newest first")
		}
		switch kind {
		case "CAROUSEL_ALBUM/FEED":
			assert.GreaterOrEqual(t, len(m.Children), 2)
			assert.LessOrEqual(t, len(m.Children), 10)
		case "VIDEO/REELS":
			assert.Equal(t, "https://www.instagram.com/reel/"+m.Shortcode+"/", m.Permalink)
			assert.NotEmpty(t, m.ThumbnailURL)
		case "VIDEO/FEED":
			assert.NotEmpty(t, m.ThumbnailURL)
		case "IMAGE/FEED":
			assert.Empty(t, m.Children)
		default:
			t.Errorf("unexpected media kind %s", kind)
		}
		assert.Regexp(t, `^1[78][0-9]{15,16}$`, m.ID)
	}
	for _, k := range []string{"IMAGE/FEED", "VIDEO/FEED", "CAROUSEL_ALBUM/FEED", "VIDEO/REELS"} {
		assert.Positive(t, seen[k], k)
	}
	stories := s.Stories()
	require.Len(t, stories, 2)
	for _, st := range stories {
		assert.Equal(t, "STORY", st.MediaProductType)
		assert.WithinDuration(t, time.Now(), st.Timestamp, 24*time.Hour)
	}
}

func TestCarouselChildren(t *testing.T) {
	s := newTestServer(t)
	var album Media
	for _, m := range s.Media() {
		if m.MediaType == "CAROUSEL_ALBUM" {
			album = m
			break
		}
	}
	require.NotEmpty(t, album.ID)

	a := get(t, s, s.AccessToken, "/v25.0/"+album.ID+"/children?fields=id,media_type,media_url,timestamp")
	items := data(t, a)
	require.Len(t, items, len(album.Children))
	for i, it := range items {
		assert.Equal(t, album.Children[i], it["id"])
		assert.Contains(t, []any{"IMAGE", "VIDEO"}, it["media_type"])
		assert.NotEmpty(t, it["media_url"])
		assert.Regexp(t, metaTimeRE, it["timestamp"])
	}
	assert.Equal(t, album.MediaURL, items[0]["media_url"], "an album shows its first item")

	// Items are media of their own, outside the account's media list.
	child, ok := s.MediaByID(album.Children[0])
	require.True(t, ok)
	assert.Equal(t, album.ID, child.ParentID)
	for _, m := range s.Media() {
		assert.NotEqual(t, child.ID, m.ID)
	}
	c := get(t, s, s.AccessToken, "/v25.0/"+child.ID+"?fields=media_type,like_count,caption")
	assert.NotContains(t, c.JSON, "like_count")
	assert.NotContains(t, c.JSON, "caption")

	// Field expansion of the edge.
	e := get(t, s, s.AccessToken, "/v25.0/"+album.ID+"?fields=media_type,children{id,media_type}")
	require.Equal(t, http.StatusOK, e.Status, string(e.Raw))
	nested := e.JSON["children"].(map[string]any)["data"].([]any)
	require.Len(t, nested, len(album.Children))
	first := nested[0].(map[string]any)
	assert.Equal(t, album.Children[0], first["id"])
	assert.Len(t, first, 2)

	// Expansion with a limit pages the edge.
	f := get(t, s, s.AccessToken, "/v25.0/"+album.ID+"?fields=children.limit(1){media_type}")
	page := f.JSON["children"].(map[string]any)
	assert.Len(t, page["data"], 1)
	next := page["paging"].(map[string]any)["next"].(string)
	assert.Contains(t, next, "/v25.0/"+album.ID+"/children?")
	g := getURL(t, next)
	assert.Equal(t, album.Children[1], data(t, g)[0]["id"])
	assert.Contains(t, data(t, g)[0], "media_type")

	// A non-album has no items.
	for _, m := range s.Media() {
		if m.MediaType == "IMAGE" {
			assert.Empty(t, data(t, get(t, s, s.AccessToken, "/v25.0/"+m.ID+"/children")))
			break
		}
	}
}

func TestCommentsConsistentWithCounts(t *testing.T) {
	s := newTestServer(t)
	withReplies := 0
	for _, m := range s.Media() {
		a := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"/comments?limit=100")
		items := data(t, a)
		assert.Len(t, items, len(m.Comments))
		total := len(items)
		for _, it := range items {
			assert.ElementsMatch(t, []string{"timestamp", "text", "id"}, keys(it), "comments default fields")
			r := get(t, s, s.AccessToken, "/v25.0/"+it["id"].(string)+"/replies")
			n := len(data(t, r))
			if n > 0 {
				withReplies++
			}
			total += n
		}
		assert.Equal(t, m.CommentsCount, total, m.ID)
		c := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?fields=comments_count")
		assert.EqualValues(t, total, c.JSON["comments_count"])
	}
	assert.Positive(t, withReplies, "some comments have replies")
}

func TestCommentRead(t *testing.T) {
	s := newTestServer(t)
	for _, m := range s.Media() {
		if len(m.Comments) == 0 {
			continue
		}
		list := data(t, get(t, s, s.AccessToken, "/v25.0/"+m.ID+"/comments?fields=id,timestamp"))
		for i := 1; i < len(list); i++ {
			assert.GreaterOrEqual(t, list[i-1]["timestamp"], list[i]["timestamp"], "newest first")
		}
		id := m.Comments[0]
		a := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=id,text,timestamp,username,from,like_count,hidden,media{id},parent_id")
		require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
		assert.Equal(t, map[string]any{"id": m.ID}, a.JSON["media"])
		from := a.JSON["from"].(map[string]any)
		assert.Equal(t, a.JSON["username"], from["username"])
		assert.NotEmpty(t, from["id"])
		assert.NotContains(t, a.JSON, "parent_id", "a top-level comment has no parent")
		assert.Regexp(t, metaTimeRE, a.JSON["timestamp"])
		assert.Contains(t, a.JSON, "hidden")
		return
	}
	t.Fatal("no media with comments")
}

func TestReplyHasParent(t *testing.T) {
	s := newTestServer(t)
	for _, m := range s.Media() {
		for _, cid := range m.Comments {
			r := data(t, get(t, s, s.AccessToken, "/v25.0/"+cid+"/replies?fields=parent_id,from{username}"))
			if len(r) == 0 {
				continue
			}
			assert.Equal(t, cid, r[0]["parent_id"])
			assert.Len(t, r[0]["from"], 1)
			return
		}
	}
	t.Fatal("no replies")
}

func TestMediaFilesDownload(t *testing.T) {
	s := newTestServer(t)
	m := s.Media()[0]
	res, err := http.Get(m.MediaURL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(res.Body)
	require.NoError(t, err)
	if strings.HasSuffix(m.MediaURL, ".jpg") {
		assert.Equal(t, "image/jpeg", res.Header.Get("Content-Type"))
		_, err = jpeg.Decode(&buf)
		assert.NoError(t, err)
	} else {
		assert.Equal(t, "video/mp4", res.Header.Get("Content-Type"))
	}
}
