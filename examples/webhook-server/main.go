// Command webhook-server receives Instagram webhooks and logs one line per
// event with its kind and the ids involved.
//
//	go run ./examples/webhook-server     # offline demo on the fake API, then exits
//	INSTAGRAM_APP_SECRET=... INSTAGRAM_VERIFY_TOKEN=... PORT=8080 go run ./examples/webhook-server
//
// With INSTAGRAM_APP_SECRET (the app's secret, which signs deliveries) and
// INSTAGRAM_VERIFY_TOKEN (the token entered with the callback URL in the App
// Dashboard) set, it serves https://<your host>/webhook on PORT (default
// 8080) until interrupted: it answers Meta's verification request, refuses
// deliveries whose X-Hub-Signature-256 does not match, drops redeliveries of
// events already logged, and logs the rest. Put it behind a TLS terminating
// proxy; Meta only calls HTTPS URLs.
//
// Without them it runs offline: it starts the fake API of package
// instagramtest, serves the same handler on a loopback port, subscribes the
// app and the account to webhooks on the fake (which verifies the callback
// the way Meta does), makes a few events happen, shows them arriving, and
// exits.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/examples/internal/webhookserve"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the program; it returns the exit code.
func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) int {
	secret := strings.TrimSpace(getenv("INSTAGRAM_APP_SECRET"))
	verify := strings.TrimSpace(getenv("INSTAGRAM_VERIFY_TOKEN"))
	port := strings.TrimSpace(getenv("PORT"))
	if port == "" {
		port = "8080"
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	switch {
	case secret == "" && verify == "":
		fmt.Fprintln(stderr, "INSTAGRAM_APP_SECRET and INSTAGRAM_VERIFY_TOKEN are not set: running an offline demo against a fake Instagram API in this process")
		if err := demo(ctx, logger, stdout); err != nil {
			fmt.Fprintf(stderr, "webhook-server: %v\n", err)
			return 1
		}
		return 0
	case secret == "" || verify == "":
		fmt.Fprintln(stderr, "webhook-server: set both INSTAGRAM_APP_SECRET and INSTAGRAM_VERIFY_TOKEN (or neither, for the offline demo)")
		return 2
	}
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		fmt.Fprintf(stderr, "webhook-server: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "listening on %s, path /webhook\n", ln.Addr())
	if err := webhookserve.Serve(ctx, ln, newHandler(secret, verify, logger, new(atomic.Int64))); err != nil {
		fmt.Fprintf(stderr, "webhook-server: %v\n", err)
		return 1
	}
	return 0
}

// newHandler returns the webhook handler, logging every event once and
// counting the events logged.
func newHandler(secret, verify string, logger *slog.Logger, logged *atomic.Int64) *webhook.Handler {
	h := webhook.NewHandler(secret, webhook.Options{
		VerifyToken: verify,
		Dedup:       &webhook.MemoryDedup{},
		Logger:      logger,
	})
	h.OnEvent(func(ctx context.Context, e webhook.Event) error {
		logger.LogAttrs(ctx, slog.LevelInfo, "event", describe(e)...)
		logged.Add(1)
		return nil
	})
	return h
}

// describe returns the kind and the ids of an event. Texts are left out:
// they are the users' words, not something to keep in logs.
func describe(e webhook.Event) []slog.Attr {
	en := e.Base()
	a := []slog.Attr{slog.String("kind", string(e.Kind())), slog.String("account", en.AccountID)}
	switch e := e.(type) {
	case *webhook.CommentEvent:
		a = append(a, slog.String("comment", e.ID), slog.String("media", e.Media.ID), slog.String("from", e.From.ID))
		if e.ParentID != "" {
			a = append(a, slog.String("parent", e.ParentID))
		}
	case *webhook.MentionEvent:
		a = append(a, slog.String("media", e.MediaID))
		if e.CommentID != "" {
			a = append(a, slog.String("comment", e.CommentID))
		}
	case *webhook.StoryInsightsEvent:
		a = append(a, slog.String("media", e.MediaID), slog.Int("reach", e.Reach))
	case *webhook.MessageEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("mid", e.Message.MID))
		if n := len(e.Message.Attachments); n > 0 {
			a = append(a, slog.Int("attachments", n))
		}
		if e.Message.IsDeleted {
			a = append(a, slog.Bool("deleted", true))
		}
	case *webhook.MessageEditEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("mid", e.MID), slog.Int("edit", e.NumEdit))
	case *webhook.ReactionEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("mid", e.MID), slog.String("action", e.Action))
	case *webhook.PostbackEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("payload", e.Payload))
	case *webhook.OptinEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("type", e.Type))
	case *webhook.ReferralEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("ref", e.Referral.Ref), slog.String("source", e.Referral.Source))
	case *webhook.SeenEvent:
		a = append(a, slog.String("sender", e.SenderID), slog.String("mid", e.MID))
	case *webhook.UnknownEvent:
		a = append(a, slog.String("field", e.Field), slog.Int("bytes", len(e.Raw)))
	}
	return a
}

