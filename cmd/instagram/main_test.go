package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/webhook"
)

// syncBuffer is a buffer safe for a command writing while the test reads,
// which can wait for a text to appear.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor blocks until the buffer holds text (or the test's context ends).
func (s *syncBuffer) waitFor(t *testing.T, text string) string {
	t.Helper()
	for {
		if v := s.String(); strings.Contains(v, text) {
			return v
		}
		select {
		case <-s.changed:
		case <-time.After(time.Minute): // a guard against hanging, not a speed check
			t.Fatalf("%q never appeared in %q", text, s.String())
		case <-t.Context().Done():
			t.Fatalf("%q never appeared in %q", text, s.String())
		}
	}
}

type env map[string]string

// cli runs one command line in process.
type cli struct {
	t   *testing.T
	env env
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, env: env{"INSTAGRAM_CONFIG_DIR": t.TempDir()}}
}

func (c *cli) app(out, errOut io.Writer) *app {
	a := newApp(strings.NewReader(""), out, errOut)
	a.getenv = func(k string) string { return c.env[k] }
	a.openBrowser = func(string) error { return io.EOF }
	a.isTerminal = func(io.Writer) bool { return false }
	a.progressEvery = time.Millisecond
	a.poll = time.Millisecond
	return a
}

func (c *cli) run(argv ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	var o, e bytes.Buffer
	code = c.app(&o, &e).run(c.t.Context(), argv)
	return o.String(), e.String(), code
}

// ok runs a command that must succeed.
func (c *cli) ok(argv ...string) (stdout, stderr string) {
	c.t.Helper()
	o, e, code := c.run(argv...)
	require.Equal(c.t, exitOK, code, "instagram %s\nstdout: %s\nstderr: %s", strings.Join(argv, " "), o, e)
	return o, e
}

func fakeArgs(srv *instagramtest.Server, argv ...string) []string {
	return append([]string{"--base-url", srv.URL, "--token", srv.AccessToken}, argv...)
}

// fbArgs reaches the fake the Facebook Login way: uploads from a file
// (resumable uploads) are documented for Facebook Login only.
func fbArgs(srv *instagramtest.Server, argv ...string) []string {
	return append([]string{"--base-url", srv.URL, "--token", srv.FacebookAccessToken, "--facebook"}, argv...)
}

