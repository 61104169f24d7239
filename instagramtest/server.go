package instagramtest

/*
Adding endpoints

Every file of this package can add endpoints, object kinds and state in a
setup function of its own, listed once in setups below; each setup runs in
every NewServer, in the order of that list, after the core kinds, routes and
seeded state exist and before the server starts listening:

	type publishState struct{ containers map[string]*container }

	func setupPublishing(s *Server) {
		st := ext[publishState](s) // state that lives on the Server
		st.containers = map[string]*container{}
		k := s.defineKind("container", "IGContainer", "IGContainer", onBoth)
		fieldOf(k, "status_code", onBoth, func(c *call, v *container) (any, bool) { return v.status, true })
		s.handleEdge(kindUser, "POST", "media", func(c *call) {
			ct := &container{status: "IN_PROGRESS"}
			id := c.s.newID()
			c.s.addObject("container", id, ct)
			c.writeJSON(http.StatusOK, map[string]string{"id": id})
		})
		s.handleRaw("POST /ig-api-upload/{version}/{id}", func(c *call) {
			if !c.authorize() {
				return
			}
			id := c.pathValue("id") // ...
		})
	}

The pieces:

  - Routes. handleNode(kind, method, h) serves METHOD /{id} for objects of a
    kind (GET renders the object with field selection unless overridden).
    handleEdge(kind, method, edge, h) serves METHOD /{id}/{edge};
    listEdge(kind, edge, itemKind, list) serves a paged GET edge whose items
    are registered objects, and makes the edge expandable in fields=
    (children{id,media_type}). handleGraph("GET /debug_token", h) serves a
    path under the versioned root that is not an object, and
    handleRaw("POST /oauth/access_token", h) a path outside it (patterns are
    net/http.ServeMux patterns; c.pathValue reads their wildcards). Each
    route is declared once: a second declaration of the same kind, method
    and edge (or the same pattern) is a mistake in this package, and
    NewServer panics naming it.
  - Handlers are func(c *call) and run with s.mu held: they read and write
    state freely, and must not block. Goroutines they start lock s.mu
    themselves. Node and edge handlers run after the caller's token, its
    appsecret_proof and the rate budget were checked (c.tok, c.host());
    graph and raw handlers call c.authorize() when they need a token.
  - Input: c.method, c.path (without version), c.id and c.node (the object
    addressed), c.param(name), c.params (query, form and JSON body merged,
    body first), c.decodeParam(name, &v) (JSON objects from a JSON body or
    a form value), c.body (the raw JSON body fields).
  - Output: c.writeJSON(status, v), c.success(), c.fail(err) with
    newError(status, code, subcode, type, message) or errParam(...),
    c.writeObject(id) (field selection), c.writeList(ids, defaults...) and
    writePage(c, items, key, render) for {data, paging} envelopes.
  - State: defineKind(name, typeName, igTypeName, hosts) declares an object
    kind, fieldOf/k.field add its fields (also to existing kinds, via
    s.kind(name)); s.newID() makes a fresh 17 or 18 digit id,
    s.addObject/objectOf[T]/s.removeObject keep the id registry; ext[T](s)
    returns the extension's own state of type T; s.rand(stream) is a
    generator seeded from WithSeed; s.now() is the server clock;
    s.issueToken mints tokens; s.acct is the seeded business account.
*/

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Server is a fake Instagram Graph API listening on a loopback address.
//
// It serves both host styles: calls made with an Instagram Login token
// (AccessToken) see graph.instagram.com answers, calls made with a Facebook
// Login token (FacebookAccessToken, PageAccessToken) see graph.facebook.com
// answers. A Server is safe for concurrent use.
type Server struct {
	// URL is the base URL, scheme and host without an API version,
	// for example "http://127.0.0.1:50123".
	URL string
	// AccessToken is an Instagram Login user token ("IGAA...") for the
	// seeded business account, valid for 60 days of server time.
	AccessToken string
	// FacebookAccessToken is a Facebook Login user token ("EAA...") of the
	// Facebook user who manages the Page linked to the account.
	FacebookAccessToken string
	// PageAccessToken is a Page token ("EAA...") of the linked Page.
	PageAccessToken string
	// UserID is the id of the seeded Instagram business account.
	UserID string
	// FacebookUserID is the app-scoped id of the Facebook user.
	FacebookUserID string
	// PageID is the id of the Facebook Page linked to the account.
	PageID string
	// AppID is the id of the app the tokens belong to.
	AppID string
	// AppSecret is the secret of that app (for appsecret_proof and app
	// tokens of the form AppID + "|" + AppSecret).
	AppSecret string

	cfg   config
	ts    *httptest.Server
	start time.Time
	done  chan struct{}
	once  sync.Once

	// Routing tables, filled by NewServer before the server listens and
	// only read afterwards.
	kinds    map[string]*kindSpec
	nodes    map[nodeKey]handler
	edges    map[edgeKey]handler
	lists    map[edgeKey]*listEdge
	graphMux *http.ServeMux
	rawMux   *http.ServeMux
	// dupRoutes are the routes declared more than once while the table
	// was built; NewServer refuses to start with any.
	dupRoutes []string

	// mu guards the state; it is held while a handler runs.
	mu        sync.Mutex
	objects   map[string]object
	tokens    map[string]*token
	exts      map[reflect.Type]any
	idRand    *rand.Rand
	tokenRand *rand.Rand
	acct      *igUser

	// meta guards the request log, statistics, budgets, faults and trace ids.
	meta      sync.Mutex
	log       requestRing
	stats     Stats
	app       budget
	accounts  map[string]*budget
	faults    []*faultState
	faultRand *rand.Rand
	traceRand *rand.Rand
}

