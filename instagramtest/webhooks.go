package instagramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/igsdk/instagram/webhook"
)

// Webhooks
//
// The server plays Meta's side of webhooks. An app subscribes a callback
// URL to fields of the "instagram" object (POST /{app-id}/subscriptions with
// the app token); the server first performs the verification handshake
// against the callback, as Meta does, and refuses the subscription when the
// callback does not echo hub.challenge. An account then opts in to fields
// with POST /{ig-user-id}/subscribed_apps (Instagram Login), or, with
// Facebook Login, the app is installed on the linked Page with
// /{page-id}/subscribed_apps (Page token). That Page edge takes Page fields
// only (feed, messages, messaging_referrals, ...): an Instagram field such as
// comments is refused with Meta's code 100 enum error. An installed Page
// lets the account's comments, mentions, live_comments and story_insights
// through; a messaging field also needs its Page counterpart (messages,
// messaging_referrals, message_reads, ...). From then on,
// every event of a field both subscribed to is POSTed to the callback,
// signed with the app secret in X-Hub-Signature-256 (and the legacy sha1
// X-Hub-Signature).
//
// Deliveries leave from one queue per server, in the order the events
// happened, on a goroutine of their own: the call that caused an event
// answers without waiting for the callback. WaitWebhooks waits for the
// queue to drain; WebhookDeliveries returns the log.

// webhookFields are the fields of the "instagram" object an app or an
// account can subscribe to.
var webhookFields = []string{
	"comments", "live_comments", "mentions", "message_echoes", "message_edit",
	"message_reactions", "messages", "messaging_handover", "messaging_optins",
	"messaging_policy_enforcement", "messaging_postbacks", "messaging_referral",
	"messaging_seen", "response_feedback", "standby", "story_insights",
}

// pageWebhookFields are the Page fields /{page-id}/subscribed_apps accepts
// (a subset of Meta's list: the feed and the Messenger Platform fields).
var pageWebhookFields = []string{
	"feed", "mention", "message_deliveries", "message_echoes", "message_edits",
	"message_reactions", "message_reads", "messages", "messaging_account_linking",
	"messaging_handovers", "messaging_optins", "messaging_policy_enforcement",
	"messaging_postbacks", "messaging_referrals", "response_feedback", "standby",
}

// pageFieldFor is the Page field that must be subscribed on the linked Page
// for an Instagram messaging field to be delivered with Facebook Login.
// Instagram fields without an entry (comments, mentions, ...) need only the
// app to be installed on the Page.
var pageFieldFor = map[string]string{
	"messages": "messages", "message_echoes": "message_echoes", "message_edit": "message_edits",
	"message_reactions": "message_reactions", "messaging_handover": "messaging_handovers",
	"messaging_optins": "messaging_optins", "messaging_policy_enforcement": "messaging_policy_enforcement",
	"messaging_postbacks": "messaging_postbacks", "messaging_referral": "messaging_referrals",
	"messaging_seen": "message_reads", "response_feedback": "response_feedback", "standby": "standby",
}

// webhookObjects are the objects POST /{app-id}/subscriptions accepts.
var webhookObjects = []string{"instagram", "page", "user", "permissions", "application"}

// appSubscription is one object's subscription of the app.
type appSubscription struct {
	Object      string
	CallbackURL string
	VerifyToken string
	Fields      map[string]string // field name -> API version subscribed with
	Active      bool
}

// webhookState is the webhook side of the server state (ext).
type webhookState struct {
	apps     map[string]*appSubscription // by object
	accounts map[string][]string         // IG account id -> fields of subscribed_apps, sorted
	pages    map[string][]string         // IG account id -> Page fields of the linked Page's subscribed_apps, sorted
	retries  int
	queue    *webhookQueue
}

// WebhookDelivery is one webhook POST the server made (or is making) to a
// callback URL.
type WebhookDelivery struct {
	// Seq numbers deliveries from 1 in the order they were queued.
	Seq int
	// CallbackURL is where the delivery was sent.
	CallbackURL string
	// Object is the envelope's object ("instagram").
	Object string
	// Field is the subscription field the event belongs to.
	Field string
	// AccountID is the entry id: the Instagram account the event is for.
	AccountID string
	// Body is the exact JSON body sent.
	Body []byte
	// Signature256 is the X-Hub-Signature-256 header sent
	// ("sha256=<hex>").
	Signature256 string
	// Signature is the legacy X-Hub-Signature header sent ("sha1=<hex>").
	Signature string
	// Queued is the server time the event happened.
	Queued time.Time
	// Attempts is how many POSTs were made; 0 while still queued.
	Attempts int
	// Status is the HTTP status of the last attempt; 0 when none answered.
	Status int
	// Err describes the transport failure of the last attempt, if any.
	Err string
	// Done reports whether the delivery has finished (answered 2xx or ran
	// out of attempts).
	Done bool
}

