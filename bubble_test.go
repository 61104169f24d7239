package instagram_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// pipeListener is an in-memory network for the fake server: every dial
// makes a net.Pipe whose far end Accept returns. Blocking on a pipe is
// blocking on channels, so a test running the fake inside a
// testing/synctest bubble lets the bubble's clock move whenever every
// goroutine waits (on a backoff, a pacing slot, a window, or the network)
// instead of spending real time on it.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for the next dial.
func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close ends Accept and every later dial.
func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is a loopback address, so that the server's URL looks like a real
// one; nothing listens there, dials go through dial.
func (l *pipeListener) Addr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}
}

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
	case <-ctx.Done():
	}
	_ = client.Close()
	_ = server.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, net.ErrClosed
}

// bubbleFake starts the fake server on an in-memory network. Call it
// inside synctest.Test: the server, its connections and the client's all
// belong to the bubble, and are closed when the test ends. The returned
// transport is the only way to reach the server; give clients an
// http.Client using it (bubbleClient does).
func bubbleFake(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *http.Transport) {
	t.Helper()
	l := newPipeListener()
	srv := instagramtest.NewServer(append(opts, instagramtest.WithListener(l))...)
	tr := &http.Transport{DialContext: l.dial}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		tr.CloseIdleConnections()
	})
	return srv, tr
}

// bubbleClient is bubbleFake with a client of the server's Instagram Login
// account; opts come after the in-memory HTTP client.
func bubbleClient(t *testing.T, srvOpts []instagramtest.Option, opts ...instagram.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	srv, tr := bubbleFake(t, srvOpts...)
	c, err := srv.Client(append([]instagram.Option{instagram.WithHTTPClient(&http.Client{Transport: tr})}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

// bubblePublishFake is publishFake on the in-memory network of bubbleFake:
// call it inside synctest.Test.
func bubblePublishFake(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	return bubbleClient(t, opts, instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
}

// bubbleFakeServer is fakeServer (no retries) on the in-memory network of
// bubbleFake: call it inside synctest.Test, where the messaging pacing and
// the fake's messaging windows share the bubble's clock.
func bubbleFakeServer(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	return bubbleClient(t, opts, instagram.WithRetryPolicy(instagram.NoRetries))
}
