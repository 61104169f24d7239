package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/webhook"
)

// webhookEvents are the events trigger sends, in Meta's shapes.
var webhookEvents = []string{"comments", "live_comments", "mentions", "messages", "message_reactions",
	"messaging_postbacks", "messaging_seen", "messaging_referral", "messaging_optins", "story_insights"}

// sampleDelivery builds a delivery of event for account at now: a change
// value for the account fields, a messaging item for the messaging ones.
// sets are dotted paths into the value or item.
func sampleDelivery(event, account string, now time.Time, sets map[string]any) ([]byte, error) {
	ms := now.UnixMilli()
	id := func(prefix int64) string { return strconv.FormatInt(prefix+ms%1_000_000_000, 10) }
	sender := "1" + id(700_000_000_000_000)
	mid := "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj" + strconv.FormatInt(ms, 36)
	var change, item map[string]any
	switch event {
	case "comments", "live_comments":
		product := "FEED"
		if event == "live_comments" {
			product = "LIVE"
		}
		change = map[string]any{
			"from":  map[string]any{"id": sender, "username": "sample_commenter"},
			"media": map[string]any{"id": id(17_890_000_000_000_000), "media_product_type": product},
			"id":    id(17_860_000_000_000_000),
			"text":  "This is a sample comment",
		}
	case "mentions":
		change = map[string]any{"media_id": id(17_890_000_000_000_000), "comment_id": id(17_860_000_000_000_000)}
	case "story_insights":
		change = map[string]any{"media_id": id(17_880_000_000_000_000), "exits": 3, "replies": 0, "reach": 44,
			"taps_forward": 4, "taps_back": 3, "impressions": 52}
	case "messages":
		item = map[string]any{"message": map[string]any{"mid": mid, "text": "This is a sample message"}}
	case "message_reactions":
		item = map[string]any{"reaction": map[string]any{"mid": mid, "action": "react", "reaction": "love", "emoji": "\u2764"}}
	case "messaging_postbacks":
		item = map[string]any{"postback": map[string]any{"mid": mid, "title": "Get started", "payload": "GET_STARTED"}}
	case "messaging_seen":
		item = map[string]any{"read": map[string]any{"mid": mid}}
	case "messaging_referral":
		item = map[string]any{"referral": map[string]any{"ref": "sample_ref", "source": "SHORTLINK", "type": "OPEN_THREAD"}}
	case "messaging_optins":
		item = map[string]any{"optin": map[string]any{"type": "notification_messages", "payload": "SAMPLE_PAYLOAD",
			"notification_messages_token": "sample" + strconv.FormatInt(ms, 36), "notification_messages_frequency": "DAILY",
			"notification_messages_timezone": "UTC", "token_expiry_timestamp": ms + 180*24*3600*1000, "user_token_status": "NOT_REFRESHED",
			"title": "Daily updates"}}
	default:
		return nil, usagef("unknown event %q: one of %s", event, strings.Join(webhookEvents, ", "))
	}
	entry := map[string]any{"id": account, "time": now.Unix()}
	target := change
	if item != nil {
		item["sender"] = map[string]any{"id": sender}
		item["recipient"] = map[string]any{"id": account}
		item["timestamp"] = ms
		entry["time"] = ms
		entry["messaging"] = []any{item}
		target = item
	} else {
		entry["changes"] = []any{map[string]any{"field": event, "value": change}}
	}
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		setPath(target, strings.Split(k, "."), sets[k])
	}
	return json.Marshal(map[string]any{"object": "instagram", "entry": []any{entry}})
}

func setPath(m map[string]any, path []string, v any) {
	for len(path) > 1 {
		next, ok := m[path[0]].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[path[0]] = next
		}
		m, path = next, path[1:]
	}
	m[path[0]] = v
}

// parseSets reads key=value pairs; a value that is JSON (a number, true,
// an object) is taken as such, anything else as a string.
func parseSets(pairs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usagef("--set %q: want key=value", p)
		}
		var j any
		if err := json.Unmarshal([]byte(v), &j); err == nil {
			out[k] = j
		} else {
			out[k] = v
		}
	}
	return out, nil
}

func (a *app) webhooksCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Trigger, receive and subscribe to webhooks",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.triggerCmd(), a.listenCmd(), a.subscribeCmd(), a.statusCmd())
	return cmd
}