// Option configures a Server.
type Option func(*config)

type config struct {
	seed         int64
	mediaCount   int
	appCalls     int
	appWindow    time.Duration
	acctCalls    int
	acctWindow   time.Duration
	clock        func() time.Time
	requireProof bool
	logSize      int
	setups       []func(*Server)
	listener     net.Listener
}

// Default budgets: large enough that usage headers stay near zero.
const (
	defaultBudget     = 100000
	defaultWindow     = time.Hour
	defaultMediaCount = 64
)

// WithSeed sets the seed every generated value derives from (default 1).
// Two servers with the same seed, media count and clock hold the same state.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithMediaCount sets how many feed and reels media the account has
// (default 64), not counting carousel items and stories.
func WithMediaCount(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.mediaCount = n
		}
	}
}

// WithRateLimit sets both the app budget and the per-account budget to
// calls per fixed window. See WithAppRateLimit and WithAccountRateLimit.
func WithRateLimit(calls int, window time.Duration) Option {
	return func(c *config) {
		c.appCalls, c.appWindow = calls, window
		c.acctCalls, c.acctWindow = calls, window
	}
}

// WithAppRateLimit sets the app budget: over it, calls fail with code 4.
func WithAppRateLimit(calls int, window time.Duration) Option {
	return func(c *config) { c.appCalls, c.appWindow = calls, window }
}

// WithAccountRateLimit sets the budget per Instagram account: over it, calls
// made for the account fail with code 80002.
func WithAccountRateLimit(calls int, window time.Duration) Option {
	return func(c *config) { c.acctCalls, c.acctWindow = calls, window }
}

// WithClock replaces the server clock (default time.Now). It drives token
// expiry, rate-limit windows, appsecret_time checks, the request log and
// the times of seeded media, which lie before the clock's time at NewServer.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRequireAppSecretProof makes calls with user or Page tokens fail unless
// they carry an appsecret_proof, like the app setting "Require App Secret".
func WithRequireAppSecretProof(require bool) Option {
	return func(c *config) { c.requireProof = require }
}

// withSetup adds a setup that runs for this server only, after the
// registered ones.
func withSetup(f func(*Server)) Option {
	return func(c *config) { c.setups = append(c.setups, f) }
}

// setups are the endpoint setups of the package's files, run by every
// NewServer in this order after setupCore. A file that adds endpoints adds
// its setup here.
var setups = []func(*Server){
	setupBatch,               // batch.go
	(*Server).setupComments,  // comments.go
	setupDiscovery,           // discovery.go
	setupHandover,            // handover.go
	setupInsights,            // insights.go
	setupMediaOps,            // mediaops.go
	(*Server).setupMessaging, // messaging.go
	setupMsgUsers,            // msgusers.go
	setupOAuth,               // oauth.go
	setupPublishing,          // publish.go
	setupShopping,            // shopping.go
	setupTags,                // tags.go
	setupUploads,             // upload.go
	(*Server).setupWebhooks,  // webhooks.go
	setupWelcomeFlows,        // welcome.go
}

// NewServer starts a fake Graph API on 127.0.0.1. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.appCalls <= 0 || cfg.appWindow <= 0 {
		cfg.appCalls, cfg.appWindow = defaultBudget, defaultWindow
	}
	if cfg.acctCalls <= 0 || cfg.acctWindow <= 0 {
		cfg.acctCalls, cfg.acctWindow = defaultBudget, defaultWindow
	}
	s := newServer(cfg)
	if err := s.buildRoutes(cfg.setups); err != nil {
		panic(err)
	}

	s.ts = httptest.NewUnstartedServer(s)
	if cfg.listener != nil {
		_ = s.ts.Listener.Close()
		s.ts.Listener = cfg.listener
	}
	s.ts.Start()
	s.URL = s.ts.URL
	return s
}

