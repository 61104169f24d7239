// Command dm-autoreply answers Instagram direct messages.
//
//	go run ./examples/dm-autoreply                  # offline demo on the fake API (webhooks), then exits
//	go run ./examples/dm-autoreply -poll            # offline demo, polling conversations instead
//	INSTAGRAM_ACCESS_TOKEN=IGAA... go run ./examples/dm-autoreply -interval 30s
//
// With INSTAGRAM_ACCESS_TOKEN set (an Instagram Login user token with
// instagram_business_manage_messages) it answers messages that arrive after
// it started. When INSTAGRAM_APP_SECRET and INSTAGRAM_VERIFY_TOKEN are set
// too, it serves a webhook at /webhook on PORT (default 8080) and answers
// each message as it is delivered (subscribe the app and the account to
// the messages and messaging_postbacks fields, see examples/webhook-server);
// otherwise it polls the conversations every -interval. INSTAGRAM_GRAPH_URL
// overrides the API host. It runs until interrupted.
//
// Answers follow a few keyword rules and offer quick replies. A person who
// asks for a human is handed over: the bot stops answering them. Each
// answer marks the message seen, shows the typing indicator and quotes the
// message it answers. Sends go through the SDK's messaging limits, so a
// busy inbox never exceeds Meta's rates; people outside the 24-hour
// window or not available are skipped with a log line.
//
// Without a token it runs offline: it starts the fake API of package
// instagramtest, sets ice breakers, has a few people write (one of them
// not available), answers them, and prints the conversations.
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
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/examples/internal/webhookserve"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/message"
	"github.com/igsdk/instagram/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dm-autoreply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	interval := fs.Duration("interval", 30*time.Second, "how often to poll the conversations when not using webhooks")
	poll := fs.Bool("poll", false, "offline demo: poll the conversations instead of using webhooks")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *interval < time.Second {
		fmt.Fprintln(stderr, "dm-autoreply: -interval must be at least 1s")
		return 2
	}
	out := &lockedWriter{w: stdout}

	token := strings.TrimSpace(getenv("INSTAGRAM_ACCESS_TOKEN"))
	if token == "" {
		fmt.Fprintln(stderr, "INSTAGRAM_ACCESS_TOKEN is not set: running an offline demo against a fake Instagram API in this process")
		if err := demo(ctx, *poll, out); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	opts := []instagram.Option{instagram.WithAccessToken(token)}
	if u := strings.TrimSpace(getenv("INSTAGRAM_GRAPH_URL")); u != "" {
		opts = append(opts, instagram.WithBaseURL(u))
	}
	client, err := instagram.NewClient(opts...)
	if err != nil {
		return fail(stderr, err)
	}
	me, err := client.Users.Me(ctx, &instagram.GetOptions{Fields: []string{"id", "username"}})
	if err != nil {
		return fail(stderr, err)
	}
	b := newBot(client, me.ID, out)

	secret, verify := strings.TrimSpace(getenv("INSTAGRAM_APP_SECRET")), strings.TrimSpace(getenv("INSTAGRAM_VERIFY_TOKEN"))
	if secret != "" && verify != "" {
		port := strings.TrimSpace(getenv("PORT"))
		if port == "" {
			port = "8080"
		}
		ln, err := net.Listen("tcp", ":"+port)
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stderr, "answering messages of @%s from the webhook at %s, path /webhook\n", me.Username, ln.Addr())
		go b.work(ctx)
		if err := webhookserve.Serve(ctx, ln, b.handler(secret, verify)); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	// Meta's timestamps have whole seconds: start at the current second.
	since := time.Now().Truncate(time.Second)
	fmt.Fprintf(stderr, "answering messages of @%s, polling every %s\n", me.Username, *interval)
	for {
		if err := b.poll(ctx, since); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(out, "poll failed: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(*interval):
		}
	}
}

// Quick reply payloads the bot offers.
const (
	payloadHours    = "HOURS"
	payloadShipping = "SHIPPING"
	payloadAgent    = "AGENT"
)

