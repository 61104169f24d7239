package instagram

import (
	"context"
	"fmt"
	"iter"
	"net/url"
)

// Page is one page of an edge: Meta's {data, paging} envelope.
type Page[T any] struct {
	// Data holds the items of this page.
	Data []T `json:"data"`
	// Paging holds the cursors and the next/previous links.
	Paging Paging `json:"paging"`
}

// Paging is the paging part of Meta's list envelope.
type Paging struct {
	Cursors Cursors `json:"cursors"`
	// Next is Meta's link to the next page; absent on the last one. It
	// carries the access token, so the SDK never requests it as is.
	Next string `json:"next,omitempty"`
	// Previous is Meta's link to the previous page.
	Previous string `json:"previous,omitempty"`
}

// Cursors are the opaque positions of a page's first and last items.
type Cursors struct {
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// HasNext reports whether another page follows.
func (p *Page[T]) HasNext() bool { return p != nil && p.Paging.Next != "" }

// secretQueryKeys are dropped from a next link before its parameters are
// reused.
func secretQueryKeys() [3]string {
	return [3]string{"access_token", "appsecret_proof", "appsecret_time"}
}

// nextQuery returns the query for the page after the one fetched with q, or
// false at the end. It moves the after cursor when Meta gives one; for time
// paging (since/until in the next link, no cursor) it takes the link's
// parameters without credentials. The next link itself is never requested.
func nextQuery(q url.Values, p Paging) (url.Values, bool) {
	if p.Next == "" {
		return nil, false
	}
	out := make(url.Values, len(q)+1)
	for k, v := range q {
		out[k] = v
	}
	if a := p.Cursors.After; a != "" && a != q.Get("after") {
		out.Set("after", a)
		out.Del("before")
		return out, true
	}
	u, err := url.Parse(p.Next)
	if err != nil {
		return nil, false
	}
	link := u.Query()
	for _, k := range secretQueryKeys() {
		link.Del(k)
	}
	for k, v := range link {
		out[k] = v
	}
	if out.Encode() == q.Encode() {
		return nil, false // the link would fetch the same page again
	}
	return out, true
}

// listPage fetches one page of an edge.
func listPage[T any](ctx context.Context, c *Client, path string, q any) (*Page[T], error) {
	page := new(Page[T])
	if err := c.get(ctx, path, q, page); err != nil {
		return nil, err
	}
	return page, nil
}

// WithMaxPages caps the pages one iteration over an edge fetches (default
// DefaultMaxPages). n must be positive.
func WithMaxPages(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return &ValidationError{Field: "max pages", Rule: "must be positive"}
		}
		c.maxPages = n
		return nil
	}
}

// pageHook runs before each page is fetched; the function it returns (may be
// nil) runs once the page has arrived. An error ends the iteration.
type pageHook func(ctx context.Context) (after func(), err error)

// iterate returns an iterator over every item of an edge, fetching the next
// page only when the caller has consumed the previous one. It stops when the
// caller stops, at the last page, or at the first error, which it yields
// once (a cancelled ctx yields ctx's error).
func iterate[T any](ctx context.Context, c *Client, path string, opts any) iter.Seq2[T, error] {
	q, err := encodeValues(opts)
	if err != nil {
		return errSeq[T](err)
	}
	return pager[T](ctx, c, path, q, nil)
}

// pager is the one paging loop every iterator uses. before, if not nil,
// runs before each page (pacing). The loop ends with ErrPageCycle when a
// query repeats and with ErrPageLimit after the client's page cap.
func pager[T any](ctx context.Context, c *Client, path string, q url.Values, before pageHook) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := checkCtx(ctx); err != nil {
			yield(zero, err)
			return
		}
		limit := c.maxPages
		if limit <= 0 {
			limit = DefaultMaxPages
		}
		seen := map[string]bool{q.Encode(): true}
		for pages := 1; ; pages++ {
			var after func()
			if before != nil {
				var err error
				if after, err = before(ctx); err != nil {
					yield(zero, err)
					return
				}
			}
			page, err := listPage[T](ctx, c, path, q)
			if after != nil {
				after()
			}
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if err := ctx.Err(); err != nil {
					yield(zero, err)
					return
				}
				if !yield(item, nil) {
					return
				}
			}
			next, ok := nextQuery(q, page.Paging)
			if !ok {
				return
			}
			key := next.Encode()
			if seen[key] {
				yield(zero, fmt.Errorf("%w after %d pages of %s", ErrPageCycle, pages, path))
				return
			}
			if pages >= limit {
				yield(zero, fmt.Errorf("%w (%d pages) on %s", ErrPageLimit, limit, path))
				return
			}
			seen[key] = true
			q = next
		}
	}
}

// getObject reads the object with the given id; what names the id in a
// validation error, defaults are the fields asked when opts chooses none.
func getObject[T any](ctx context.Context, c *Client, what, id string, opts any, defaults string) (*T, error) {
	if err := checkID(what, id); err != nil {
		return nil, err
	}
	q, err := withFields(opts, defaults)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := c.get(ctx, pathEscape(id), q, v); err != nil {
		return nil, err
	}
	return v, nil
}

// edgePage fetches one page of the edge /{id}/{edge}.
func edgePage[T any](ctx context.Context, c *Client, what, id, edge string, opts any, defaults string) (*Page[T], error) {
	if err := checkID(what, id); err != nil {
		return nil, err
	}
	q, err := withFields(opts, defaults)
	if err != nil {
		return nil, err
	}
	return listPage[T](ctx, c, pathEscape(id)+"/"+edge, q)
}

// edgeAll iterates over the edge /{id}/{edge}, a page at a time.
func edgeAll[T any](ctx context.Context, c *Client, what, id, edge string, opts any, defaults string) iter.Seq2[T, error] {
	if err := checkID(what, id); err != nil {
		return errSeq[T](err)
	}
	q, err := withFields(opts, defaults)
	if err != nil {
		return errSeq[T](err)
	}
	return iterate[T](ctx, c, pathEscape(id)+"/"+edge, q)
}

// withFields returns opts' query with a default fields list when the caller
// chose none.
func withFields(opts any, defaults string) (url.Values, error) {
	q, err := encodeValues(opts)
	if err != nil {
		return nil, err
	}
	if q.Get("fields") == "" && defaults != "" {
		q.Set("fields", defaults)
	}
	return q, nil
}