func newFake(t *testing.T, opts ...instagramtest.Option) *instagramtest.Server {
	srv := instagramtest.NewServer(append([]instagramtest.Option{instagramtest.WithContainerPolls(1)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

func TestMeAgainstFake(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	out, _ := c.ok(fakeArgs(srv, "me")...)
	acct := srv.Account()
	assert.Contains(t, out, acct.Username+" ("+srv.UserID+")")

	out, _ = c.ok(fakeArgs(srv, "me", "--json")...)
	u := decode[instagram.User](t, out)
	assert.Equal(t, acct.Username, u.Username)
	assert.Equal(t, acct.FollowersCount, u.FollowersCount)

	// Facebook Login: the account comes from the Page.
	out, _ = c.ok("--base-url", srv.URL, "--token", srv.FacebookAccessToken, "--facebook", "me", "--json")
	u = decode[instagram.User](t, out)
	assert.Equal(t, srv.UserID, u.ID)
	assert.Equal(t, acct.Username, u.Username)
}

func TestEnvironmentAndBuiltInFake(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	c.env["INSTAGRAM_ACCESS_TOKEN"] = srv.AccessToken
	c.env["INSTAGRAM_GRAPH_URL"] = srv.URL
	out, errOut := c.ok("me", "--json")
	assert.Equal(t, srv.Account().Username, decode[instagram.User](t, out).Username)
	assert.NotContains(t, errOut, "built-in fake")

	c = newCLI(t)
	out, errOut = c.ok("me")
	assert.Contains(t, errOut, "using the built-in fake API")
	assert.Contains(t, out, "followers:")
}

func TestExitCodes(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	_, errOut, code := c.run("--base-url", srv.URL, "--token", "IGAAnotatoken123", "me")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "Meta API error code 190")

	_, errOut, code = c.run(fakeArgs(srv, "media", "get", "999999")...)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "code 100")

	for _, argv := range [][]string{{"nope"}, {"media", "get"}, {"me", "--no-such-flag"}, {"media", "list", "--limit", "500"}, {"publish", "image", "photo.jpg"}} {
		_, errOut, code = c.run(argv...)
		assert.Equal(t, exitUsage, code, "%v: %s", argv, errOut)
	}
	_, _, code = c.run("--help")
	assert.Equal(t, exitOK, code)
}

func TestMediaCommands(t *testing.T) {
	srv := newFake(t, instagramtest.WithMediaCount(30))
	c := newCLI(t)
	out, _ := c.ok(fakeArgs(srv, "media", "list", "--limit", "5", "--json")...)
	page := decode[[]instagram.Media](t, out)
	require.Len(t, page, 5)

	out, _ = c.ok(fakeArgs(srv, "media", "list", "--all", "--json")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Len(t, lines, len(srv.Media()), "one JSON line per media, every page followed")
	first := decode[instagram.Media](t, lines[0])
	assert.Equal(t, page[0].ID, first.ID)

	out, _ = c.ok(fakeArgs(srv, "media", "get", first.ID)...)
	assert.Contains(t, out, first.Permalink)

	out, _ = c.ok(fakeArgs(srv, "insights", "media", first.ID, "--metric", "reach,likes", "--json")...)
	res := decode[instagram.InsightsResult](t, out)
	assert.Len(t, res.Data, 2)
	out, _ = c.ok(fakeArgs(srv, "insights", "account", "--metric", "reach", "--period", "day")...)
	assert.Contains(t, out, "reach")
}

func TestCommentsCommands(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	media := srv.Media()[0].ID
	cid := srv.SimulateComment(media, "a_fan", "Love this")

	out, _ := c.ok(fakeArgs(srv, "comments", "list", media)...)
	assert.Contains(t, out, cid+"\t@a_fan\tLove this")

	out, _ = c.ok(fakeArgs(srv, "comments", "reply", cid, "Thank you!", "--json")...)
	reply := decode[instagram.Comment](t, out)
	got, ok := srv.Comment(reply.ID)
	require.True(t, ok)
	assert.Equal(t, "Thank you!", got.Text)

	c.ok(fakeArgs(srv, "comments", "hide", cid)...)
	got, _ = srv.Comment(cid)
	assert.True(t, got.Hidden)
	c.ok(fakeArgs(srv, "comments", "unhide", cid)...)
	got, _ = srv.Comment(cid)
	assert.False(t, got.Hidden)
	c.ok(fakeArgs(srv, "comments", "delete", reply.ID)...)
	_, ok = srv.Comment(reply.ID)
	assert.False(t, ok)
}

func TestMessagesCommands(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	igsid := srv.ContactID("a_fan")
	if igsid == "" {
		for _, u := range []string{"sami.daily", "customer"} {
			if igsid = srv.ContactID(u); igsid != "" {
				break
			}
		}
	}
	require.NotEmpty(t, igsid)
	srv.SimulateIncomingMessage(igsid, "Do you ship abroad?")

	out, _ := c.ok(fakeArgs(srv, "messages", "send", igsid, "Yes, everywhere.", "--json")...)
	res := decode[instagram.SendResult](t, out)
	assert.NotEmpty(t, res.MessageID)
	msgs, ok := srv.Conversation(igsid)
	require.True(t, ok)
	assert.Equal(t, "Yes, everywhere.", msgs[len(msgs)-1].Text)

	out, _ = c.ok(fakeArgs(srv, "messages", "list", "--json")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, lines)
	var convID string
	for _, l := range lines {
		cv := decode[instagram.Conversation](t, l)
		if cv.Participants != nil {
			for _, p := range cv.Participants.Data {
				if p.ID == igsid {
					convID = cv.ID
				}
			}
		}
	}
	require.NotEmpty(t, convID, out)
	out, _ = c.ok(fakeArgs(srv, "messages", "list", "--conversation", convID)...)
	assert.Contains(t, out, "Do you ship abroad?")
	assert.Contains(t, out, "Yes, everywhere.")
}

func writeFile(t *testing.T, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "clip.mp4")
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestPublishVideoFileWithProgress(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	path := writeFile(t, 3<<20)
	before := len(srv.Media())
	out, errOut := c.ok(fbArgs(srv, "publish", "video", path, "--caption", "From the CLI")...)

	var progress []string
	for _, l := range strings.Split(errOut, "\n") {
		if strings.HasPrefix(l, "upload: ") {
			progress = append(progress, l)
		}
	}
	require.NotEmpty(t, progress, errOut)
	assert.Equal(t, "upload: 3.0 MiB / 3.0 MiB (100%)", progress[len(progress)-1][:len("upload: 3.0 MiB / 3.0 MiB (100%)")])
	assert.Contains(t, progress[len(progress)-1], "/s ETA")
	assert.Contains(t, errOut, "Processing: FINISHED")
	assert.Less(t, strings.Index(errOut, "upload: "), strings.Index(errOut, "Processing: "), "upload, then processing")
	require.Contains(t, out, "Published ")
	assert.Contains(t, out, "https://www.instagram.com/reel/")

	assert.Len(t, srv.Media(), before+1, "published exactly once")
	newest := srv.Media()[0]
	assert.Equal(t, "From the CLI", newest.Caption)
	assert.Equal(t, 1, srv.RequestCount("POST", "/"+srv.UserID+"/media_publish"))
}

func TestPublishOtherKinds(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	out, _ := c.ok(fakeArgs(srv, "publish", "image", "https://example.com/a.jpg", "--caption", "Img", "--alt-text", "A door", "--json")...)
	m := decode[instagram.Media](t, out)
	assert.NotEmpty(t, m.Permalink)

	c.ok(fakeArgs(srv, "publish", "reel", "https://example.com/r.mp4", "--caption", "Reel")...)
	c.ok(fakeArgs(srv, "publish", "story", "https://example.com/s.jpg")...)
	c.ok(fbArgs(srv, "publish", "story", writeFile(t, 1<<20))...)
	out, _ = c.ok(fakeArgs(srv, "publish", "carousel", "https://example.com/1.jpg", "https://example.com/2.mp4", "--caption", "Album", "--json")...)
	m = decode[instagram.Media](t, out)
	got, ok := srv.MediaByID(m.ID)
	require.True(t, ok)
	assert.Equal(t, "Album", got.Caption)
	assert.Len(t, srv.Stories(), len(srv.Stories()))
}

func TestPublishResumeContinuesAnInterruptedUpload(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	path := writeFile(t, 2<<20)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	client, err := srv.FacebookClient(instagram.WithRetryPolicy(instagram.NoRetries))
	require.NoError(t, err)
	ctx := context.Background()
	ct, err := client.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{MediaType: instagram.ContainerReels, UploadType: "resumable", Caption: "Resumed"})
	require.NoError(t, err)
	srv.InjectUploadFailure(1 << 20)
	err = client.Media.UploadVideo(ctx, ct.ID, io.MultiReader(bytes.NewReader(data)), int64(len(data)))
	require.Error(t, err, "the upload breaks off half way")

	out, errOut := c.ok(fbArgs(srv, "publish", "resume", ct.ID, path)...)
	assert.Contains(t, errOut, "Continuing the upload at byte 1048576 of 2097152.")
	assert.Contains(t, out, "Published ")
	got, _ := srv.Container(ct.ID)
	assert.Equal(t, int64(len(data)), got.BytesReceived)
	assert.Equal(t, "Resumed", srv.Media()[0].Caption)
}

func TestWebhooksTriggerIntoListen(t *testing.T) {
	const secret, verify = "app-secret-1", "verify-me"
	var forwarded sync.WaitGroup
	var fwdMu sync.Mutex
	var fwdOK int
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer forwarded.Done()
		b, _ := io.ReadAll(r.Body)
		if webhook.VerifySignature(b, r.Header.Get(webhook.SignatureHeader), secret) == nil {
			fwdMu.Lock()
			fwdOK++
			fwdMu.Unlock()
		}
	}))
	t.Cleanup(app.Close)

	c := newCLI(t)
	ctx, cancel := context.WithCancel(t.Context())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	lout, lerr := newSyncBuffer(), newSyncBuffer()
	done := make(chan int, 1)
	go func() {
		done <- c.app(lout, lerr).run(ctx, []string{"webhooks", "listen", "--addr", addr, "--secret", secret, "--verify-token", verify, "--forward-to", app.URL, "--json"})
	}()
	lerr.waitFor(t, "Receiving webhooks at http://"+addr)

	// The verification handshake.
	resp, err := http.Get("http://" + addr + "/webhook?hub.mode=subscribe&hub.verify_token=" + verify + "&hub.challenge=12345")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, "12345", string(b))

	for i, ev := range webhookEvents {
		forwarded.Add(1)
		out, _ := c.ok("webhooks", "trigger", ev, "--url", "http://"+addr+"/webhook", "--secret", secret, "--account", "17841400000000042")
		assert.Contains(t, out, "200 OK")
		line := strings.Split(strings.TrimSpace(lout.waitFor(t, `"kind":"`+ev+`"`)), "\n")[i]
		got := decode[map[string]any](t, line)
		assert.Equal(t, ev, got["kind"], "the SDK's decoder types it as %s", ev)
		assert.Equal(t, "17841400000000042", got["account_id"])
		assert.Equal(t, true, got["signature_verified"])
	}
	forwarded.Wait()
	assert.Equal(t, len(webhookEvents), fwdOK, "each delivery forwarded with its valid signature")

	// --set overrides; a wrong secret is refused.
	forwarded.Add(1)
	c.ok("webhooks", "trigger", "comments", "--url", "http://"+addr+"/webhook", "--secret", secret, "--set", "text=Custom text", "--set", "from.username=someone")
	last := lout.waitFor(t, "Custom text")
	assert.Contains(t, last, "someone")
	forwarded.Wait()
	_, errOut, code := c.run("webhooks", "trigger", "comments", "--url", "http://"+addr+"/webhook", "--secret", "wrong")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "403")
	lerr.waitFor(t, "refused a delivery")

	cancel()
	assert.Equal(t, exitOK, <-done)
}

