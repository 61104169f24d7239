package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// cursorServer answers every page with one item and the cursor that
// next(n) gives for the n-th request.
func cursorServer(calls *atomic.Int64, next func(n int64) string) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		n := calls.Add(1)
		cur := next(n)
		body := fmt.Sprintf(`{"data":[{"id":"%d"}],"paging":{"cursors":{"after":%q},"next":"https://graph.test/v25.0/x?after=%s"}}`, n, cur, cur)
		return jsonResponder(200, body)(r)
	}
}

func drain[T any](seq func(func(T, error) bool)) (int, error) {
	n := 0
	var last error
	seq(func(_ T, err error) bool {
		if err != nil {
			last = err
			return false
		}
		n++
		return true
	})
	return n, last
}

// A server that alternates two cursors ends the iteration with ErrPageCycle
// instead of looping forever; so does AllConversations.
func TestIteratorStopsOnCursorCycle(t *testing.T) {
	alternate := func(n int64) string { return []string{"A", "B"}[n%2] }
	var calls atomic.Int64
	c, mt := newMockClient(t)
	mt.RegisterNoResponder(cursorServer(&calls, alternate))
	_, err := drain(c.Media.All(context.Background(), "17841400000000000", nil))
	require.ErrorIs(t, err, instagram.ErrPageCycle)
	assert.LessOrEqual(t, calls.Load(), int64(3))

	// AllConversations paces its pages (2/s): a fake clock keeps it fast.
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		c, mt := newMockClient(t)
		mt.RegisterNoResponder(cursorServer(&calls, alternate))
		_, err := drain(c.Messaging.AllConversations(context.Background(), "17841400000000000", nil))
		require.ErrorIs(t, err, instagram.ErrPageCycle)
		assert.LessOrEqual(t, calls.Load(), int64(3))
	})
}

// An edge with ever new cursors stops at the page cap with ErrPageLimit,
// after exactly that many requests.
func TestIteratorPageCap(t *testing.T) {
	fresh := func(n int64) string { return fmt.Sprintf("C%d", n) }
	var calls atomic.Int64
	c, mt := newMockClient(t, instagram.WithMaxPages(5))
	mt.RegisterNoResponder(cursorServer(&calls, fresh))
	items, err := drain(c.Media.All(context.Background(), "17841400000000000", nil))
	require.ErrorIs(t, err, instagram.ErrPageLimit)
	assert.Equal(t, 5, items)
	assert.Equal(t, int64(5), calls.Load())

	_, err = instagram.NewClient(instagram.WithMaxPages(0))
	assert.True(t, errors.Is(err, instagram.ErrValidation))
}

// The default cap is DefaultMaxPages.
func TestIteratorDefaultPageCap(t *testing.T) {
	fresh := func(n int64) string { return fmt.Sprintf("C%d", n) }
	var calls atomic.Int64
	c, mt := newMockClient(t)
	mt.RegisterNoResponder(cursorServer(&calls, fresh))
	_, err := drain(c.Media.All(context.Background(), "17841400000000000", nil))
	require.ErrorIs(t, err, instagram.ErrPageLimit)
	assert.Equal(t, int64(instagram.DefaultMaxPages), calls.Load())
}
