// Command moderation hides comments that contain blocked words or phrases.
//
//	go run ./examples/moderation                 # offline demo on the fake API, then exits
//	INSTAGRAM_ACCESS_TOKEN=IGAA... go run ./examples/moderation -words "scam,free followers" -media 10 -dry-run
//
// With INSTAGRAM_ACCESS_TOKEN set (an Instagram Login user token with
// instagram_business_manage_comments) it sweeps the comments and replies of
// the account's latest media and hides those that match (-dry-run only
// lists them); -lock-after N also turns comments off on a media where the
// sweep hid N comments or more. INSTAGRAM_GRAPH_URL overrides the API host.
// When INSTAGRAM_APP_SECRET and INSTAGRAM_VERIFY_TOKEN are set as well, it
// then serves a webhook at /webhook on PORT (default 8080) and hides new
// comments as they arrive, until interrupted; subscribe the app and the
// account to the comments and live_comments fields first (see
// examples/webhook-server).
//
// Without a token it runs offline: it starts the fake API of package
// instagramtest, has a spam bot and a few fans comment, sweeps, then serves
// the webhook on a loopback port, subscribes to comments on the fake and
// moderates new comments as they are delivered.
//
// Words match whole words, ignoring case: "scam" matches "SCAM!" but not
// "scampi". A phrase matches its words in a row.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/examples/internal/webhookserve"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/webhook"
)

// defaultWords is the block list used when -words is not given.
const defaultWords = "scam,free followers,cheap likes,dm for promo,idiot"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line settings.
type options struct {
	words     *matcher
	media     int
	lockAfter int
	dryRun    bool
}

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("moderation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	words := fs.String("words", defaultWords, "comma-separated words and phrases to hide")
	media := fs.Int("media", 25, "how many of the latest media to sweep")
	lockAfter := fs.Int("lock-after", 0, "turn comments off on a media where the sweep hid this many comments (0: never)")
	dryRun := fs.Bool("dry-run", false, "list matching comments without hiding them")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	m := newMatcher(*words)
	if m.empty() || *media < 1 || *lockAfter < 0 {
		fmt.Fprintln(stderr, "moderation: -words must name at least one word, -media must be at least 1 and -lock-after not negative")
		return 2
	}
	opts := options{words: m, media: *media, lockAfter: *lockAfter, dryRun: *dryRun}
	out := &lockedWriter{w: stdout}

	token := strings.TrimSpace(getenv("INSTAGRAM_ACCESS_TOKEN"))
	if token == "" {
		fmt.Fprintln(stderr, "INSTAGRAM_ACCESS_TOKEN is not set: running an offline demo against a fake Instagram API in this process")
		if err := demo(ctx, opts, out); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	clientOpts := []instagram.Option{instagram.WithAccessToken(token)}
	if u := strings.TrimSpace(getenv("INSTAGRAM_GRAPH_URL")); u != "" {
		clientOpts = append(clientOpts, instagram.WithBaseURL(u))
	}
	client, err := instagram.NewClient(clientOpts...)
	if err != nil {
		return fail(stderr, err)
	}
	me, err := client.Users.Me(ctx, &instagram.GetOptions{Fields: []string{"id", "username"}})
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(out, "sweeping the latest %d media of @%s\n", opts.media, me.Username)
	if _, err := sweep(ctx, client, me.ID, opts, out); err != nil {
		return fail(stderr, err)
	}

	secret, verify := strings.TrimSpace(getenv("INSTAGRAM_APP_SECRET")), strings.TrimSpace(getenv("INSTAGRAM_VERIFY_TOKEN"))
	if secret == "" || verify == "" {
		return 0
	}
	port := strings.TrimSpace(getenv("PORT"))
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "watching new comments: webhook at %s, path /webhook\n", ln.Addr())
	if err := webhookserve.Serve(ctx, ln, newHandler(client, secret, verify, opts, out)); err != nil {
		return fail(stderr, err)
	}
	return 0
}

// matcher finds blocked words and phrases in a text.
type matcher struct {
	phrases [][]string
}

func newMatcher(list string) *matcher {
	m := &matcher{}
	for _, p := range strings.Split(list, ",") {
		if w := words(p); len(w) > 0 {
			m.phrases = append(m.phrases, w)
		}
	}
	return m
}

func (m *matcher) empty() bool { return len(m.phrases) == 0 }