// Delivered reports whether the callback accepted the delivery with a 2xx
// status.
func (d WebhookDelivery) Delivered() bool { return d.Status >= 200 && d.Status < 300 }

// webhookQueue sends deliveries one at a time, in order. It has its own
// lock so that waiting for it never holds the server state.
type webhookQueue struct {
	mu      sync.Mutex
	log     []*WebhookDelivery
	next    int           // index in log of the next delivery to send
	running bool          // a sender goroutine is active
	idle    chan struct{} // closed whenever nothing is queued or in flight
	hc      *http.Client
	done    <-chan struct{}
}

func newWebhookQueue(done <-chan struct{}) *webhookQueue {
	idle := make(chan struct{})
	close(idle)
	return &webhookQueue{idle: idle, done: done, hc: &http.Client{Timeout: 10 * time.Second}}
}

// WithWebhookRetries makes the server resend a delivery that was not
// answered with a 2xx status up to n more times, at once and with the same
// body and signature, like Meta's redeliveries (default 0: no retry).
func WithWebhookRetries(n int) Option {
	return withSetup(func(s *Server) {
		if n > 0 {
			ext[webhookState](s).retries = n
		}
	})
}

// setupWebhooks declares the subscription routes: subscribed_apps on
// accounts and Pages, subscriptions on the app.
func (s *Server) setupWebhooks() {
	st := ext[webhookState](s)
	st.apps = map[string]*appSubscription{}
	st.accounts = map[string][]string{}
	st.pages = map[string][]string{}
	st.queue = newWebhookQueue(s.done)

	for _, kind := range []string{kindUser, kindPage} {
		s.handleEdge(kind, http.MethodGet, "subscribed_apps", s.getSubscribedApps)
		s.handleEdge(kind, http.MethodPost, "subscribed_apps", s.postSubscribedApps)
		s.handleEdge(kind, http.MethodDelete, "subscribed_apps", s.deleteSubscribedApps)
	}
	s.handleGraph("GET /{app}/subscriptions", s.getAppSubscriptions)
	s.handleGraph("POST /{app}/subscriptions", s.postAppSubscription)
	s.handleGraph("DELETE /{app}/subscriptions", s.deleteAppSubscription)
}

// subscribedAccount returns the Instagram account whose subscription a
// subscribed_apps call addresses, or answers the error itself.
func (c *call) subscribedAccount() (string, bool) {
	switch c.kind {
	case kindPage:
		if c.tok.kind != tokenPage {
			c.fail(newError(http.StatusBadRequest, 210, 0, typeOAuth, "(#210) A page access token is required to request this resource."))
			return "", false
		}
		p, _ := c.node.(*page)
		if p == nil || c.tok.subject != p.ID {
			c.fail(errNoSuchObject(c.method, c.id))
			return "", false
		}
		return p.IGAccountID, true
	default:
		if c.tok.account != c.id {
			c.fail(errNoSuchObject(c.method, c.id))
			return "", false
		}
		return c.id, true
	}
}

func (s *Server) getSubscribedApps(c *call) {
	acct, ok := c.subscribedAccount()
	if !ok {
		return
	}
	subs := ext[webhookState](s).accounts
	if c.kind == kindPage {
		subs = ext[webhookState](s).pages
	}
	fields, subscribed := subs[acct]
	data := []map[string]any{}
	if subscribed {
		item := map[string]any{"subscribed_fields": fields}
		if c.kind == kindPage {
			item["id"] = s.AppID
			item["name"] = "Test App"
		} else {
			item["app_id"] = s.AppID
		}
		data = append(data, item)
	}
	c.writeJSON(http.StatusOK, map[string]any{"data": data})
}

