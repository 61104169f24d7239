package instagramtest

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
)

// This file adds hashtag search, Facebook Login only:
// GET /ig_hashtag_search?user_id=&q=, GET /{ig-hashtag-id},
// GET /{ig-hashtag-id}/top_media and /recent_media with user_id
// and GET /{ig-user-id}/recently_searched_hashtags.
//
// Each account may query 30 unique hashtags in a rolling 7 days. A search,
// a top_media or a recent_media call counts its hashtag once, at its first
// query in the window; repeats are free and do not move the window. The
// query of a 31st hashtag answers HTTP 400:
//
//	{"error":{"message":"(#24) Hashtag search limit reached: an account can
//	query at most 30 unique hashtags within 7 days","type":"OAuthException",
//	"code":24,"error_user_title":"Hashtag limit reached", ...}}
//
// Meta documents the limit but not the error it answers with; the fake
// uses code 24 and a message naming the hashtag limit.
//
// Hashtag media are generated on the first query of a hashtag, from a seed
// derived from its name, plus the seeded accounts' media whose caption
// carries the hashtag. top_media is ordered by likes; recent_media holds
// media of the last 24 hours, newest first. Pages hold at most 50 items;
// username cannot be asked for.

// Hashtag limit of the fake, as Meta's.
const (
	hashtagLimit  = 30
	hashtagWindow = 7 * 24 * time.Hour
	kindHashtag   = "ig_hashtag"
)

type hashtagState struct {
	byName map[string]string // lower-case name -> id
	// queried holds, per account, the first query time of each hashtag id
	// within the window.
	queried map[string]map[string]time.Time
}

type hashtag struct {
	ID     string
	Name   string
	media  []string // generated media, newest first
	loaded bool
}

func errHashtagLimit() *graphError {
	return newError(http.StatusBadRequest, 24, 0, typeOAuth,
		"(#24) Hashtag search limit reached: an account can query at most 30 unique hashtags within 7 days").
		userMessage("Hashtag limit reached", "You have searched the maximum number of hashtags allowed in 7 days. Try again later.")
}