func (a *app) triggerCmd() *cobra.Command {
	var target, secret string
	var sets []string
	cmd := &cobra.Command{
		Use:   "trigger EVENT",
		Short: "Send a signed sample delivery to a webhook receiver",
		Long: `Sends one delivery of EVENT in Meta's shape, signed with X-Hub-Signature-256
(HMAC-SHA256 of the body keyed with the app secret), to --url, and prints
the receiver's status. EVENT is one of: ` + strings.Join(webhookEvents, ", ") + `.
--set key=value overrides a field of the change value (account fields) or
of the messaging item (messaging fields); dotted keys reach nested fields,
and JSON values (numbers, true, objects) are sent as such.`,
		Example: `  instagram webhooks trigger comments --url http://127.0.0.1:4000/webhook --secret APP_SECRET
  instagram webhooks trigger messages --url http://127.0.0.1:4000/webhook --secret S --set message.text=hi`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: cobra.FixedCompletions(webhookEvents, cobra.ShellCompDirectiveNoFileComp),
		RunE: func(cmd *cobra.Command, argv []string) error {
			if target == "" || secret == "" {
				return usagef("trigger needs --url and --secret")
			}
			sv, err := parseSets(sets)
			if err != nil {
				return err
			}
			account := a.account
			if account == "" {
				account = "17841400000000001"
			}
			body, err := sampleDelivery(argv[0], account, time.Now(), sv)
			if err != nil {
				return err
			}
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, target, bytes.NewReader(body))
			if err != nil {
				return usagef("--url: %v", err)
			}
			req.Header.Set("Content-Type", "application/json")
			webhook.SetSignatures(req.Header, body, secret)
			req.Header.Set("User-Agent", "facebookexternalua")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer func() { _ = resp.Body.Close() }()
			rb, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			res := map[string]any{"event": argv[0], "status": resp.StatusCode, "body": json.RawMessage(body)}
			if err := a.print(res, func(w io.Writer) {
				fmt.Fprintf(w, "Sent %s to %s: %s\n", argv[0], target, resp.Status)
				if s := strings.TrimSpace(string(rb)); s != "" {
					fmt.Fprintf(w, "%s\n", s)
				}
			}); err != nil {
				return err
			}
			if resp.StatusCode >= 300 {
				return fmt.Errorf("the receiver answered %s", resp.Status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "url", "", "receiver address")
	cmd.Flags().StringVar(&secret, "secret", "", "app secret the delivery is signed with")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "key=value field override (repeatable)")
	return cmd
}

func (a *app) listenCmd() *cobra.Command {
	var addr, secret, verifyToken, forward string
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks locally: verify, print and optionally forward them",
		Long: `Runs a webhook receiver on --addr (path /webhook, or any path). It answers
Meta's verification handshake (hub.mode=subscribe with --verify-token),
checks each delivery's X-Hub-Signature-256 against --secret (403 when it
does not match), prints every event (one JSON line each with --json) and,
with --forward-to, posts the raw signed delivery with its headers to your
own app.`,
		Example: `  instagram webhooks listen --addr 127.0.0.1:4000 --secret APP_SECRET --verify-token VT
  instagram webhooks listen --secret S --verify-token VT --forward-to http://127.0.0.1:3000/webhook --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if secret == "" {
				return usagef("listen needs --secret to verify signatures")
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			return a.listen(cmd.Context(), l, secret, verifyToken, forward)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:4000", "address to listen on")
	cmd.Flags().StringVar(&secret, "secret", "", "app secret deliveries are signed with")
	cmd.Flags().StringVar(&verifyToken, "verify-token", "", "token of the verification handshake")
	cmd.Flags().StringVar(&forward, "forward-to", "", "also post each verified delivery to this address")
	return cmd
}

func (a *app) listen(ctx context.Context, l net.Listener, secret, verifyToken, forward string) error {
	fmt.Fprintf(a.errOut, "Receiving webhooks at http://%s/webhook; Ctrl-C stops.\n", l.Addr())
	var mu = make(chan struct{}, 1) // serialises output
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			ch, err := webhook.Challenge(r, verifyToken)
			if err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				fmt.Fprintf(a.errOut, "refused verification: %v\n", err)
				return
			}
			_, _ = io.WriteString(w, ch)
			fmt.Fprintln(a.errOut, "answered the verification handshake")
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, webhook.DefaultMaxBody+1))
		if err != nil || len(body) > webhook.DefaultMaxBody {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		sig := r.Header.Get(webhook.SignatureHeader)
		if err := webhook.VerifySignature(body, sig, secret); err != nil {
			http.Error(w, "bad signature", http.StatusForbidden)
			fmt.Fprintf(a.errOut, "refused a delivery: %v\n", err)
			return
		}
		events, err := webhook.Decode(body)
		if err != nil {
			http.Error(w, "malformed", http.StatusBadRequest)
			fmt.Fprintf(a.errOut, "refused a delivery: %v\n", err)
			return
		}
		mu <- struct{}{}
		for _, ev := range events {
			e := ev.Base()
			_ = a.printLine(map[string]any{"kind": ev.Kind(), "object": e.Object, "account_id": e.AccountID,
				"time": e.Time, "field": e.Field, "signature_verified": true, "event": e.Raw}, func(w io.Writer) {
				fmt.Fprintf(w, "%s\t%s\taccount %s\tsignature ok\t%s\n", time.Now().UTC().Format("15:04:05"), ev.Kind(), e.AccountID, compact(e.Raw))
			})
		}
		<-mu
		if forward != "" {
			status, err := forwardDelivery(r.Context(), forward, body, r.Header)
			if err != nil {
				fmt.Fprintf(a.errOut, "forwarding to %s failed: %v\n", forward, err)
			} else {
				fmt.Fprintf(a.errOut, "forwarded to %s: %d\n", forward, status)
			}
		}
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "EVENT_RECEIVED")
	})
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func compact(raw []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

func forwardDelivery(ctx context.Context, to string, body []byte, h http.Header) (int, error) {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for _, k := range []string{"Content-Type", webhook.SignatureHeader, "X-Hub-Signature", "User-Agent"} {
		if v := h.Get(k); v != "" {
			req.Header.Set(k, v)
		}
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// subscriptionTarget is the id whose subscribed_apps edge is used and a
// client allowed to use it: the account with Instagram Login; with Facebook
// Login its Page, with the Page's token.
func (a *app) subscriptionTarget(ctx context.Context) (*instagram.Client, string, error) {
	c, err := a.client()
	if err != nil {
		return nil, "", err
	}
	if !a.facebook {
		id, err := a.accountID(ctx, c)
		return c, id, err
	}
	for p, err := range c.Auth.AllAccounts(ctx, &instagram.ListOptions{Fields: []string{"id", "name", "access_token", "instagram_business_account"}}) {
		if err != nil {
			return nil, "", err
		}
		if p.InstagramBusinessAccount != nil && (a.account == "" || p.InstagramBusinessAccount.ID == a.account) {
			pc, err := instagram.NewClient(append(a.options(), instagram.WithAccessToken(p.AccessToken))...)
			return pc, p.ID, err
		}
	}
	return nil, "", errors.New("no Facebook Page of this token has a linked Instagram account")
}

func (a *app) subscribeCmd() *cobra.Command {
	var fields []string
	cmd := &cobra.Command{
		Use:   "subscribe",
		Short: "Subscribe the app to the account's webhook fields",
		Long: `Subscribes the calling app to webhook fields of the account (Instagram
Login) or of its Page (Facebook Login), replacing the fields subscribed
before. The app's callback URL itself is set in the app dashboard or with
the app subscription call.`,
		Example: "  instagram webhooks subscribe --fields comments,messages",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, id, err := a.subscriptionTarget(cmd.Context())
			if err != nil {
				return err
			}
			if err := c.Webhooks.Subscribe(cmd.Context(), id, fields...); err != nil {
				return err
			}
			return a.print(map[string]any{"id": id, "fields": fields, "success": true}, func(w io.Writer) {
				fmt.Fprintf(w, "Subscribed %s to %s.\n", id, strings.Join(fields, ","))
			})
		},
	}
	cmd.Flags().StringSliceVar(&fields, "fields", []string{"comments", "messages"}, "webhook fields")
	return cmd
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "status",
		Short:   "Show the apps subscribed to the account's webhooks and their fields",
		Example: "  instagram webhooks status --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, id, err := a.subscriptionTarget(cmd.Context())
			if err != nil {
				return err
			}
			apps, err := c.Webhooks.SubscribedApps(cmd.Context(), id)
			if err != nil {
				return err
			}
			return a.print(apps, func(w io.Writer) {
				if len(apps) == 0 {
					fmt.Fprintf(w, "No app is subscribed to %s.\n", id)
				}
				for _, ap := range apps {
					fmt.Fprintf(w, "%s %s\t%s\n", orDash(ap.AppID+ap.ID), ap.Name, strings.Join(ap.SubscribedFields, ","))
				}
			})
		},
	}
}