func TestWebhooksSubscribeAndStatus(t *testing.T) {
	srv := newFake(t)
	c := newCLI(t)
	c.ok(fakeArgs(srv, "webhooks", "subscribe", "--fields", "comments,messages")...)
	out, _ := c.ok(fakeArgs(srv, "webhooks", "status", "--json")...)
	apps := decode[[]instagram.SubscribedApp](t, out)
	require.Len(t, apps, 1)
	assert.ElementsMatch(t, []string{"comments", "messages"}, apps[0].SubscribedFields)

	fb := []string{"--base-url", srv.URL, "--token", srv.FacebookAccessToken, "--facebook"}
	// A Page's subscribed_apps takes Page fields only (Instagram fields go
	// on the app's instagram subscription).
	c.ok(append(fb, "webhooks", "subscribe", "--fields", "feed")...)
	out, _ = c.ok(append(fb, "webhooks", "status")...)
	assert.Contains(t, out, "feed")
}

func TestFakeServesPlainHTTP(t *testing.T) {
	c := newCLI(t)
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- c.app(pw, io.Discard).run(ctx, []string{"fake", "--addr", "127.0.0.1:0", "--seed", "3"})
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 6 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.Len(t, lines, 6)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, ok := strings.CutPrefix(lines[0], "listening on http://")
	require.True(t, ok, lines[0])
	_, _, err := net.SplitHostPort(base)
	require.NoError(t, err)
	tok, ok := strings.CutPrefix(lines[1], "instagram-login token: ")
	require.True(t, ok)
	fbTok, ok := strings.CutPrefix(lines[2], "facebook-login token: ")
	require.True(t, ok)
	acct, ok := strings.CutPrefix(lines[3], "account id: ")
	require.True(t, ok)
	for _, s := range []string{tok, fbTok, acct} {
		assert.Regexp(t, `^[A-Za-z0-9]+$`, s)
	}

	resp, err := http.Get("http://" + base + "/v25.0/me?fields=id,username&access_token=" + tok)
	require.NoError(t, err)
	var me map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&me))
	_ = resp.Body.Close()
	assert.Equal(t, acct, me["id"])
	assert.NotEmpty(t, me["username"])

	req, _ := http.NewRequest(http.MethodGet, "http://"+base+"/v25.0/me/accounts?fields=instagram_business_account", nil)
	req.Header.Set("Authorization", "Bearer "+fbTok)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Contains(t, string(b), acct, "Facebook Login host style")

	cancel()
	assert.Equal(t, exitOK, <-done)
}