func (s *Server) postSubscribedApps(c *call) {
	acct, ok := c.subscribedAccount()
	if !ok {
		return
	}
	fields, gerr := listParam(c, "subscribed_fields")
	if gerr != nil {
		c.fail(gerr)
		return
	}
	if len(fields) == 0 {
		c.fail(errParam("The parameter subscribed_fields is required."))
		return
	}
	allowed, subs := webhookFields, ext[webhookState](s).accounts
	if c.kind == kindPage {
		// A Page takes Page fields; Instagram fields belong to the app's
		// instagram subscription (POST /{app-id}/subscriptions).
		allowed, subs = pageWebhookFields, ext[webhookState](s).pages
	}
	for i, f := range fields {
		if !slices.Contains(allowed, f) {
			c.fail(errParam("Param subscribed_fields[%d] must be one of {%s} - got \"%s\".", i, strings.Join(allowed, ", "), f))
			return
		}
	}
	sort.Strings(fields)
	subs[acct] = slices.Compact(fields)
	c.success()
}

func (s *Server) deleteSubscribedApps(c *call) {
	acct, ok := c.subscribedAccount()
	if !ok {
		return
	}
	if c.kind == kindPage {
		delete(ext[webhookState](s).pages, acct)
	} else {
		delete(ext[webhookState](s).accounts, acct)
	}
	c.success()
}

// listParam reads a list parameter sent as "a,b,c" or as a JSON array.
func listParam(c *call, name string) ([]string, *graphError) {
	raw := strings.TrimSpace(c.param(name))
	if raw == "" {
		return nil, nil
	}
	var out []string
	if strings.HasPrefix(raw, "[") {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			return nil, errParam("Param %s must be an array of strings", name)
		}
	} else {
		out = strings.Split(raw, ",")
	}
	res := out[:0]
	for _, f := range out {
		if f = strings.TrimSpace(f); f != "" {
			res = append(res, f)
		}
	}
	return res, nil
}

// appCall authorizes a call on /{app-id}/subscriptions: it needs the app
// token and the app's own id.
func (c *call) appCall() bool {
	if !c.authorize() {
		return false
	}
	if app := c.pathValue("app"); app != c.s.AppID {
		if isNumeric(app) {
			c.fail(errNoSuchObject(c.method, app))
		} else {
			c.fail(errAlias(app))
		}
		return false
	}
	if c.tok.kind != tokenApp {
		c.fail(newError(http.StatusBadRequest, 15, 0, typeOAuth, "(#15) This method must be called with an app access_token."))
		return false
	}
	return true
}

func (s *Server) getAppSubscriptions(c *call) {
	if !c.appCall() {
		return
	}
	st := ext[webhookState](s)
	objects := make([]string, 0, len(st.apps))
	for o := range st.apps {
		objects = append(objects, o)
	}
	sort.Strings(objects)
	data := []map[string]any{}
	for _, o := range objects {
		sub := st.apps[o]
		names := make([]string, 0, len(sub.Fields))
		for f := range sub.Fields {
			names = append(names, f)
		}
		sort.Strings(names)
		fields := make([]map[string]string, 0, len(names))
		for _, f := range names {
			fields = append(fields, map[string]string{"name": f, "version": sub.Fields[f]})
		}
		data = append(data, map[string]any{
			"object": sub.Object, "callback_url": sub.CallbackURL, "active": sub.Active, "fields": fields,
		})
	}
	c.writeJSON(http.StatusOK, map[string]any{"data": data})
}

func (s *Server) postAppSubscription(c *call) {
	if !c.appCall() {
		return
	}
	object := c.param("object")
	if object == "" {
		c.fail(errParam("The parameter object is required"))
		return
	}
	if !slices.Contains(webhookObjects, object) {
		c.fail(errParam("Param object must be one of {%s} - got \"%s\".", strings.Join(webhookObjects, ", "), object))
		return
	}
	callback := c.param("callback_url")
	if callback == "" {
		c.fail(errParam("The parameter callback_url is required"))
		return
	}
	if u, err := url.Parse(callback); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(errParam("Param callback_url must be a valid URL"))
		return
	}
	verify := c.param("verify_token")
	if verify == "" {
		c.fail(errParam("The parameter verify_token is required"))
		return
	}
	fields, gerr := listParam(c, "fields")
	if gerr != nil {
		c.fail(gerr)
		return
	}
	if len(fields) == 0 {
		c.fail(errParam("The parameter fields is required"))
		return
	}
	if object == "instagram" {
		for _, f := range fields {
			if !slices.Contains(webhookFields, f) {
				c.fail(errParam("Invalid field %q for object instagram", f))
				return
			}
		}
	}
	version := c.version

	// Meta checks the callback before it accepts the subscription. The
	// handshake is an HTTP call to code outside the server, so the state
	// lock is released for its duration.
	s.mu.Unlock()
	herr := s.verifyCallback(callback, verify)
	s.mu.Lock()
	if herr != nil {
		c.fail(newError(http.StatusBadRequest, 2200, 0, typeOAuth, "(#2200) callback verification failed: %s", herr.Error()))
		return
	}
	st := ext[webhookState](s)
	sub := st.apps[object]
	if sub == nil {
		sub = &appSubscription{Object: object, Fields: map[string]string{}}
		st.apps[object] = sub
	}
	sub.CallbackURL, sub.VerifyToken, sub.Active = callback, verify, true
	for _, f := range fields {
		sub.Fields[f] = version
	}
	// Meta's sample answer carries the value as a string.
	c.writeJSON(http.StatusOK, map[string]string{"success": "true"})
}

