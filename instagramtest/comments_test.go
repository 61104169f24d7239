package instagramtest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deleteReq calls DELETE with the token in the header.
func deleteReq(t *testing.T, s *Server, token, path string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, s.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, http.DefaultClient, req)
}

func openMedia(t *testing.T, s *Server) Media {
	t.Helper()
	for _, m := range s.Media() {
		if m.IsCommentEnabled {
			return m
		}
	}
	t.Fatal("no media takes comments")
	return Media{}
}

func TestCommentWritesWire(t *testing.T) {
	s := newTestServer(t)
	m := openMedia(t, s)

	a := postForm(t, s, s.AccessToken, "/v25.0/"+m.ID+"/comments", url.Values{"message": {"Hello"}})
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	id := a.JSON["id"].(string)
	assert.Regexp(t, `^1[78]\d{15,16}$`, id)
	after, _ := s.MediaByID(m.ID)
	assert.Equal(t, m.CommentsCount+1, after.CommentsCount)
	assert.Equal(t, id, after.Comments[len(after.Comments)-1], "stored oldest first")

	a = postForm(t, s, s.AccessToken, "/v25.0/"+m.ID+"/comments", url.Values{"message": {"  "}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)

	// A reply to a reply joins the thread of the top-level comment.
	r1 := postForm(t, s, s.AccessToken, "/v25.0/"+id+"/replies", url.Values{"message": {"first"}}).JSON["id"].(string)
	r2 := postForm(t, s, s.AccessToken, "/v25.0/"+r1+"/replies", url.Values{"message": {"second"}}).JSON["id"].(string)
	top, ok := s.Comment(id)
	require.True(t, ok)
	assert.Equal(t, []string{r1, r2}, top.Replies)
	reply, _ := s.Comment(r2)
	assert.Equal(t, id, reply.ParentID)
	list := data(t, get(t, s, s.AccessToken, "/v25.0/"+id+"/replies"))
	require.Len(t, list, 2)
	assert.Equal(t, "first", list[0]["text"])

	for _, tc := range []struct {
		form url.Values
		code int
	}{{url.Values{}, 100}, {url.Values{"hide": {"maybe"}}, 100}} {
		a = postForm(t, s, s.AccessToken, "/v25.0/"+id, tc.form)
		code, _ = a.code(t)
		assert.Equal(t, tc.code, code, tc.form)
	}
	a = postForm(t, s, s.AccessToken, "/v25.0/"+id, url.Values{"hide": {"true"}})
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	one := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=hidden,text")
	assert.Equal(t, true, one.JSON["hidden"])

	a = deleteReq(t, s, s.AccessToken, "/v25.0/"+r1)
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	top, _ = s.Comment(id)
	assert.Equal(t, []string{r2}, top.Replies)
	assert.Equal(t, 100, func() int { c, _ := get(t, s, s.AccessToken, "/v25.0/"+r1).code(t); return c }())

	a = deleteReq(t, s, s.AccessToken, "/v25.0/"+id)
	require.Equal(t, http.StatusOK, a.Status)
	_, ok = s.Comment(r2)
	assert.False(t, ok, "replies go with their comment")
	after, _ = s.MediaByID(m.ID)
	assert.Equal(t, m.CommentsCount, after.CommentsCount)
}

func TestCommentWritesRefused(t *testing.T) {
	s := newTestServer(t)
	m := openMedia(t, s)
	app := s.AppAccessToken()
	a := postForm(t, s, app, "/v25.0/"+m.ID+"/comments", url.Values{"message": {"x"}})
	code, _ := a.code(t)
	assert.Equal(t, 10, code, "the app token acts for no account")

	var closed string
	for _, md := range s.Media() {
		if !md.IsCommentEnabled {
			closed = md.ID
		}
	}
	require.NotEmpty(t, closed)
	a = postForm(t, s, s.AccessToken, "/v25.0/"+closed+"/comments", url.Values{"message": {"x"}})
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.Stories()[0].ID+"/comments", url.Values{"message": {"x"}})
	code, _ = a.code(t)
	assert.Equal(t, 100, code)

	assert.Panics(t, func() { s.SimulateComment(s.Stories()[0].ID, "x", "y") })
	assert.Panics(t, func() { s.SimulateReply("404", "x", "y") })
}

func TestContactsAreStableAndShared(t *testing.T) {
	s := newTestServer(t)
	id := s.ContactID("new.person")
	assert.Regexp(t, `^6\d{15}$`, id)
	assert.Equal(t, id, s.ContactID("new.person"))
	assert.Equal(t, s.UserID, s.ContactID(s.Account().Username))

	// Seeded commenters keep the ids their comments carry.
	for _, m := range s.Media() {
		for _, cid := range m.Comments {
			cm, _ := s.Comment(cid)
			if cm.FromID != s.UserID {
				assert.Equal(t, cm.FromID, s.ContactID(cm.Username))
				return
			}
		}
	}
}

func TestSimulatedCommentsAreDeterministic(t *testing.T) {
	a, b := newTestServer(t), newTestServer(t)
	m := openMedia(t, a)
	assert.Equal(t, a.SimulateComment(m.ID, "x.y", "z"), b.SimulateComment(m.ID, "x.y", "z"))
	assert.Equal(t, a.ContactID("x.y"), b.ContactID("x.y"))
}
