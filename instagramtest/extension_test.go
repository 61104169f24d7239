package instagramtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noteState is extension state used by the tests: notes attached to media.
type noteState struct {
	created int
	byMedia map[string][]string
}

type note struct {
	Text    string
	MediaID string
	Meta    map[string]string
}

// withNotes adds a "note" kind the way another file of the package would.
func withNotes() Option {
	return withSetup(func(s *Server) {
		st := ext[noteState](s)
		st.byMedia = map[string][]string{}
		k := s.defineKind("note", "IGNote", "", onBoth)
		fieldOf(k, "text", onBoth, func(_ *call, n *note) (any, bool) { return n.Text, true })
		k.field("media", onBoth, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
			return c.renderRef(v.(*note).MediaID, f)
		})
		// A field added to an existing kind.
		fieldOf(s.kind(kindMedia), "note_count", onFacebook, func(c *call, m *media) (any, bool) {
			return len(ext[noteState](c.s).byMedia[m.ID]), true
		})

		s.handleEdge(kindMedia, http.MethodPost, "notes", func(c *call) {
			text := c.param("text")
			if text == "" {
				c.fail(errParam("The parameter text is required"))
				return
			}
			n := &note{Text: text, MediaID: c.id}
			if _, err := c.decodeParam("meta", &n.Meta); err != nil {
				c.fail(errParam("meta must be a JSON object"))
				return
			}
			id := c.s.newID()
			c.s.addObject("note", id, n)
			st := ext[noteState](c.s)
			st.created++
			st.byMedia[c.id] = append(st.byMedia[c.id], id)
			c.writeJSON(http.StatusOK, map[string]string{"id": id})
		})
		s.listEdge(kindMedia, "notes", onBoth, func(c *call, id string) ([]string, *graphError) {
			return ext[noteState](c.s).byMedia[id], nil
		}, "text", "id")
		s.handleNode("note", http.MethodDelete, func(c *call) {
			n := c.node.(*note)
			st := ext[noteState](c.s)
			ids := st.byMedia[n.MediaID]
			for i, id := range ids {
				if id == c.id {
					st.byMedia[n.MediaID] = append(ids[:i:i], ids[i+1:]...)
				}
			}
			c.s.removeObject(c.id)
			c.success()
		})
		s.handleGraph("GET /note_stats", func(c *call) {
			if !c.authorize() {
				return
			}
			c.writeJSON(http.StatusOK, map[string]int{"created": ext[noteState](c.s).created})
		})
		s.handleRaw("POST /notes-upload/{version}/{id}", func(c *call) {
			c.writeJSON(http.StatusOK, map[string]string{"version": c.pathValue("version"), "id": c.pathValue("id")})
		})
		// A paged list of values that are not registered objects.
		s.handleEdge(kindUser, http.MethodGet, "letters", func(c *call) {
			writePage(c, strings.Split("abcdefghij", ""), func(s string) string { return s },
				func(s string) (any, *graphError) { return map[string]string{"letter": s}, nil })
		})
	})
}