// words splits text into lower-case words of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// match returns the first blocked phrase in text, or "".
func (m *matcher) match(text string) string {
	ws := words(text)
	for _, p := range m.phrases {
		for i := 0; i+len(p) <= len(ws); i++ {
			if equal(ws[i:i+len(p)], p) {
				return strings.Join(p, " ")
			}
		}
	}
	return ""
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// commentFields are the fields a sweep reads, replies included.
var commentFields = []string{"id", "text", "username", "hidden", "timestamp",
	"replies.limit(50){id,text,username,hidden,timestamp}"}

// stats counts what a sweep did.
type stats struct {
	media, checked, hidden, locked int
}

// sweep checks the comments and replies of the account's latest media and
// hides those that match.
func sweep(ctx context.Context, client *instagram.Client, accountID string, opts options, out io.Writer) (stats, error) {
	var st stats
	for md, err := range client.Media.All(ctx, accountID, &instagram.ListOptions{
		Fields: []string{"id", "permalink", "comments_count", "is_comment_enabled"}, Limit: min(opts.media, 100),
	}) {
		if err != nil {
			return st, err
		}
		st.media++
		hidden := 0
		for cm, err := range client.Comments.All(ctx, md.ID, &instagram.ListOptions{Fields: commentFields, Limit: 50}) {
			if err != nil {
				return st, err
			}
			thread := []instagram.Comment{cm}
			if cm.Replies != nil {
				thread = append(thread, cm.Replies.Data...)
				if cm.Replies.HasNext() {
					thread = thread[:1]
					for r, err := range client.Comments.AllReplies(ctx, cm.ID, &instagram.ListOptions{Fields: []string{"id", "text", "username", "hidden"}}) {
						if err != nil {
							return st, err
						}
						thread = append(thread, r)
					}
				}
			}
			for _, c := range thread {
				st.checked++
				ok, err := moderate(ctx, client, c.ID, c.Username, c.Text, c.Hidden, md.ID, opts, out)
				if err != nil {
					return st, err
				}
				if ok {
					hidden++
				}
			}
		}
		st.hidden += hidden
		if opts.lockAfter > 0 && hidden >= opts.lockAfter && md.IsCommentEnabled != nil && *md.IsCommentEnabled && !opts.dryRun {
			if err := client.Media.SetCommentsEnabled(ctx, md.ID, false); err != nil {
				return st, err
			}
			st.locked++
			fmt.Fprintf(out, "turned comments off on media %s (%s): %d comments hidden\n", md.ID, md.Permalink, hidden)
		}
		if st.media == opts.media {
			break
		}
	}
	fmt.Fprintf(out, "sweep: %d media, %d comments checked, %d hidden, %d media locked\n", st.media, st.checked, st.hidden, st.locked)
	return st, nil
}

// moderate hides one comment when it matches and is not hidden yet; it
// reports whether it did (or, in a dry run, would).
func moderate(ctx context.Context, client *instagram.Client, id, username, text string, hidden bool, mediaID string, opts options, out io.Writer) (bool, error) {
	word := opts.words.match(text)
	if word == "" || hidden {
		return false, nil
	}
	verb := "hid"
	if opts.dryRun {
		verb = "would hide"
	} else if err := client.Comments.Hide(ctx, id); err != nil {
		if errors.Is(err, instagram.ErrNotFound) {
			return false, nil // deleted meanwhile
		}
		return false, err
	}
	fmt.Fprintf(out, "%s comment %s by @%s on media %s (matched %q): %q\n", verb, id, username, mediaID, word, excerpt(text))
	return true, nil
}

func excerpt(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// newHandler returns a webhook handler that moderates each new comment and
// live comment as it is delivered. Redeliveries are dropped.
func newHandler(client *instagram.Client, secret, verify string, opts options, out io.Writer) *webhook.Handler {
	h := webhook.NewHandler(secret, webhook.Options{VerifyToken: verify, Dedup: &webhook.MemoryDedup{}})
	onComment := func(ctx context.Context, e *webhook.CommentEvent) error {
		if e.From.ID == e.AccountID {
			return nil // the account's own comments
		}
		_, err := moderate(ctx, client, e.ID, e.From.Username, e.Text, false, e.Media.ID, opts, out)
		return err
	}
	h.OnComment(onComment)
	h.OnLiveComment(onComment)
	return h
}

// demo runs the offline walk-through on the fake API.
func demo(ctx context.Context, opts options, out io.Writer) error {
	api := instagramtest.NewServer()
	defer api.Close()
	client, err := api.Client()
	if err != nil {
		return err
	}
	if opts.lockAfter == 0 {
		opts.lockAfter = 3
	}
	var open []string
	for _, m := range api.Media() {
		if m.IsCommentEnabled {
			open = append(open, m.ID)
		}
	}
	if len(open) < 2 {
		return errors.New("the fake API has too few media that take comments")
	}
	flooded, other := open[0], open[1]

	// A spam bot floods the latest post; a fan answers it; someone is rude
	// on another post.
	spam := []string{"Get FREE followers now, link in bio!!", "Cheap likes 👉 visit my page", "DM for promo, fast growth guaranteed"}
	for _, text := range spam {
		api.SimulateComment(flooded, "growth.bot.4411", text)
	}
	thread := api.SimulateComment(flooded, "ana.makes", "Beautiful colours 😍")
	api.SimulateReply(thread, "cheap.likes.shop", "@ana.makes want free followers? check our page")
	api.SimulateComment(other, "angry.visitor", "What an idiot design")
	api.SimulateComment(other, "scampi.lover", "Scampi night at the studio?")

	fmt.Fprintf(out, "blocked: %s\n", strings.Join(opts.words.list(), ", "))
	sweepOpts := opts
	sweepOpts.media = min(opts.media, 5)
	if _, err := sweep(ctx, client, api.UserID, sweepOpts, out); err != nil {
		return err
	}

	// Watch new comments through webhooks, as a real deployment would.
	const verify = "moderation-demo-verify-token"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- webhookserve.Serve(ctx, ln, newHandler(client, api.AppSecret, verify, opts, out)) }()
	defer func() {
		cancel()
		<-served
	}()
	callback := "http://" + ln.Addr().String() + "/webhook"
	fields := []string{instagram.FieldComments, instagram.FieldLiveComments}
	if err := client.Webhooks.SubscribeApp(ctx, api.AppID, api.AppAccessToken(), instagram.SubscribeAppOptions{
		CallbackURL: callback, VerifyToken: verify, Fields: fields,
	}); err != nil {
		return fmt.Errorf("subscribing the app: %w", err)
	}
	if err := client.Webhooks.Subscribe(ctx, "me", fields...); err != nil {
		return fmt.Errorf("subscribing the account: %w", err)
	}
	fmt.Fprintf(out, "watching new comments through the webhook at %s\n", callback)

	fresh := []string{
		api.SimulateComment(other, "ben.eats", "Ordered one yesterday, can't wait"),
		api.SimulateComment(other, "promo.king", "This shop is a SCAM, don't buy"),
	}
	fresh = append(fresh, api.SimulateReply(fresh[0], "growth.bot.4411", "@ben.eats free followers here"))
	wait, done := context.WithTimeout(ctx, 30*time.Second)
	defer done()
	if err := api.WaitWebhooks(wait); err != nil {
		return err
	}
	hidden := 0
	for _, id := range fresh {
		if c, ok := api.Comment(id); ok && c.Hidden {
			hidden++
		}
	}
	fmt.Fprintf(out, "webhook: %d new comments delivered, %d hidden\n", len(fresh), hidden)
	return nil
}

// list returns the blocked words and phrases.
func (m *matcher) list() []string {
	out := make([]string, len(m.phrases))
	for i, p := range m.phrases {
		out[i] = strings.Join(p, " ")
	}
	return out
}

// lockedWriter serializes writes from the sweep and the webhook handler.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fail prints one line about err and returns the exit code.
func fail(stderr io.Writer, err error) int {
	var rl *instagram.RateLimitError
	switch {
	case errors.Is(err, instagram.ErrTokenExpired), errors.Is(err, instagram.ErrInvalidToken):
		fmt.Fprintln(stderr, "moderation: the access token is expired or invalid; log in with Instagram again and set INSTAGRAM_ACCESS_TOKEN")
	case errors.Is(err, instagram.ErrPermission):
		fmt.Fprintf(stderr, "moderation: permission denied (the token needs instagram_business_manage_comments): %v\n", err)
	case errors.As(err, &rl):
		fmt.Fprintf(stderr, "moderation: rate limited; retry in %s\n", max(rl.RetryAfter, time.Second).Round(time.Second))
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "moderation: interrupted")
	default:
		fmt.Fprintf(stderr, "moderation: %v\n", err)
	}
	return 1
}