// demo runs the offline walk-through on the fake API.
func demo(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	api := instagramtest.NewServer()
	defer api.Close()
	client, err := api.Client()
	if err != nil {
		return err
	}
	const verify = "offline-demo-verify-token"

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	var logged atomic.Int64
	go func() { served <- webhookserve.Serve(ctx, ln, newHandler(api.AppSecret, verify, logger, &logged)) }()
	defer func() {
		cancel()
		<-served
	}()
	callback := "http://" + ln.Addr().String() + "/webhook"
	fmt.Fprintf(out, "webhook handler listening at %s\n", callback)

	// Subscribe like a real deployment: the app to the fields, with the
	// callback (Meta verifies it first), then the account.
	fields := []string{instagram.FieldComments, instagram.FieldMentions, instagram.FieldMessages,
		instagram.FieldMessageReactions, instagram.FieldMessagingSeen}
	if err := client.Webhooks.SubscribeApp(ctx, api.AppID, api.AppAccessToken(), instagram.SubscribeAppOptions{
		CallbackURL: callback, VerifyToken: verify, Fields: fields,
	}); err != nil {
		return fmt.Errorf("subscribing the app: %w", err)
	}
	fmt.Fprintf(out, "app %s subscribed, callback verified\n", api.AppID)
	if err := client.Webhooks.Subscribe(ctx, "me", fields...); err != nil {
		return fmt.Errorf("subscribing the account: %w", err)
	}
	apps, err := client.Webhooks.SubscribedApps(ctx, "me")
	if err != nil {
		return err
	}
	for _, a := range apps {
		fmt.Fprintf(out, "account %s subscribed app %s to %s\n", api.UserID, a.AppID, strings.Join(a.SubscribedFields, ","))
	}

	// Make events happen on the fake. The message is delivered twice, as
	// Meta does when an answer is lost; the handler logs it once.
	const person = "7219432017765481"
	media := api.Media()[0].ID
	message := map[string]any{
		"sender": map[string]string{"id": person}, "recipient": map[string]string{"id": api.UserID},
		"timestamp": time.Now().UnixMilli(),
		"message":   map[string]string{"mid": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxOkRFTU8x", "text": "Hi, are you open today?"},
	}
	steps := []func() (int, error){
		func() (int, error) {
			return api.DeliverWebhook("comments", map[string]any{
				"id": "17990000000000001", "text": "Looks delicious",
				"from":  map[string]string{"id": "6120483375561182", "username": "harbor.bakery.fan"},
				"media": map[string]string{"id": media, "media_product_type": "FEED"},
			})
		},
		func() (int, error) {
			return api.DeliverWebhook("mentions", map[string]string{"media_id": "17933300485721004", "comment_id": "17861244390087755"})
		},
		func() (int, error) { return api.DeliverMessagingWebhook(message) },
		func() (int, error) { return api.DeliverMessagingWebhook(message) },
		func() (int, error) {
			return api.DeliverMessagingWebhook(map[string]any{
				"sender": map[string]string{"id": person}, "recipient": map[string]string{"id": api.UserID},
				"timestamp": time.Now().UnixMilli(),
				"reaction":  map[string]string{"mid": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxOkRFTU8x", "action": "react", "reaction": "love"},
			})
		},
		func() (int, error) {
			return api.DeliverMessagingWebhook(map[string]any{
				"sender": map[string]string{"id": person}, "recipient": map[string]string{"id": api.UserID},
				"timestamp": time.Now().UnixMilli(),
				"read":      map[string]string{"mid": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxOkRFTU8x"},
			})
		},
	}
	for _, step := range steps {
		if _, err := step(); err != nil {
			return err
		}
	}
	wait, done := context.WithTimeout(ctx, 30*time.Second)
	defer done()
	if err := api.WaitWebhooks(wait); err != nil {
		return err
	}

	// A forged delivery, signed with the wrong secret, is refused.
	forged := []byte(`{"object":"instagram","entry":[]}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, strings.NewReader(string(forged)))
	if err != nil {
		return err
	}
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(forged, "not-the-app-secret"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()

	accepted := 0
	deliveries := api.WebhookDeliveries()
	for _, d := range deliveries {
		if d.Delivered() {
			accepted++
		}
	}
	fmt.Fprintf(out, "%d signed deliveries accepted of %d, %d events logged (redeliveries dropped); a forged one was answered %d\n",
		accepted, len(deliveries), logged.Load(), res.StatusCode)
	return nil
}