// menu is the set of quick replies offered with general answers.
func menu() []message.QuickReply {
	return []message.QuickReply{
		message.TextQuickReply("Opening hours", payloadHours),
		message.TextQuickReply("Shipping", payloadShipping),
		message.TextQuickReply("Talk to a person", payloadAgent),
	}
}

// answerFor picks the answer to a message (its text, and the payload of a
// tapped quick reply or ice breaker); handover says the person asked for a
// human.
func answerFor(text, payload string) (msg *message.Message, handover bool) {
	ws := words(text)
	has := func(keys ...string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(keys, w) })
	}
	switch {
	case payload == payloadAgent || has("person", "human", "agent", "someone"):
		return message.Text("Got it! Someone from our team will answer you here within a day."), true
	case payload == payloadHours || has("open", "hours", "opening", "sunday", "today"):
		return message.Text("We're open Tuesday to Sunday, 9:00 to 18:00."), false
	case payload == payloadShipping || has("ship", "shipping", "delivery", "deliver"):
		return message.Text("We ship worldwide in 3 to 5 working days, free over 50 EUR."), false
	case has("price", "much", "cost", "costs"):
		return message.Text("Prices are on each product page: tap the link in our bio. Anything else?").WithQuickReplies(menu()...), false
	}
	return message.Text("Thanks for your message! Pick a topic or write your question:").WithQuickReplies(menu()...), false
}

// words splits text into lower-case words of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// incoming is a message to answer.
type incoming struct {
	sender, mid, text, payload string
}

// bot answers messages for one account.
type bot struct {
	client  *instagram.Client
	account string
	out     io.Writer
	queue   chan incoming
	pending sync.WaitGroup

	mu         sync.Mutex
	answered   map[string]bool // mids answered (or skipped)
	handedOver map[string]bool // people left to a human
}

func newBot(client *instagram.Client, account string, out io.Writer) *bot {
	return &bot{
		client: client, account: account, out: out, queue: make(chan incoming, 256),
		answered: map[string]bool{}, handedOver: map[string]bool{},
	}
}

// answer replies to one message, once. A message whose answer failed for
// another reason than the window or availability is tried again when it
// shows up again.
func (b *bot) answer(ctx context.Context, in incoming) (err error) {
	b.mu.Lock()
	if b.answered[in.mid] {
		b.mu.Unlock()
		return nil
	}
	b.answered[in.mid] = true
	human := b.handedOver[in.sender]
	b.mu.Unlock()
	defer func() {
		if err != nil {
			b.mu.Lock()
			delete(b.answered, in.mid)
			b.mu.Unlock()
		}
	}()
	if human {
		fmt.Fprintf(b.out, "left %s to a person: %q\n", in.sender, in.text)
		return nil
	}
	msg, handover := answerFor(in.text, in.payload)
	err = whenThrottled(ctx, func() error {
		return b.client.Messaging.SendAction(ctx, b.account, in.sender, instagram.SenderActionMarkSeen)
	})
	if err == nil {
		err = whenThrottled(ctx, func() error {
			return b.client.Messaging.SendAction(ctx, b.account, in.sender, instagram.SenderActionTypingOn)
		})
	}
	if err == nil {
		err = whenThrottled(ctx, func() error {
			_, err := b.client.Messaging.Send(ctx, b.account, in.sender, msg, &instagram.SendOptions{ReplyTo: in.mid})
			return err
		})
	}
	switch {
	case errors.Is(err, instagram.ErrOutsideMessagingWindow):
		fmt.Fprintf(b.out, "skipped %s: outside the 24-hour messaging window\n", in.sender)
		return nil
	case errors.Is(err, instagram.ErrRecipientUnavailable):
		fmt.Fprintf(b.out, "skipped %s: not available right now\n", in.sender)
		return nil
	case err != nil:
		return err
	}
	if handover {
		b.mu.Lock()
		b.handedOver[in.sender] = true
		b.mu.Unlock()
	}
	fmt.Fprintf(b.out, "answered %s: %q -> %q\n", in.sender, label(in), msg.Text)
	return nil
}