func (s *Server) deleteAppSubscription(c *call) {
	if !c.appCall() {
		return
	}
	st := ext[webhookState](s)
	object := c.param("object")
	fields, gerr := listParam(c, "fields")
	if gerr != nil {
		c.fail(gerr)
		return
	}
	switch {
	case object == "":
		clear(st.apps)
	case len(fields) == 0:
		delete(st.apps, object)
	default:
		if sub := st.apps[object]; sub != nil {
			for _, f := range fields {
				delete(sub.Fields, f)
			}
			if len(sub.Fields) == 0 {
				delete(st.apps, object)
			}
		}
	}
	c.success()
}

// verifyCallback performs the verification GET against a callback URL: the
// answer must be 200 with hub.challenge as its body.
func (s *Server) verifyCallback(callback, verifyToken string) error {
	s.mu.Lock()
	challenge := strconv.FormatUint(s.rand("challenge"+callback+strconv.FormatInt(s.now().UnixNano(), 10)).Uint64()%9e9+1e9, 10)
	q := ext[webhookState](s).queue
	s.mu.Unlock()

	u, err := url.Parse(callback)
	if err != nil {
		return err
	}
	v := u.Query()
	v.Set("hub.mode", "subscribe")
	v.Set("hub.challenge", challenge)
	v.Set("hub.verify_token", verifyToken)
	u.RawQuery = v.Encode()
	ctx, cancel := q.context()
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "facebookplatform/1.0 (+http://developers.facebook.com)")
	res, err := q.hc.Do(req)
	if err != nil {
		return errors.New("could not reach the callback URL")
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("the callback URL answered HTTP %d", res.StatusCode)
	}
	if strings.TrimSpace(string(body)) != challenge {
		return errors.New("the URL couldn't be validated. Response does not match challenge")
	}
	return nil
}

// context returns a context that ends when the server closes.
func (q *webhookQueue) context() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-q.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// webhookEntry is one entry of a delivery envelope.
type webhookEntry struct {
	ID        string            `json:"id"`
	Time      int64             `json:"time"`
	Changes   []webhookChange   `json:"changes,omitempty"`
	Messaging []json.RawMessage `json:"messaging,omitempty"`
}

type webhookChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type webhookEnvelope struct {
	Entry  []webhookEntry `json:"entry"`
	Object string         `json:"object"`
}

// emitChange delivers an entry[].changes[] event of field for accountID to
// every callback subscribed to the field. value is marshalled to JSON.
// Callers hold s.mu (handlers do).
func (s *Server) emitChange(accountID, field string, value any) {
	s.changeWebhook(accountID, field, value)
}

// changeWebhook is emitChange returning the number of deliveries queued.
func (s *Server) changeWebhook(accountID, field string, value any) int {
	raw, err := json.Marshal(value)
	if err != nil {
		panic(fmt.Sprintf("instagramtest: webhook value of %s: %v", field, err))
	}
	env := webhookEnvelope{Object: "instagram", Entry: []webhookEntry{{
		ID: accountID, Time: s.now().Unix(),
		Changes: []webhookChange{{Field: field, Value: raw}},
	}}}
	return s.enqueueWebhook(accountID, []string{field}, env)
}

