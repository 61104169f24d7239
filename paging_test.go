package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// pagedResponder serves pages keyed by the after cursor; each next link
// carries the access token, as Meta's do.
func pagedResponder(t *testing.T, pages map[string]string, seen *[]string) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.URL.Query().Get("access_token"), "a token-bearing next link was replayed")
		after := r.URL.Query().Get("after")
		*seen = append(*seen, after)
		body, ok := pages[after]
		if !ok {
			return jsonResponder(400, `{"error":{"message":"bad cursor","code":100}}`)(r)
		}
		return jsonResponder(200, body)(r)
	}
}

func TestAllFollowsPagesIncludingEmptyMiddlePage(t *testing.T) {
	c, mt := newMockClient(t)
	next := func(after string) string {
		return fmt.Sprintf(`"next":"%s/v25.0/1/media?access_token=LEAKED&after=%s&limit=2"`, testBase, after)
	}
	pages := map[string]string{
		"":   `{"data":[{"id":"m1"},{"id":"m2"}],"paging":{"cursors":{"before":"b0","after":"c1"},` + next("c1") + `}}`,
		"c1": `{"data":[],"paging":{"cursors":{"before":"b1","after":"c2"},` + next("c2") + `}}`,
		"c2": `{"data":[{"id":"m3"}],"paging":{"cursors":{"before":"b2","after":"c3"}}}`,
	}
	var seen []string
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", pagedResponder(t, pages, &seen))

	var ids []string
	for m, err := range c.Media.All(context.Background(), "1", &instagram.ListOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"m1", "m2", "m3"}, ids)
	assert.Equal(t, []string{"", "c1", "c2"}, seen)
}

func TestAllIsLazy(t *testing.T) {
	c, mt := newMockClient(t)
	pages := map[string]string{
		"":   `{"data":[{"id":"m1"},{"id":"m2"}],"paging":{"cursors":{"after":"c1"},"next":"https://x/next"}}`,
		"c1": `{"data":[{"id":"m3"}],"paging":{"cursors":{"after":"c2"},"next":"https://x/next2"}}`,
	}
	var seen []string
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", pagedResponder(t, pages, &seen))
	for m := range c.Media.All(context.Background(), "1", nil) {
		if m.ID == "m2" {
			break
		}
	}
	assert.Equal(t, 1, mt.GetTotalCallCount(), "the second page is not fetched when the caller stops")
}

func TestAllYieldsErrorOnce(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.NoRetries))
	pages := map[string]string{
		"": `{"data":[{"id":"m1"}],"paging":{"cursors":{"after":"gone"},"next":"https://x/next"}}`,
	}
	var seen []string
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", pagedResponder(t, pages, &seen))
	var items, errs int
	for _, err := range c.Media.All(context.Background(), "1", nil) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, instagram.ErrValidation)
			continue
		}
		items++
	}
	assert.Equal(t, 1, items)
	assert.Equal(t, 1, errs)
}

func TestAllStopsOnCancel(t *testing.T) {
	c, mt := newMockClient(t)
	pages := map[string]string{
		"":   `{"data":[{"id":"m1"},{"id":"m2"},{"id":"m3"}],"paging":{"cursors":{"after":"c1"},"next":"https://x/n"}}`,
		"c1": `{"data":[{"id":"m4"}]}`,
	}
	var seen []string
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", pagedResponder(t, pages, &seen))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var errs []error
	for m, err := range c.Media.All(ctx, "1", nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, m.ID)
		if m.ID == "m1" {
			cancel()
		}
	}
	assert.Equal(t, []string{"m1"}, got)
	require.Len(t, errs, 1)
	assert.True(t, errors.Is(errs[0], context.Canceled))
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestTimePagingFollowsLinkParametersWithoutToken(t *testing.T) {
	c, mt := newMockClient(t)
	var untils []string
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		assert.Empty(t, q.Get("access_token"))
		untils = append(untils, q.Get("until"))
		if q.Get("until") == "" {
			return jsonResponder(200, `{"data":[{"id":"a"}],"paging":{"next":"`+testBase+`/v25.0/1/media?access_token=LEAK&until=1364587774&limit=1"}}`)(r)
		}
		return jsonResponder(200, `{"data":[{"id":"b"}],"paging":{"next":"`+testBase+`/v25.0/1/media?access_token=LEAK&until=1364587774&limit=1"}}`)(r)
	})
	var ids []string
	for m, err := range c.Media.All(context.Background(), "1", nil) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b"}, ids, "stops when the link would repeat the same page")
	assert.Equal(t, []string{"", "1364587774"}, untils)
}

func TestListReturnsOnePage(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1/media", jsonResponder(200,
		`{"data":[{"id":"m1","media_type":"VIDEO","media_product_type":"REELS","timestamp":"2025-01-02T03:04:05+0000"}],"paging":{"cursors":{"before":"B","after":"A"},"next":"https://n"}}`))
	page, err := c.Media.List(context.Background(), "1", &instagram.ListOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, instagram.MediaProductTypeReels, page.Data[0].MediaProductType)
	assert.Equal(t, "A", page.Paging.Cursors.After)
	assert.True(t, page.HasNext())
}
