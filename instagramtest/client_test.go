package instagramtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	instagram "github.com/igsdk/instagram"
)

func TestSDKClientReadsAccountAndMedia(t *testing.T) {
	s := newTestServer(t)
	c, err := s.Client()
	require.NoError(t, err)
	ctx := context.Background()

	me, err := c.Users.Me(ctx, nil)
	require.NoError(t, err)
	acct := s.Account()
	assert.Equal(t, s.UserID, me.ID)
	assert.Equal(t, acct.Username, me.Username)
	assert.Equal(t, acct.FollowersCount, me.FollowersCount)
	assert.Equal(t, acct.MediaCount, me.MediaCount)

	want := s.Media()
	i := 0
	for m, err := range c.Media.All(ctx, me.ID, &instagram.ListOptions{Limit: 7}) {
		require.NoError(t, err)
		require.Less(t, i, len(want))
		assert.Equal(t, want[i].ID, m.ID)
		assert.Equal(t, want[i].MediaType, string(m.MediaType))
		assert.Equal(t, want[i].Permalink, m.Permalink)
		assert.True(t, want[i].Timestamp.Equal(m.Timestamp.Time), "timestamp of %s", m.ID)
		i++
	}
	assert.Equal(t, len(want), i)
	assert.Equal(t, (len(want)+6)/7, s.RequestCount("GET", "/*/media"))
}

func TestSDKFacebookClient(t *testing.T) {
	s := newTestServer(t)
	c, err := s.FacebookClient()
	require.NoError(t, err)
	u, err := c.Users.Get(context.Background(), s.UserID, nil)
	require.NoError(t, err)
	assert.Equal(t, s.Account().Username, u.Username)
	me, err := c.Users.Me(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, s.FacebookUserID, me.ID)
}

func TestSDKSeesTokenAndRateLimitErrors(t *testing.T) {
	s := newTestServer(t, WithAccountRateLimit(1, time.Hour))
	expired, err := s.Client(instagram.WithAccessToken(s.ExpiredToken()))
	require.NoError(t, err)
	_, err = expired.Users.Me(context.Background(), nil)
	assert.ErrorIs(t, err, instagram.ErrTokenExpired)

	c, err := s.Client()
	require.NoError(t, err)
	_, err = c.Users.Me(context.Background(), nil)
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), s.UserID, nil)
	var rl *instagram.RateLimitError
	require.True(t, errors.As(err, &rl), "%v", err)
	assert.Positive(t, rl.RetryAfter)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)
}