// emitMessaging delivers an entry[].messaging[] event for accountID (the
// business account) to every callback subscribed to the event's field,
// which is told from the event's payload: message (messages; an echo also
// goes to message_echoes subscribers), message_edit, reaction
// (message_reactions), postback (messaging_postbacks), optin
// (messaging_optins), referral (messaging_referral), read
// (messaging_seen) and pass/take/request_thread_control
// (messaging_handover). event is marshalled to JSON; it should carry sender,
// recipient and timestamp. Callers hold s.mu (handlers do).
func (s *Server) emitMessaging(accountID string, event any) {
	s.messagingWebhook(accountID, event)
}

// messagingWebhook is emitMessaging returning the number of deliveries
// queued.
func (s *Server) messagingWebhook(accountID string, event any) int {
	raw, err := json.Marshal(event)
	if err != nil {
		panic(fmt.Sprintf("instagramtest: webhook messaging event: %v", err))
	}
	env := webhookEnvelope{Object: "instagram", Entry: []webhookEntry{{
		ID: accountID, Time: s.now().UnixMilli(),
		Messaging: []json.RawMessage{raw},
	}}}
	return s.enqueueWebhook(accountID, messagingFields(raw), env)
}

// messagingFields tells which subscription fields a messaging event
// belongs to, the first being its own.
func messagingFields(raw []byte) []string {
	var ev map[string]json.RawMessage
	if json.Unmarshal(raw, &ev) != nil {
		return []string{"messages"}
	}
	has := func(k string) bool { _, ok := ev[k]; return ok }
	switch {
	case has("message"):
		var m struct {
			IsEcho bool `json:"is_echo"`
		}
		_ = json.Unmarshal(ev["message"], &m)
		if m.IsEcho {
			return []string{"message_echoes", "messages"}
		}
		return []string{"messages"}
	case has("message_edit"):
		return []string{"message_edit"}
	case has("reaction"):
		return []string{"message_reactions"}
	case has("postback"):
		return []string{"messaging_postbacks"}
	case has("optin"):
		return []string{"messaging_optins"}
	case has("referral"):
		return []string{"messaging_referral"}
	case has("read"):
		return []string{"messaging_seen"}
	case has("pass_thread_control") || has("take_thread_control") || has("request_thread_control"):
		return []string{"messaging_handover"}
	}
	return []string{"messages"}
}

// enqueueWebhook queues env for every app subscription of the instagram
// object that, together with the account's subscribed_apps, covers one of
// fields. Callers hold s.mu.
func (s *Server) enqueueWebhook(accountID string, fields []string, env webhookEnvelope) int {
	st := ext[webhookState](s)
	sub := st.apps["instagram"]
	if sub == nil || !sub.Active {
		return 0
	}
	acctFields, pageFields := st.accounts[accountID], st.pages[accountID]
	optedIn := func(f string) bool {
		if slices.Contains(acctFields, f) {
			return true // Instagram Login opt-in
		}
		if len(pageFields) == 0 {
			return false
		}
		// Facebook Login: the app is installed on the linked Page.
		pf, ok := pageFieldFor[f]
		return !ok || slices.Contains(pageFields, pf)
	}
	field := ""
	for _, f := range fields {
		if _, ok := sub.Fields[f]; ok && optedIn(f) {
			field = f
			break
		}
	}
	if field == "" {
		return 0
	}
	body, err := metaJSON(env)
	if err != nil {
		panic(fmt.Sprintf("instagramtest: webhook body: %v", err))
	}
	d := &WebhookDelivery{
		CallbackURL: sub.CallbackURL, Object: env.Object, Field: field, AccountID: accountID,
		Body: body, Signature256: webhook.Sign(body, s.AppSecret),
		Signature: webhook.SignSHA1(body, s.AppSecret), Queued: s.now(),
	}
	st.queue.push(d, st.retries)
	return 1
}

// push queues d and starts a sender when none is running.
func (q *webhookQueue) push(d *WebhookDelivery, retries int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d.Seq = len(q.log) + 1
	q.log = append(q.log, d)
	if q.running {
		return
	}
	q.running = true
	q.idle = make(chan struct{})
	go q.run(retries)
}

