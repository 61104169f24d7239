package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// dotIDs are ids that would move a request to another endpoint.
var dotIDs = []string{".", "..", "%2e", "%2E%2e", ".%2E", "%252e%252e"}

// hasDotSegment reports whether an escaped request path holds a segment
// that is a dot segment, percent-encoded or not.
func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		for range 3 {
			if seg == "." || seg == ".." {
				return true
			}
			u, err := url.PathUnescape(seg)
			if err != nil || u == seg {
				break
			}
			seg = u
		}
	}
	return false
}

// No method sends a request whose path holds a dot segment, whatever its
// string arguments; the ones that refuse say so with ErrValidation.
func TestDotSegmentIDsNeverSent(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	record := func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		return jsonResponder(200, `{"id":"1","data":[],"success":true}`)(r)
	}
	c, mt := newMockClient(t)
	mt.RegisterNoResponder(record)
	for _, id := range dotIDs {
		for name, m := range ctxMethods(c) {
			typ := m.Type()
			args := []reflect.Value{reflect.ValueOf(context.Background())}
			hasString := false
			for i := 1; i < typ.NumIn(); i++ {
				if typ.IsVariadic() && i == typ.NumIn()-1 {
					break
				}
				if typ.In(i).Kind() == reflect.String {
					hasString = true
					args = append(args, reflect.ValueOf(id).Convert(typ.In(i)))
					continue
				}
				args = append(args, argFor(typ.In(i)))
			}
			if !hasString {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			args[0] = reflect.ValueOf(ctx)
			paths = paths[:0]
			outs := m.Call(args)
			_ = firstError(t, outs, reflect.TypeFor[error]())
			cancel()
			mu.Lock()
			for _, p := range paths {
				assert.False(t, hasDotSegment(p), "%s(%q) sent %s", name, id, p)
			}
			mu.Unlock()
		}
	}
}

// An id that is a dot segment, or carries bytes that change the path, is
// refused with ErrValidation before any request.
func TestImplausibleIDsRejected(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterNoResponder(jsonResponder(200, `{"success":true}`))
	bad := append([]string{"a/b", "a?b", "a#b", "a\\b", "a b", "a\nb", "a%2fb", strings.Repeat("1", 300)}, dotIDs...)
	for _, id := range bad {
		_, err := c.Comments.Reply(context.Background(), id, "hi")
		assert.True(t, errors.Is(err, instagram.ErrValidation), "Reply(%q): %v", id, err)
		err = c.Comments.Delete(context.Background(), id)
		assert.True(t, errors.Is(err, instagram.ErrValidation), "Delete(%q): %v", id, err)
		_, err = c.Media.Get(context.Background(), id, nil)
		assert.True(t, errors.Is(err, instagram.ErrValidation), "Get(%q): %v", id, err)
	}
	require.Zero(t, mt.GetTotalCallCount())
	// A raw request with a dot segment is refused too.
	_, err := c.NewRequest(context.Background(), http.MethodDelete, "123/../456", nil, nil)
	assert.True(t, errors.Is(err, instagram.ErrValidation), "%v", err)
}