// defaultConfig is the configuration before options apply.
func defaultConfig() config {
	return config{
		seed:       1,
		mediaCount: defaultMediaCount,
		appCalls:   defaultBudget, appWindow: defaultWindow,
		acctCalls: defaultBudget, acctWindow: defaultWindow,
		clock: time.Now,
	}
}

// newServer makes a Server for cfg with empty tables and no listener.
func newServer(cfg config) *Server {
	s := &Server{
		cfg:      cfg,
		done:     make(chan struct{}),
		kinds:    map[string]*kindSpec{},
		nodes:    map[nodeKey]handler{},
		edges:    map[edgeKey]handler{},
		lists:    map[edgeKey]*listEdge{},
		graphMux: http.NewServeMux(),
		rawMux:   http.NewServeMux(),
		objects:  map[string]object{},
		tokens:   map[string]*token{},
		exts:     map[reflect.Type]any{},
		accounts: map[string]*budget{},
	}
	s.start = s.now()
	s.idRand = s.rand("ids")
	s.tokenRand = s.rand("tokens")
	s.faultRand = s.rand("faults")
	s.traceRand = s.rand("trace")
	s.app = budget{limit: cfg.appCalls, window: cfg.appWindow, start: s.start}
	return s
}

// buildRoutes declares the core routes, seeds the state and runs setups,
// then the server's own extra setups. It fails when a route was declared
// twice, naming every such route.
func (s *Server) buildRoutes(extra []func(*Server)) error {
	s.setupCore()
	s.seed()
	for _, f := range setups {
		f(s)
	}
	for _, f := range extra {
		f(s)
	}
	if len(s.dupRoutes) > 0 {
		return fmt.Errorf("instagramtest: routes declared more than once: %s", strings.Join(s.dupRoutes, ", "))
	}
	return nil
}

// Close shuts the server down, ending delayed calls still in progress.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	s.ts.Close()
}

// now reads the server clock.
func (s *Server) now() time.Time { return s.cfg.clock() }

// rand returns a generator seeded from the server seed and a stream name, so
// that each user of randomness is deterministic on its own.
func (s *Server) rand(stream string) *rand.Rand {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(stream); i++ {
		h ^= uint64(stream[i])
		h *= 1099511628211
	}
	return rand.New(rand.NewPCG(uint64(s.cfg.seed), h))
}

// ext returns the extension state of type T kept on s, creating it on first
// use. Callers hold s.mu (handlers do) or run during setup.
func ext[T any](s *Server) *T {
	t := reflect.TypeFor[T]()
	if v, ok := s.exts[t]; ok {
		return v.(*T)
	}
	v := new(T)
	s.exts[t] = v
	return v
}

// handler answers one call.
type handler func(c *call)

type nodeKey struct{ kind, method string }

type edgeKey struct{ kind, method, edge string }

// handleNode serves METHOD /{id} for objects of kind.
func (s *Server) handleNode(kind, method string, h handler) {
	k := nodeKey{kind, method}
	if _, dup := s.nodes[k]; dup {
		s.dupRoutes = append(s.dupRoutes, method+" /{"+kind+"}")
	}
	s.nodes[k] = h
}

// handleEdge serves METHOD /{id}/{edge} for objects of kind.
func (s *Server) handleEdge(kind, method, edge string, h handler) {
	k := edgeKey{kind, method, edge}
	s.checkEdge(k)
	s.edges[k] = h
}

// checkEdge notes k as a duplicate when a handler or a list already
// serves it.
func (s *Server) checkEdge(k edgeKey) {
	_, h := s.edges[k]
	_, l := s.lists[k]
	if h || l {
		s.dupRoutes = append(s.dupRoutes, k.method+" /{"+k.kind+"}/"+k.edge)
	}
}

// handleGraph serves a path under the versioned root that is not an object,
// such as "GET /debug_token"; pattern is a net/http.ServeMux pattern matched
// against the path without its version. The handler checks the token itself
// with c.authorize when it needs one.
func (s *Server) handleGraph(pattern string, h handler) {
	s.handleMux(s.graphMux, pattern, h)
}

// handleRaw serves a path outside the versioned tree, such as
// "POST /oauth/access_token" or "POST /ig-api-upload/{version}/{id}";
// pattern is a net/http.ServeMux pattern matched against the full path.
func (s *Server) handleRaw(pattern string, h handler) {
	s.handleMux(s.rawMux, pattern, h)
}

// handleMux adds pattern to mux, noting a pattern the mux refuses (one
// declared before, or one that conflicts with another) as a duplicate.
func (s *Server) handleMux(mux *http.ServeMux, pattern string, h handler) {
	defer func() {
		if recover() != nil {
			s.dupRoutes = append(s.dupRoutes, pattern+" (same as or conflicting with an earlier pattern)")
		}
	}()
	mux.HandleFunc(pattern, s.muxHandler(h))
}

type ctxKey struct{}