func TestExtensionWriteAndReadBack(t *testing.T) {
	s := newTestServer(t, withNotes())
	mid := s.Media()[0].ID

	a := postForm(t, s, s.AccessToken, "/v25.0/"+mid+"/notes", url.Values{"text": {"first"}, "meta": {`{"k":"v"}`}})
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	id := a.JSON["id"].(string)
	assert.Regexp(t, `^1[78][0-9]{15,16}$`, id)

	// JSON bodies work as well.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v25.0/"+mid+"/notes", strings.NewReader(`{"text":"second","meta":{"a":"b"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	b := send(t, http.DefaultClient, req)
	require.Equal(t, http.StatusOK, b.Status, string(b.Raw))

	list := data(t, get(t, s, s.AccessToken, "/v25.0/"+mid+"/notes"))
	require.Len(t, list, 2)
	assert.Equal(t, map[string]any{"text": "first", "id": id}, list[0])

	one := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=text,media{id}")
	assert.Equal(t, map[string]any{"text": "first", "media": map[string]any{"id": mid}, "id": id}, one.JSON)
	st := ext[noteState](s)
	s.mu.Lock()
	assert.Equal(t, map[string]string{"a": "b"}, s.objects[st.byMedia[mid][1]].value.(*note).Meta)
	s.mu.Unlock()

	exp := get(t, s, s.FacebookAccessToken, "/v25.0/"+mid+"?fields=note_count,notes{text}")
	require.Equal(t, http.StatusOK, exp.Status, string(exp.Raw))
	assert.EqualValues(t, 2, exp.JSON["note_count"])
	assert.Len(t, exp.JSON["notes"].(map[string]any)["data"], 2)
	unknown := get(t, s, s.AccessToken, "/v25.0/"+mid+"?fields=note_count")
	assert.Equal(t, "(#100) Tried accessing nonexisting field (note_count) on node type (IGMedia)", unknown.graphErr(t)["message"])

	missing := postForm(t, s, s.AccessToken, "/v25.0/"+mid+"/notes", nil)
	assert.Equal(t, "(#100) The parameter text is required", missing.graphErr(t)["message"])

	req, _ = http.NewRequest(http.MethodDelete, s.URL+"/v25.0/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	del := send(t, http.DefaultClient, req)
	assert.Equal(t, map[string]any{"success": true}, del.JSON)
	assert.Len(t, data(t, get(t, s, s.AccessToken, "/v25.0/"+mid+"/notes")), 1)
	code, sub := get(t, s, s.AccessToken, "/v25.0/"+id).code(t)
	assert.Equal(t, [2]int{100, 33}, [2]int{code, sub})
}

func TestExtensionGraphAndRawRoutes(t *testing.T) {
	s := newTestServer(t, withNotes())
	a := get(t, s, s.AccessToken, "/v24.0/note_stats")
	assert.Equal(t, map[string]any{"created": 0.0}, a.JSON)
	assert.Equal(t, "v24.0", a.Header.Get("facebook-api-version"))
	code, _ := get(t, s, "", "/v24.0/note_stats").code(t)
	assert.Equal(t, 104, code, "graph routes check tokens when they ask")

	b := postForm(t, s, "", "/notes-upload/v25.0/12345", nil)
	assert.Equal(t, map[string]any{"version": "v25.0", "id": "12345"}, b.JSON)
}

func TestWritePageOfValues(t *testing.T) {
	s := newTestServer(t, withNotes())
	a := get(t, s, s.AccessToken, "/v25.0/me/letters?limit=4")
	assert.Equal(t, []map[string]any{{"letter": "a"}, {"letter": "b"}, {"letter": "c"}, {"letter": "d"}}, data(t, a))
	var letters []string
	for next := s.URL + "/v25.0/me/letters?limit=4&access_token=" + url.QueryEscape(s.AccessToken); next != ""; {
		a := getURL(t, next)
		for _, it := range data(t, a) {
			letters = append(letters, it["letter"].(string))
		}
		next, _ = paging(a)["next"].(string)
	}
	assert.Equal(t, "abcdefghij", strings.Join(letters, ""))
}

func TestRouteTableHasNoDuplicates(t *testing.T) {
	s := newServer(defaultConfig())
	require.NoError(t, s.buildRoutes(nil))
	assert.NotEmpty(t, s.nodes)
	assert.NotEmpty(t, s.edges)
	assert.NotEmpty(t, s.lists)
}

func TestDuplicateRouteIsAnError(t *testing.T) {
	h := func(*call) {}
	list := func(*call, string) ([]string, *graphError) { return nil, nil }
	dup := func(s *Server) {
		s.handleNode(kindComment, http.MethodDelete, h)
		s.handleEdge(kindMedia, http.MethodGet, "comments", h) // a list edge
		s.listEdge(kindUser, "stories", onBoth, list)
		s.handleGraph("GET /instagram_oembed", h)
		s.handleRaw("POST /oauth/access_token", h)
	}
	s := newServer(defaultConfig())
	err := s.buildRoutes([]func(*Server){dup})
	require.Error(t, err)
	for _, want := range []string{"DELETE /{ig_comment}", "GET /{ig_media}/comments", "GET /{ig_user}/stories", "GET /instagram_oembed (", "POST /oauth/access_token ("} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Len(t, s.dupRoutes, 5)

	// A new edge is no duplicate, and NewServer refuses a table with one.
	s = newServer(defaultConfig())
	require.NoError(t, s.buildRoutes([]func(*Server){func(s *Server) { s.handleEdge(kindMedia, http.MethodPost, "letters", h) }}))
	assert.Panics(t, func() { NewServer(withSetup(dup)).Close() })
}

func TestMetaJSONEscapes(t *testing.T) {
	b, err := metaJSON(map[string]string{"u": "https://x/y", "e": "café ☕ 🎉"})
	require.NoError(t, err)
	assert.Equal(t, `{"e":"caf\u00e9 \u2615 \ud83c\udf89","u":"https:\/\/x\/y"}`, string(b))
	var back map[string]string
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "café ☕ 🎉", back["e"])
}