func label(in incoming) string {
	if in.payload != "" {
		return in.text + " [" + in.payload + "]"
	}
	return in.text
}

// work answers queued messages until ctx ends.
func (b *bot) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case in := <-b.queue:
			if err := b.answer(ctx, in); err != nil {
				fmt.Fprintf(b.out, "answering %s failed: %v\n", in.sender, err)
			}
			b.pending.Done()
		}
	}
}

// enqueue hands a message to the worker; the webhook answers at once, as
// Meta expects, and the worker does the calls.
func (b *bot) enqueue(ctx context.Context, in incoming) error {
	b.pending.Add(1)
	select {
	case b.queue <- in:
		return nil
	case <-ctx.Done():
		b.pending.Done()
		return ctx.Err()
	}
}

// handler is the webhook handler: messages and postbacks (ice breakers,
// buttons) go to the worker. Echoes of the bot's own messages arrive as
// their own kind and are ignored; redeliveries are dropped.
func (b *bot) handler(secret, verify string) *webhook.Handler {
	h := webhook.NewHandler(secret, webhook.Options{VerifyToken: verify, Dedup: &webhook.MemoryDedup{}})
	h.OnMessage(func(ctx context.Context, e *webhook.MessageEvent) error {
		m := e.Message
		if m.IsDeleted || m.IsUnsupported || m.IsSelf || e.SenderID == b.account {
			return nil
		}
		in := incoming{sender: e.SenderID, mid: m.MID, text: m.Text}
		if m.QuickReply != nil {
			in.payload = m.QuickReply.Payload
		}
		if in.text == "" && len(m.Attachments) > 0 {
			in.text = "(" + m.Attachments[0].Type + ")"
		}
		return b.enqueue(ctx, in)
	})
	h.OnPostback(func(ctx context.Context, e *webhook.PostbackEvent) error {
		return b.enqueue(ctx, incoming{sender: e.SenderID, mid: e.MID, text: e.Title, payload: e.Payload})
	})
	return h
}