func TestFakeFaultFlag(t *testing.T) {
	f, err := parseFault("/*/media_publish=500@0.5")
	require.NoError(t, err)
	assert.Equal(t, "/*/media_publish", f.Path)
	assert.InDelta(t, 0.5, f.Probability, 1e-9)
	for _, bad := range []string{"nokind", "/x=teapot", "/x=500@2"} {
		_, err := parseFault(bad)
		assert.Error(t, err, bad)
	}
}

func TestLoginEndToEnd(t *testing.T) {
	for _, facebook := range []bool{false, true} {
		t.Run(map[bool]string{false: "instagram", true: "facebook"}[facebook], func(t *testing.T) {
			srv := newFake(t)
			c := newCLI(t)
			var o, e bytes.Buffer
			a := c.app(&o, &e)
			var opened string
			a.openBrowser = func(u string) error {
				opened = u
				go func() {
					// The browser: the fake approves at once and redirects
					// to the local callback.
					resp, err := http.Get(u)
					if err == nil {
						_ = resp.Body.Close()
					}
				}()
				return nil
			}
			argv := []string{"--base-url", srv.URL, "login", "--app-id", srv.AppID, "--app-secret", srv.AppSecret}
			if facebook {
				argv = append([]string{"--facebook"}, argv...)
			}
			require.Equal(t, exitOK, a.run(t.Context(), argv), e.String())
			assert.Contains(t, e.String(), opened, "the URL is printed too")
			assert.Contains(t, o.String(), "Logged in as "+srv.Account().Username)

			p := filepath.Join(c.env["INSTAGRAM_CONFIG_DIR"], "login.json")
			st, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
			raw, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.NotContains(t, string(raw), srv.AppSecret, "the app secret is not saved")

			out, errOut := c.ok("me", "--json")
			assert.NotContains(t, errOut, "built-in fake", "the saved login is used")
			assert.Equal(t, srv.Account().Username, decode[instagram.User](t, out).Username)

			out, _ = c.ok("token", "show")
			assert.Contains(t, out, srv.UserID)
			assert.NotContains(t, out, "IGAA")
			assert.NotContains(t, out, "EAA")

			if facebook {
				out, _ = c.ok("--facebook", "token", "debug", "--json")
				info := decode[map[string]any](t, out)
				assert.Equal(t, true, info["is_valid"])
				assert.Equal(t, srv.AppID, info["app_id"])
			} else {
				_, _, code := c.run("token", "debug")
				assert.Equal(t, exitUsage, code, "debug_token is Facebook Login only")
				// Meta refreshes only tokens at least a day old.
				_, errOut, code = c.run("token", "refresh")
				assert.Equal(t, exitError, code, errOut)
			}

			out, _ = c.ok("logout")
			assert.Contains(t, out, "Removed")
			_, err = os.Stat(p)
			assert.ErrorIs(t, err, os.ErrNotExist)
			_, errOut = c.ok("me")
			assert.Contains(t, errOut, "built-in fake")
		})
	}
}