func (s *Server) muxHandler(h handler) http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(ctxKey{}).(*call)
		c.routed = r
		h(c)
	}
}

var versionRE = regexp.MustCompile(`^/(v[0-9]+\.[0-9]+)(/.*)?$`)

// splitVersion splits "/v25.0/me" into "v25.0" and "/me".
func splitVersion(p string) (version, rest string, ok bool) {
	m := versionRE.FindStringSubmatch(p)
	if m == nil {
		return "", p, false
	}
	rest = m[2]
	if rest == "" {
		rest = "/"
	}
	return m[1], rest, true
}

// ServeHTTP answers one request; the Server can be mounted in another mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	c := &call{s: s, w: sw, r: r, method: r.Method, trace: s.traceID()}
	c.version, c.path, _ = splitVersion(r.URL.Path)

	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("x-fb-trace-id", c.trace)
	h.Set("x-fb-request-id", s.requestID())
	if c.version != "" {
		h.Set("facebook-api-version", c.version)
	}
	perr := c.parseParams()
	if m := strings.ToUpper(c.params.Get("method")); r.Method == http.MethodGet && (m == http.MethodPost || m == http.MethodDelete) {
		c.method = m
	}
	rec := s.record(c)
	defer func() { s.finishRecord(rec, sw.status) }()
	s.setUsageHeaders(h, s.UserID)

	action := s.pickFault(c.method, c.path)
	for _, d := range action.delays {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	switch action.kind {
	case fault500:
		c.fail(errUnexpected())
		return
	case fault502:
		h.Del("Content-Type")
		sw.WriteHeader(http.StatusBadGateway)
		return
	case faultDrop:
		dropConnection(w)
		return
	case faultApplyThenDrop:
		c.w = &statusWriter{ResponseWriter: httptest.NewRecorder()}
		defer dropConnection(w)
	}

	if perr != nil {
		c.fail(perr)
		return
	}
	ctx := context.WithValue(r.Context(), ctxKey{}, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatch(c, ctx)
}

// dispatch routes a call; s.mu is held.
func (s *Server) dispatch(c *call, ctx context.Context) {
	r := c.r.WithContext(ctx)
	if _, pattern := s.rawMux.Handler(r); pattern != "" {
		s.rawMux.ServeHTTP(c.w, r)
		return
	}
	if c.version == "" {
		c.fail(errUnknownPath(c.r.URL.Path))
		return
	}
	g := r.Clone(ctx)
	g.Method = c.method
	g.URL.Path, g.URL.RawPath = path.Clean(c.path), ""
	if _, pattern := s.graphMux.Handler(g); pattern != "" {
		s.graphMux.ServeHTTP(c.w, g)
		return
	}

	var segs []string
	for _, p := range strings.Split(c.path, "/") {
		if p != "" {
			segs = append(segs, p)
		}
	}
	if len(segs) == 0 || len(segs) > 2 {
		c.fail(errUnknownPath(c.path))
		return
	}
	if !c.authorize() {
		return
	}
	id := segs[0]
	if id == "me" {
		if c.tok.subject == "" {
			c.fail(errNoActiveUser())
			return
		}
		id = c.tok.subject
	}
	o, ok := s.objects[id]
	spec := s.kinds[o.kind]
	if !ok || spec == nil || spec.hosts&c.host() == 0 {
		if isNumeric(id) {
			c.fail(errNoSuchObject(c.method, id))
		} else {
			c.fail(errAlias(id))
		}
		return
	}
	c.id, c.kind, c.node = id, o.kind, o.value

	if len(segs) == 1 {
		if h := s.nodes[nodeKey{o.kind, c.method}]; h != nil {
			h(c)
			return
		}
		if c.method == http.MethodGet {
			c.writeObject(id)
			return
		}
		c.fail(errNoSuchObject(c.method, id))
		return
	}
	c.edge = segs[1]
	if h := s.edges[edgeKey{o.kind, c.method, c.edge}]; h != nil {
		h(c)
		return
	}
	if le := s.lists[edgeKey{o.kind, c.method, c.edge}]; le != nil && le.hosts&c.host() != 0 {
		ids, err := le.list(c, id)
		if err != nil {
			c.fail(err)
			return
		}
		c.writeList(ids, le.defaults...)
		return
	}
	c.fail(errUnknownPath("/" + c.edge))
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// traceID makes an fbtrace_id-like value.
func (s *Server) traceID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	s.meta.Lock()
	defer s.meta.Unlock()
	b := make([]byte, 23)
	for i := range b {
		b[i] = alphabet[s.traceRand.IntN(len(alphabet))]
	}
	return string(b)
}

func (s *Server) requestID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	s.meta.Lock()
	defer s.meta.Unlock()
	b := make([]byte, 22)
	for i := range b {
		b[i] = alphabet[s.traceRand.IntN(len(alphabet))]
	}
	return string(b)
}
