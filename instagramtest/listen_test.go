package instagramtest_test

import (
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/instagramtest"
)

func TestWithListenerServesOnTheGivenAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := instagramtest.NewServer(instagramtest.WithListener(l))
	t.Cleanup(srv.Close)
	assert.Equal(t, "http://"+l.Addr().String(), srv.URL)

	req, err := http.NewRequest(http.MethodGet, "http://"+l.Addr().String()+"/v25.0/me?fields=username", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