// whenThrottled runs send and, when Meta refused it for a rate limit
// (nothing was delivered), runs it again after the wait Meta asked for, up
// to three times in all.
func whenThrottled(ctx context.Context, send func() error) error {
	for try := 1; ; try++ {
		err := send()
		var rl *instagram.RateLimitError
		if try == 3 || !errors.As(err, &rl) {
			return err
		}
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// poll answers the latest message of every conversation updated since
// since, when it came from the other person and is newer than since.
func (b *bot) poll(ctx context.Context, since time.Time) error {
	opts := &instagram.ConversationsOptions{ListOptions: instagram.ListOptions{
		Fields: []string{"id", "updated_time", "messages.limit(1){id,created_time,from,message}"},
	}}
	for cv, err := range b.client.Messaging.AllConversations(ctx, b.account, opts) {
		if err != nil {
			return err
		}
		if cv.UpdatedTime.Before(since) {
			break // most recently updated first: the rest is older
		}
		if cv.Messages == nil || len(cv.Messages.Data) == 0 {
			continue
		}
		last := cv.Messages.Data[0]
		if last.From == nil || last.From.ID == b.account || last.CreatedTime.Before(since) {
			continue
		}
		if err := b.answer(ctx, incoming{sender: last.From.ID, mid: last.ID, text: last.Message}); err != nil {
			return err
		}
	}
	return nil
}

// demo runs the offline walk-through on the fake API.
func demo(ctx context.Context, poll bool, out io.Writer) error {
	api := instagramtest.NewServer()
	defer api.Close()
	client, err := api.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := newBot(client, api.UserID, out)

	if err := client.Messaging.SetIceBreakers(ctx, api.UserID, instagram.IceBreakers{CallToActions: []instagram.IceBreaker{
		{Question: "When are you open?", Payload: payloadHours},
		{Question: "Do you ship abroad?", Payload: payloadShipping},
	}}); err != nil {
		return err
	}
	fmt.Fprintln(out, "ice breakers set")

	ana, ben, cara := api.ContactID("ana.makes"), api.ContactID("ben.eats"), api.ContactID("cara.daily")
	api.SetRecipientUnavailable(cara, true)
	first := func() {
		api.SimulateIncomingMessage(ana, "Hi! Are you open on Sunday?")
		api.SimulateIncomingMessage(ben, "How much is the canvas tote?")
		api.SimulateIncomingMessage(cara, "hello")
	}
	second := func() {
		api.SimulateMessage(ben, instagramtest.IncomingMessage{Text: "Talk to a person", QuickReplyPayload: payloadAgent})
	}
	third := func() {
		api.SimulateIncomingMessage(ben, "It's about a bulk order")
	}

	if poll {
		since := time.Now().Truncate(time.Second)
		for _, step := range []func(){first, second, third} {
			step()
			if err := b.poll(ctx, since); err != nil {
				return err
			}
		}
	} else {
		go b.work(ctx)
		const verify = "dm-autoreply-demo-verify-token"
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		served := make(chan error, 1)
		go func() { served <- webhookserve.Serve(ctx, ln, b.handler(api.AppSecret, verify)) }()
		defer func() {
			cancel()
			<-served
		}()
		callback := "http://" + ln.Addr().String() + "/webhook"
		fields := []string{instagram.FieldMessages, instagram.FieldMessagingPostbacks}
		if err := client.Webhooks.SubscribeApp(ctx, api.AppID, api.AppAccessToken(), instagram.SubscribeAppOptions{
			CallbackURL: callback, VerifyToken: verify, Fields: fields,
		}); err != nil {
			return fmt.Errorf("subscribing the app: %w", err)
		}
		if err := client.Webhooks.Subscribe(ctx, "me", fields...); err != nil {
			return fmt.Errorf("subscribing the account: %w", err)
		}
		fmt.Fprintf(out, "answering from the webhook at %s\n", callback)
		for _, step := range []func(){first, second, third} {
			step()
			wait, done := context.WithTimeout(ctx, 30*time.Second)
			err := api.WaitWebhooks(wait)
			done()
			if err != nil {
				return err
			}
			b.pending.Wait()
		}
	}
	return transcript(ctx, client, api.UserID, out)
}

// transcript prints every conversation, oldest message first.
func transcript(ctx context.Context, client *instagram.Client, account string, out io.Writer) error {
	for cv, err := range client.Messaging.AllConversations(ctx, account, nil) {
		if err != nil {
			return err
		}
		full, err := client.Messaging.Conversation(ctx, cv.ID, nil)
		if err != nil {
			return err
		}
		var who string
		for _, p := range full.Participants.Data {
			if p.ID != account {
				who = p.Username
			}
		}
		fmt.Fprintf(out, "conversation with @%s:\n", who)
		msgs := full.Messages.Data
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			text := m.Message
			if text == "" {
				text = "(attachment)"
			}
			fmt.Fprintf(out, "  @%s: %s\n", m.From.Username, text)
		}
	}
	return nil
}

// lockedWriter serializes writes from the worker and the main goroutine.
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
		fmt.Fprintln(stderr, "dm-autoreply: the access token is expired or invalid; log in with Instagram again and set INSTAGRAM_ACCESS_TOKEN")
	case errors.Is(err, instagram.ErrPermission):
		fmt.Fprintf(stderr, "dm-autoreply: permission denied (the token needs instagram_business_manage_messages): %v\n", err)
	case errors.As(err, &rl):
		fmt.Fprintf(stderr, "dm-autoreply: rate limited; retry in %s\n", max(rl.RetryAfter, time.Second).Round(time.Second))
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "dm-autoreply: interrupted")
	default:
		fmt.Fprintf(stderr, "dm-autoreply: %v\n", err)
	}
	return 1
}