// run sends queued deliveries until none is left.
func (q *webhookQueue) run(retries int) {
	for {
		q.mu.Lock()
		if q.next >= len(q.log) {
			q.running = false
			close(q.idle)
			q.mu.Unlock()
			return
		}
		d := q.log[q.next]
		q.next++
		q.mu.Unlock()

		for attempt := 0; attempt <= retries; attempt++ {
			status, errText := q.send(d)
			q.mu.Lock()
			d.Attempts++
			d.Status, d.Err = status, errText
			ok := d.Delivered()
			q.mu.Unlock()
			if ok {
				break
			}
			select {
			case <-q.done:
				attempt = retries
			default:
			}
		}
		q.mu.Lock()
		d.Done = true
		q.mu.Unlock()
	}
}

// send makes one POST of d; it returns the status (0 when none) and the
// transport error text.
func (q *webhookQueue) send(d *WebhookDelivery) (int, string) {
	ctx, cancel := q.context()
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.CallbackURL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set(webhook.SignatureHeader, d.Signature256)
	req.Header.Set(webhook.LegacySignatureHeader, d.Signature)
	res, err := q.hc.Do(req)
	if err != nil {
		return 0, "could not reach the callback URL"
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	return res.StatusCode, ""
}

// webhookQueue returns the delivery queue.
func (s *Server) webhookQueue() *webhookQueue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ext[webhookState](s).queue
}

// WaitWebhooks waits until every webhook delivery queued so far has
// finished (answered, or out of attempts), or ctx ends.
func (s *Server) WaitWebhooks(ctx context.Context) error {
	q := s.webhookQueue()
	for {
		q.mu.Lock()
		idle := q.idle
		q.mu.Unlock()
		select {
		case <-idle:
			q.mu.Lock()
			drained := !q.running && q.next >= len(q.log)
			q.mu.Unlock()
			if drained {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WebhookDeliveries returns the webhook deliveries made or queued so far,
// oldest first.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	q := s.webhookQueue()
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]WebhookDelivery, len(q.log))
	for i, d := range q.log {
		out[i] = *d
		out[i].Body = append([]byte(nil), d.Body...)
	}
	return out
}

// DeliverWebhook makes a change event of field happen for the seeded
// account: an entry[].changes[] delivery with value (marshalled to JSON) to
// every callback subscribed to field, through the app subscription and the
// account's subscribed_apps. It returns how many deliveries were queued;
// WaitWebhooks waits for them.
func (s *Server) DeliverWebhook(field string, value any) (int, error) {
	if _, err := json.Marshal(value); err != nil {
		return 0, fmt.Errorf("instagramtest: DeliverWebhook: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changeWebhook(s.UserID, field, value), nil
}

// DeliverMessagingWebhook makes a messaging event happen for the seeded
// account: an entry[].messaging[] delivery of event (marshalled to JSON,
// with sender, recipient, timestamp and one payload such as message,
// reaction, postback or read). The subscription field is told from the
// payload. It returns how many deliveries were queued.
func (s *Server) DeliverMessagingWebhook(event any) (int, error) {
	if _, err := json.Marshal(event); err != nil {
		return 0, fmt.Errorf("instagramtest: DeliverMessagingWebhook: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagingWebhook(s.UserID, event), nil
}

// SubscribeWebhooks subscribes the app to fields of the instagram object at
// callbackURL (performing the verification handshake with verifyToken, as
// POST /{app-id}/subscriptions does) and opts the seeded account in to the
// same fields (as POST /{ig-user-id}/subscribed_apps does): a shortcut for
// tests whose subject is not the subscription calls themselves.
func (s *Server) SubscribeWebhooks(callbackURL, verifyToken string, fields ...string) error {
	if len(fields) == 0 {
		return errors.New("instagramtest: SubscribeWebhooks: no fields")
	}
	for _, f := range fields {
		if !slices.Contains(webhookFields, f) {
			return fmt.Errorf("instagramtest: SubscribeWebhooks: unknown field %q", f)
		}
	}
	if err := s.verifyCallback(callbackURL, verifyToken); err != nil {
		return fmt.Errorf("instagramtest: SubscribeWebhooks: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ext[webhookState](s)
	sub := st.apps["instagram"]
	if sub == nil {
		sub = &appSubscription{Object: "instagram", Fields: map[string]string{}}
		st.apps["instagram"] = sub
	}
	sub.CallbackURL, sub.VerifyToken, sub.Active = callbackURL, verifyToken, true
	acct := append([]string(nil), st.accounts[s.UserID]...)
	for _, f := range fields {
		sub.Fields[f] = "v25.0"
		acct = append(acct, f)
	}
	sort.Strings(acct)
	st.accounts[s.UserID] = slices.Compact(acct)
	return nil
}
