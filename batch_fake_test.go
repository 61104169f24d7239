package instagram_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func TestBatchOnFakeServer(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithMediaCount(120))
	defer srv.Close()
	c, err := srv.FacebookClient()
	require.NoError(t, err)
	media := srv.Media()
	require.GreaterOrEqual(t, len(media), 120)

	ops := make([]instagram.BatchOperation, 120)
	for i := range ops {
		ops[i] = instagram.BatchOperation{Path: media[i].ID, Query: url.Values{"fields": {"id,media_type,permalink"}}}
	}
	srv.ResetRequests()
	res, err := c.Batch(context.Background(), ops, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount("POST", "/"), "120 reads in 3 round trips")
	for i, r := range res {
		var m instagram.Media
		require.NoError(t, r.Decode(&m))
		assert.Equal(t, media[i].ID, m.ID)
		assert.Equal(t, media[i].Permalink, m.Permalink)
		assert.Equal(t, instagram.MediaType(media[i].MediaType), m.MediaType)
	}

	// Named operations with a reference between them.
	res, err = c.Batch(context.Background(), []instagram.BatchOperation{
		{Path: srv.UserID + "/media", Query: url.Values{"limit": {"2"}}, Name: "latest"},
		{Path: "{result=latest:$.data.0.id}", Query: url.Values{"fields": {"id,caption"}}},
	}, nil)
	require.NoError(t, err)
	var first instagram.Media
	require.NoError(t, res[1].Decode(&first))
	assert.Equal(t, media[0].ID, first.ID)
	assert.Equal(t, media[0].Caption, first.Caption)

	// An operation on a missing object fails alone.
	res, err = c.Batch(context.Background(), []instagram.BatchOperation{{Path: "17800000000000000"}, {Path: media[1].ID}}, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, res[0].Decode(nil), instagram.ErrNotFound)
	assert.NoError(t, res[1].Decode(nil))
}

func TestBatchFallbackAndGetManyOnFakeServer(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	c, err := srv.Client() // Instagram Login: no batch endpoint, parallel requests instead
	require.NoError(t, err)
	media := srv.Media()
	ops := []instagram.BatchOperation{{Path: media[0].ID}, {Path: media[1].ID}}
	res, err := c.Batch(context.Background(), ops, nil)
	require.NoError(t, err)
	var m instagram.Media
	require.NoError(t, res[1].Decode(&m))
	assert.Equal(t, media[1].ID, m.ID)
	assert.Zero(t, srv.RequestCount("POST", "/"))

}

// GetMany never uses Meta's multi-id lookup (closed to new apps since
// 2026-11-04, and refused by the fake): batch requests with Facebook Login,
// single GETs with Instagram Login. An unknown id is reported, not dropped.
func TestGetManyPerLoginOnFakeServer(t *testing.T) {
	for _, login := range []string{"instagram", "facebook"} {
		t.Run(login, func(t *testing.T) {
			srv := instagramtest.NewServer(instagramtest.WithMediaCount(120))
			defer srv.Close()
			c, err := srv.Client()
			if login == "facebook" {
				c, err = srv.FacebookClient()
			}
			require.NoError(t, err)
			media := srv.Media()
			ids := make([]string, 0, len(media)+2)
			for _, x := range media {
				ids = append(ids, x.ID)
			}
			const missing = "17800000000000000"
			ids = append(ids, missing, media[0].ID) // an unknown id and a repeat
			srv.ResetRequests()
			got, err := c.Media.GetMany(context.Background(), ids, nil)
			var many *instagram.ManyError
			require.ErrorAs(t, err, &many)
			assert.ErrorIs(t, err, instagram.ErrNotFound)
			assert.Len(t, many.Errors, 1)
			assert.ErrorIs(t, many.Errors[missing], instagram.ErrNotFound)
			assert.Len(t, got, len(media))
			assert.Equal(t, media[5].Permalink, got[media[5].ID].Permalink)
			assert.Zero(t, srv.RequestCount("GET", "/"), "no GET /?ids=")
			if login == "facebook" {
				assert.Equal(t, 3, srv.RequestCount("POST", "/"), "121 distinct ids in batches of 50")
			} else {
				assert.Zero(t, srv.RequestCount("POST", "/"))
				assert.Equal(t, len(media)+1, srv.RequestCount("GET", "/*"), "one GET per distinct id")
			}
		})
	}
}

func TestGetManyHonoursContext(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Media.GetMany(ctx, []string{srv.Media()[0].ID, srv.Media()[1].ID}, nil)
	assert.ErrorIs(t, err, context.Canceled)
	//lint:ignore SA1012 a nil context is refused, not a panic
	_, err = c.Media.GetMany(nil, []string{srv.Media()[0].ID}, nil) //nolint:staticcheck
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestInsightsMediaManyOnFakeServer(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithMediaCount(120))
	defer srv.Close()
	c, err := srv.FacebookClient()
	require.NoError(t, err)
	var ids []string
	for _, m := range srv.Media() {
		ids = append(ids, m.ID)
	}
	opts := &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReach}}
	ctx := context.Background()
	srv.ResetRequests()
	res, err := c.Insights.MediaMany(ctx, append(ids, "17800000000000000"), opts)
	require.NoError(t, err)
	assert.Equal(t, (len(ids)+1+49)/50, srv.RequestCount("POST", "/"))
	require.Len(t, res, len(ids)+1)
	for i, id := range ids[:10] {
		one, err := c.Insights.Media(ctx, id, opts)
		require.NoError(t, err)
		assert.Equal(t, id, res[i].MediaID)
		require.NoError(t, res[i].Err)
		assert.Equal(t, one.Metric(instagram.MetricReach), res[i].Insights.Metric(instagram.MetricReach), "batched and single answers agree")
	}
	assert.ErrorIs(t, res[len(ids)].Err, instagram.ErrNotFound)
}