func TestLoginNeedsAppCredentials(t *testing.T) {
	_, errOut, code := newCLI(t).run("login")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--app-id")
}

func TestDocsAreCurrent(t *testing.T) {
	b, err := markdown(newApp(nil, io.Discard, io.Discard).rootCmd())
	require.NoError(t, err)
	p := filepath.Join("..", "..", "docs", "cli.md")
	if os.Getenv("UPDATE_CLI_DOCS") == "1" {
		require.NoError(t, os.WriteFile(p, b, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(b), "docs/cli.md is stale: run UPDATE_CLI_DOCS=1 go test ./cmd/instagram -run TestDocsAreCurrent")
}

func TestPublishInterruptedSaysHowToResume(t *testing.T) {
	srv := newFake(t)
	srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/ig-api-upload/*/*", Kind: instagramtest.FaultDelay(time.Hour)})
	c := newCLI(t)
	path := writeFile(t, 1<<20)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errOut := newSyncBuffer()
	done := make(chan int, 1)
	go func() { done <- c.app(io.Discard, errOut).run(ctx, fbArgs(srv, "publish", "reel", path)) }()
	s := errOut.waitFor(t, " created.")
	id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "Container "), " created.")
	cancel() // Ctrl-C
	assert.Equal(t, exitError, <-done)
	assert.Contains(t, errOut.String(), "instagram publish resume "+id+" "+path)
	assert.Zero(t, srv.PublishQuotaUsed(), "nothing published")

	srv.ClearFaults()
	out, _ := c.ok(fbArgs(srv, "publish", "resume", id, path)...)
	assert.Contains(t, out, "Published ")
	got, _ := srv.Container(id)
	assert.Equal(t, int64(1<<20), got.BytesReceived)
}