func setupTags(s *Server) {
	st := ext[hashtagState](s)
	st.byName = map[string]string{}
	st.queried = map[string]map[string]time.Time{}

	k := s.defineKind(kindHashtag, "ShadowIGHashtag", "", onFacebook)
	fieldOf(k, "name", onFacebook, func(_ *call, h *hashtag) (any, bool) { return h.Name, true })
	k.setDefaults("id", "name")

	s.handleGraph("GET /ig_hashtag_search", func(c *call) {
		if !c.authorize() || !hashtagCaller(c) {
			return
		}
		q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.param("q")), "#"))
		if q == "" {
			c.fail(errParam("The parameter q is required"))
			return
		}
		if !validHashtag(q) {
			c.fail(errParam("The hashtag %q is not valid", q))
			return
		}
		h := hashtagNamed(c.s, q)
		if e := countHashtag(c.s, c.tok.account, h.ID); e != nil {
			c.fail(e)
			return
		}
		c.writeJSON(http.StatusOK, newObject().set("data", []any{newObject().set("id", h.ID)}))
	})

	for _, edge := range []string{"top_media", "recent_media"} {
		s.handleEdge(kindHashtag, http.MethodGet, edge, func(c *call) {
			if !hashtagCaller(c) {
				return
			}
			h := c.node.(*hashtag)
			if e := countHashtag(c.s, c.tok.account, h.ID); e != nil {
				c.fail(e)
				return
			}
			sel, err := c.selection()
			if err != nil {
				c.fail(err)
				return
			}
			for _, f := range sel {
				if f.name == "username" {
					c.fail(errParam("username cannot be requested on hashtag media"))
					return
				}
			}
			if c.intParam("limit", 0) > 50 {
				c.params.Set("limit", "50")
			}
			c.writeList(hashtagMedia(c.s, h, c.edge))
		})
	}

	s.listEdge(kindUser, "recently_searched_hashtags", onFacebook, func(c *call, id string) ([]string, *graphError) {
		if c.tok == nil || id != c.tok.account {
			return nil, errNoSuchObject(http.MethodGet, id)
		}
		seen := liveQueries(c.s, id)
		ids := make([]string, 0, len(seen))
		for hid := range seen {
			ids = append(ids, hid)
		}
		slices.SortFunc(ids, func(a, b string) int {
			if c := seen[b].Compare(seen[a]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		return ids, nil
	}, "id", "name")
}

// hashtagCaller checks the Facebook Login host and user_id, which must be
// the caller's own account.
func hashtagCaller(c *call) bool {
	if c.host() != onFacebook {
		c.fail(errUnknownPath(c.path))
		return false
	}
	uid := c.param("user_id")
	if uid == "" {
		c.fail(errParam("The parameter user_id is required"))
		return false
	}
	if uid != c.tok.account {
		c.fail(errNoSuchObject(http.MethodGet, uid))
		return false
	}
	return true
}

func validHashtag(q string) bool {
	for _, r := range q {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// hashtagNamed returns the hashtag of a name, creating it with an id
// derived from the name.
func hashtagNamed(s *Server, name string) *hashtag {
	st := ext[hashtagState](s)
	if id, ok := st.byName[name]; ok {
		h, _ := objectOf[*hashtag](s, id)
		return h
	}
	f := fnv.New64a()
	_, _ = f.Write([]byte(name))
	id := "178415" + digits(f.Sum64(), 11)
	if _, taken := s.objects[id]; taken {
		id = s.newIDWithPrefix("178415", 17)
	}
	h := &hashtag{ID: id, Name: name}
	s.addObject(kindHashtag, id, h)
	st.byName[name] = id
	return h
}

// liveQueries returns the account's hashtag queries still in the window,
// dropping older ones.
func liveQueries(s *Server, account string) map[string]time.Time {
	st := ext[hashtagState](s)
	m := st.queried[account]
	if m == nil {
		m = map[string]time.Time{}
		st.queried[account] = m
	}
	now := s.now()
	for id, at := range m {
		if !now.Before(at.Add(hashtagWindow)) {
			delete(m, id)
		}
	}
	return m
}

// countHashtag records a query of hashtag id by account, refusing a new
// hashtag beyond the limit.
func countHashtag(s *Server, account, id string) *graphError {
	m := liveQueries(s, account)
	if _, ok := m[id]; ok {
		return nil
	}
	if len(m) >= hashtagLimit {
		return errHashtagLimit()
	}
	m[id] = s.now()
	return nil
}

// hashtagMedia lists a hashtag's top or recent media.
func hashtagMedia(s *Server, h *hashtag, edge string) []string {
	if !h.loaded {
		h.loaded = true
		generateHashtagMedia(s, h)
	}
	var ids []string
	for _, o := range s.objects {
		if m, ok := o.value.(*media); ok && !m.isCarouselItem() && m.ProductType != "STORY" && hasTag(m.Caption, h.Name) {
			ids = append(ids, m.ID)
		}
	}
	for _, id := range h.media {
		if _, ok := s.objects[id]; ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	get := func(id string) *media { m, _ := objectOf[*media](s, id); return m }
	if edge == "recent_media" {
		cutoff := s.now().Add(-24 * time.Hour)
		ids = slices.DeleteFunc(ids, func(id string) bool { return !get(id).Timestamp.After(cutoff) })
		slices.SortFunc(ids, func(a, b string) int {
			if c := get(b).Timestamp.Compare(get(a).Timestamp); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		return ids
	}
	slices.SortFunc(ids, func(a, b string) int {
		if d := get(b).LikeCount - get(a).LikeCount; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return ids
}

// hasTag tells whether a caption carries #name as a whole tag.
func hasTag(caption, name string) bool {
	lc := strings.ToLower(caption)
	tag := "#" + name
	for i := 0; ; {
		j := strings.Index(lc[i:], tag)
		if j < 0 {
			return false
		}
		end := i + j + len(tag)
		if end == len(lc) || !isTagRune(rune(lc[end])) {
			return true
		}
		i = end
	}
}

func isTagRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// generateHashtagMedia creates 60 public media by unregistered accounts
// over the last three days, from a seed derived from the name.
func generateHashtagMedia(s *Server, h *hashtag) {
	r := s.rand("hashtag:" + h.Name)
	sd := &seeder{s: s, r: r}
	now := s.now().UTC().Truncate(time.Minute)
	owners := make([]string, 6)
	for i := range owners {
		owners[i] = "17841" + digits(r.Uint64(), 12)
	}
	for i := range 60 {
		at := now.Add(-time.Duration(10+i*70+r.IntN(60)) * time.Minute)
		typ := []string{"IMAGE", "IMAGE", "VIDEO"}[r.IntN(3)]
		m := &media{
			ID: s.newID(), OwnerID: owners[r.IntN(len(owners))], MediaType: typ, ProductType: "FEED",
			Caption: pick(r, seedScenes) + " #" + h.Name, Shortcode: sd.shortcode(), Timestamp: at,
			LikeCount: r.IntN(5000), CommentEnabled: true, IGID: digits(r.Uint64(), 19),
		}
		m.Permalink = "https://www.instagram.com/p/" + m.Shortcode + "/"
		switch typ {
		case "IMAGE":
			m.File = m.ID + ".jpg"
		case "VIDEO":
			m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
		}
		s.addObject(kindMedia, m.ID, m)
		h.media = append(h.media, m.ID)
	}
}
