package instagram_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// A write answered 2xx without {"success": true} fails with ErrNotConfirmed,
// an error that does not pretend to be a Meta error envelope; every write
// that gets such an answer reads it the same way.
func TestFalseSuccessIsNotConfirmed(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(c *instagram.Client) error{
		"Comments.SetHidden": func(c *instagram.Client) error { return c.Comments.SetHidden(ctx, "178", true) },
		"Comments.Delete":    func(c *instagram.Client) error { return c.Comments.Delete(ctx, "178") },
		"Media.Delete":       func(c *instagram.Client) error { return c.Media.Delete(ctx, "178") },
	}
	for name, call := range calls {
		for _, body := range []string{`{"success":false}`, `{}`} {
			c, mt := newMockClient(t)
			mt.RegisterNoResponder(jsonResponder(200, body))
			err := call(c)
			require.ErrorIs(t, err, instagram.ErrNotConfirmed, "%s with %s", name, body)
			var apiErr *instagram.Error
			assert.False(t, errors.As(err, &apiErr), "%s: a false success is not a Meta error", name)
		}
		c, mt := newMockClient(t)
		mt.RegisterNoResponder(jsonResponder(200, `{"success":"true"}`))
		assert.NoError(t, call(c), name)
	}
}
