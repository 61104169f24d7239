package instagram_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

const (
	envTokenChild = "IGSDK_TOKEN_CHILD"
	envTokenURL   = "IGSDK_TOKEN_URL"
	envTokenNow   = "IGSDK_TOKEN_NOW"
)

// TestTokenChildProcess is the body of the child processes of
// TestFileTokenStoreTwoProcessesRefreshOnce; it does nothing otherwise.
func TestTokenChildProcess(t *testing.T) {
	path := os.Getenv(envTokenChild)
	if path == "" {
		t.Skip("runs only as a child process")
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv(envTokenNow))
	require.NoError(t, err)
	store := instagram.FileTokenStore{Path: path}
	tok, err := store.Load(context.Background())
	require.NoError(t, err)
	require.NotNil(t, tok)
	auth, err := instagram.NewClient(instagram.WithBaseURL(os.Getenv(envTokenURL)))
	require.NoError(t, err)
	ts := auth.Auth.TokenSource(tok, &instagram.TokenSourceOptions{Store: store, Now: func() time.Time { return now }})
	// Both children hold the old token; the parent lets them go together.
	fmt.Println("ready")
	_, err = bufio.NewReader(os.Stdin).ReadString('\n')
	require.NoError(t, err)
	got, err := ts.Token()
	require.NoError(t, err)
	fmt.Println("token", got.AccessToken != tok.AccessToken)
}

func TestFileTokenStoreTwoProcessesRefreshOnce(t *testing.T) {
	f := newRefreshFixture(t)
	f.clk.Advance(60*24*time.Hour - 6*time.Hour) // six hours left: due
	path := filepath.Join(t.TempDir(), "token.json")
	store := instagram.FileTokenStore{Path: path}
	require.NoError(t, store.Save(context.Background(), f.tok))

	type child struct {
		cmd   *exec.Cmd
		in    *os.File
		lines *bufio.Scanner
	}
	var kids []child
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTokenChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), envTokenChild+"="+path, envTokenURL+"="+f.srv.URL,
			envTokenNow+"="+f.clk.Now().Format(time.RFC3339Nano))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		r, w, err := os.Pipe()
		require.NoError(t, err)
		cmd.Stdin = r
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		r.Close()
		kids = append(kids, child{cmd: cmd, in: w, lines: bufio.NewScanner(out)})
	}
	waitFor := func(c child, prefix string) string {
		for c.lines.Scan() {
			if l := c.lines.Text(); len(l) >= len(prefix) && l[:len(prefix)] == prefix {
				return l
			}
		}
		t.Fatalf("child ended before printing %q", prefix)
		return ""
	}
	for _, c := range kids {
		waitFor(c, "ready")
	}
	for _, c := range kids {
		_, err := c.in.WriteString("go\n")
		require.NoError(t, err)
	}
	for _, c := range kids {
		assert.Equal(t, "token true", waitFor(c, "token"), "each process ends with the new token")
		for c.lines.Scan() {
		}
		require.NoError(t, c.cmd.Wait())
		c.in.Close()
	}
	assert.Equal(t, 1, f.refreshes(), "two processes sharing the file make one refresh")
	saved, err := store.Load(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, f.tok.AccessToken, saved.AccessToken)
}

func TestFileTokenStoreFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	// No file: no token, no error.
	got, err := instagram.FileTokenStore{Path: filepath.Join(dir, "none.json")}.Load(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)

	// A corrupt file is reported as such, without its content.
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"access_token":"IGAAsecretpart`), 0o600))
	_, err = instagram.FileTokenStore{Path: bad}.Load(ctx)
	require.ErrorIs(t, err, instagram.ErrCorruptTokenFile)
	assert.NotContains(t, err.Error(), "IGAAsecretpart")
	require.NoError(t, os.WriteFile(bad, []byte(`{"user_id":"1"}`), 0o600))
	_, err = instagram.FileTokenStore{Path: bad}.Load(ctx)
	require.ErrorIs(t, err, instagram.ErrCorruptTokenFile)

	// A symlinked path stays a link; its target gets the token.
	target := filepath.Join(dir, "real", "token.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o700))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(target, link))
	store := instagram.FileTokenStore{Path: link}
	require.NoError(t, store.Save(ctx, &instagram.Token{AccessToken: "IGAAone"}))
	require.NoError(t, store.Save(ctx, &instagram.Token{AccessToken: "IGAAtwo"}))
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the path is still a symlink")
	got, err = instagram.FileTokenStore{Path: target}.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "IGAAtwo", got.AccessToken)

	// nil context and nil token are validation errors.
	//lint:ignore SA1012 nil ctx is what is tested
	_, err = store.Load(nil) //nolint:staticcheck
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.ErrorIs(t, store.Save(ctx, nil), instagram.ErrValidation)
}

func TestFileTokenStoreLockExcludes(t *testing.T) {
	store := instagram.FileTokenStore{Path: filepath.Join(t.TempDir(), "token.json")}
	unlock, err := store.Lock(context.Background(), time.Minute)
	require.NoError(t, err)

	// Another holder waits, bounded by its ctx.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = store.Lock(ctx, time.Minute)
	require.ErrorIs(t, err, context.Canceled)

	require.NoError(t, unlock(context.Background()))
	unlock2, err := store.Lock(context.Background(), time.Minute)
	require.NoError(t, err)
	require.NoError(t, unlock2(context.Background()))
}

func TestTokenSourceRefreshHonoursCallerContext(t *testing.T) {
	f := newRefreshFixture(t)
	f.clk.Advance(60*24*time.Hour - 6*time.Hour) // due

	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		http.Error(w, `{"error":{"message":"late","code":2}}`, http.StatusServiceUnavailable)
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) })
	auth, err := instagram.NewClient(instagram.WithBaseURL(hung.URL))
	require.NoError(t, err)
	ts := auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{Now: f.clk.Now})
	client, err := instagram.NewClient(instagram.WithBaseURL(f.srv.URL), instagram.WithTokenSource(ts))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := client.Users.Me(ctx, nil)
		done <- err
	}()
	<-arrived // the refresh hangs now
	cancel()
	select {
	case err := <-done:
		assert.True(t, errors.Is(err, context.Canceled), "the call ends with its ctx: %v", err)
	case <-time.After(30 * time.Second): // failure guard only, not a timing assertion
		t.Fatal("the call waited behind the hung refresh")
	}
}

func TestTokenSourceFastClockStillRefreshes(t *testing.T) {
	f := newRefreshFixture(t)
	f.clk.Advance(60*24*time.Hour - 30*time.Minute) // thirty minutes left on Meta's clock
	fast := func() time.Time { return f.clk.Now().Add(time.Hour) }
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{Now: fast})

	got, err := ts.Token()
	require.NoError(t, err, "a token that only looks expired is refreshed, not declared dead")
	assert.NotEqual(t, f.tok.AccessToken, got.AccessToken)
	assert.Equal(t, 1, f.refreshes())
}
