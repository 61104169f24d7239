package instagramtest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging defaults, as Meta's.
const (
	defaultLimit = 25
	maxLimit     = 100
)

// listEdge is a GET edge listing registered objects.
type listEdge struct {
	kind, edge string
	hosts      hostSet
	list       func(c *call, parentID string) ([]string, *graphError)
	defaults   []string
}

// listEdge serves GET /{id}/{edge} for objects of kind as a paged list of
// the registered objects list returns (in answer order), rendered with the
// request's fields= or the given defaults (else "id"). The edge can also be
// expanded as a field: fields=edge.limit(5){id,...}.
func (s *Server) listEdge(kind, edge string, hosts hostSet,
	list func(c *call, parentID string) ([]string, *graphError), defaults ...string) {
	s.checkEdge(edgeKey{kind, http.MethodGet, edge})
	if len(defaults) == 0 {
		defaults = []string{"id"}
	}
	s.lists[edgeKey{kind, http.MethodGet, edge}] = &listEdge{
		kind: kind, edge: edge, hosts: hosts, list: list, defaults: defaults,
	}
}

// pageReq is the limit and cursors of a page.
type pageReq struct {
	limit         int
	after, before string
}

func limitOf(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// encodeCursor makes an opaque cursor for the item with key at index i.
func encodeCursor(key string, i int) string {
	return base64.StdEncoding.EncodeToString([]byte(key + ":" + strconv.Itoa(i)))
}

// decodeCursor finds where a cursor points: the index of its key among
// keys (found), or its remembered index when the item is gone.
func decodeCursor(cur string, keys []string) (i int, found, ok bool) {
	b, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		if b, err = base64.RawURLEncoding.DecodeString(cur); err != nil {
			return 0, false, false
		}
	}
	k, idx, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, false, false
	}
	if i := slices.Index(keys, k); i >= 0 {
		return i, true, true
	}
	n, err := strconv.Atoi(idx)
	if err != nil || n < 0 {
		return 0, false, false
	}
	return min(n, len(keys)), false, true
}

// window is the slice of a list a page shows.
type window struct {
	from, to          int // items[from:to]
	hasPrev, hasNext  bool
	firstKey, lastKey string
}

// cut selects the page of keys a request asks for.
func cut(keys []string, p pageReq) (window, *graphError) {
	from, to := 0, min(p.limit, len(keys))
	switch {
	case p.after != "":
		i, found, ok := decodeCursor(p.after, keys)
		if !ok {
			return window{}, errParam("The parameter after is invalid: %s", p.after)
		}
		if found {
			i++
		}
		from = min(i, len(keys))
		to = min(from+p.limit, len(keys))
	case p.before != "":
		i, _, ok := decodeCursor(p.before, keys)
		if !ok {
			return window{}, errParam("The parameter before is invalid: %s", p.before)
		}
		to = min(i, len(keys))
		from = max(0, to-p.limit)
	}
	w := window{from: from, to: to, hasPrev: from > 0, hasNext: to < len(keys)}
	if to > from {
		w.firstKey, w.lastKey = encodeCursor(keys[from], from), encodeCursor(keys[to-1], to-1)
	}
	return w, nil
}

// envelope builds {data, paging}. base is the absolute URL of the list
// without query; q is the query that next and previous URLs carry.
func envelope(data []any, w window, base string, q url.Values, limit int) *jsonObject {
	out := newObject().set("data", data)
	if len(data) == 0 {
		return out
	}
	paging := newObject()
	paging.set("cursors", newObject().set("before", w.firstKey).set("after", w.lastKey))
	link := func(param, cur string) string {
		v := cloneValues(q)
		v.Del("after")
		v.Del("before")
		v.Set("limit", strconv.Itoa(limit))
		v.Set(param, cur)
		return base + "?" + v.Encode()
	}
	if w.hasPrev {
		paging.set("previous", link("before", w.firstKey))
	}
	if w.hasNext {
		paging.set("next", link("after", w.lastKey))
	}
	out.set("paging", paging)
	return out
}

// linkQuery is the query that paging links of this call carry: the
// request's own query, with the access token added when it came in a
// header (Meta's links always carry it) and proofs left out.
func (c *call) linkQuery() url.Values {
	q := c.r.URL.Query()
	q.Del("appsecret_proof")
	q.Del("appsecret_time")
	q.Del("method")
	if c.tok != nil && c.tok.value != "" {
		q.Set("access_token", c.tok.value)
	}
	return q
}

func (c *call) pageReq() pageReq {
	return pageReq{limit: limitOf(c.param("limit")), after: c.param("after"), before: c.param("before")}
}

// listURL is the absolute URL of a path under the call's version.
func (c *call) listURL(p string) string {
	v := c.version
	if v == "" {
		v = "v25.0"
	}
	return c.s.URL + "/" + v + p
}

// writePage answers one page of items as the {data, paging} envelope,
// reading limit, after and before from the request. key gives each item a
// stable key for its cursor; render turns it into its JSON value.
func writePage[T any](c *call, items []T, key func(T) string, render func(T) (any, *graphError)) {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = key(it)
	}
	p := c.pageReq()
	w, err := cut(keys, p)
	if err != nil {
		c.fail(err)
		return
	}
	data := make([]any, 0, w.to-w.from)
	for _, it := range items[w.from:w.to] {
		v, err := render(it)
		if err != nil {
			c.fail(err)
			return
		}
		data = append(data, v)
	}
	c.writeJSON(http.StatusOK, envelope(data, w, c.listURL(c.path), c.linkQuery(), p.limit))
}

// writeList answers a page of registered objects, rendered with the
// request's fields= or, when none, with defaults (else "id").
func (c *call) writeList(ids []string, defaults ...string) {
	sel, err := c.selection()
	if err != nil {
		c.fail(err)
		return
	}
	if len(sel) == 0 && len(defaults) > 0 {
		sel = names(defaults...)
	}
	writePage(c, ids, func(id string) string { return id }, func(id string) (any, *graphError) {
		o, err := c.render(id, sel)
		return o, err
	})
}

// nestedList renders an edge expanded inside fields=, as {data, paging}.
func (c *call) nestedList(le *listEdge, parentID string, f fieldReq) (any, *graphError) {
	ids, err := le.list(c, parentID)
	if err != nil {
		return nil, err
	}
	p := pageReq{limit: limitOf(f.args["limit"]), after: f.args["after"], before: f.args["before"]}
	w, err := cut(ids, p)
	if err != nil {
		return nil, err
	}
	sel := f.sub
	if len(sel) == 0 {
		sel = names(le.defaults...)
	}
	data := make([]any, 0, w.to-w.from)
	for _, id := range ids[w.from:w.to] {
		o, err := c.render(id, sel)
		if err != nil {
			return nil, err
		}
		data = append(data, o)
	}
	q := url.Values{}
	if c.tok != nil {
		q.Set("access_token", c.tok.value)
	}
	if f.hasSub {
		q.Set("fields", formatFields(f.sub))
	}
	return envelope(data, w, c.listURL("/"+parentID+"/"+le.edge), q, p.limit), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
