// Command oauth-login logs a user in with Business Login for Instagram and
// keeps a long-lived token in a file.
//
//	go run ./examples/oauth-login                       # fake API, no browser
//	INSTAGRAM_CLIENT_ID=... INSTAGRAM_CLIENT_SECRET=... \
//	INSTAGRAM_REDIRECT_URI=http://localhost:8080/callback \
//	    go run ./examples/oauth-login -token-file token.json
//
// It starts a local web server for the redirect, prints the URL to open,
// checks the state of the redirect, exchanges the code for a short-lived
// token, upgrades it to a long-lived one (60 days), saves that to a file
// readable only by its owner (mode 0600) and prints the user id and the
// expiry. It never prints the token.
//
// With INSTAGRAM_CLIENT_ID, INSTAGRAM_CLIENT_SECRET and
// INSTAGRAM_REDIRECT_URI set it talks to Meta: open the printed URL in a
// browser. The redirect URI must be listed in the app's settings; the local
// server listens on its host and port, or on -addr when a tunnel or proxy
// forwards the redirect. INSTAGRAM_AUTH_URL, INSTAGRAM_TOKEN_URL and
// INSTAGRAM_GRAPH_URL override Meta's endpoints (for a proxy).
//
// Without them it starts the fake API of package instagramtest in this
// process and follows the fake's approval redirect itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// scopes are the permissions the example asks for.
var scopes = []instagram.Scope{
	instagram.ScopeInstagramBusinessBasic,
	instagram.ScopeInstagramBusinessManageComments,
}

// login is what the redirect handler hands back.
type login struct {
	tok *instagram.Token
	err error
}

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oauth-login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tokenFile := fs.String("token-file", "instagram-token.json", "where to save the long-lived token (mode 0600)")
	addr := fs.String("addr", "", "address for the redirect server (default: the redirect URI's host and port)")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the login")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	id, secret, redirect := env("INSTAGRAM_CLIENT_ID"), env("INSTAGRAM_CLIENT_SECRET"), env("INSTAGRAM_REDIRECT_URI")
	useMeta := id != "" || secret != "" || redirect != ""
	if useMeta && (id == "" || secret == "" || redirect == "") {
		fmt.Fprintln(stderr, "oauth-login: set all of INSTAGRAM_CLIENT_ID, INSTAGRAM_CLIENT_SECRET and INSTAGRAM_REDIRECT_URI, or none to use the fake API")
		return 2
	}

	var (
		cfg      *instagram.OAuthConfig
		clientOp []instagram.Option
		ln       net.Listener
		err      error
	)
	if useMeta {
		ru, perr := url.Parse(redirect)
		if perr != nil || ru.Host == "" {
			fmt.Fprintln(stderr, "oauth-login: INSTAGRAM_REDIRECT_URI must be an absolute URL")
			return 2
		}
		listen := *addr
		if listen == "" {
			if ru.Port() == "" {
				fmt.Fprintln(stderr, "oauth-login: INSTAGRAM_REDIRECT_URI has no port; give -addr for the local server")
				return 2
			}
			listen = ru.Host
		}
		if ln, err = net.Listen("tcp", listen); err != nil {
			return fail(stderr, err)
		}
		cfg = instagram.InstagramLoginConfig(id, secret, redirect, scopes...)
		cfg.AuthURL, cfg.TokenURL = env("INSTAGRAM_AUTH_URL"), env("INSTAGRAM_TOKEN_URL")
		if g := env("INSTAGRAM_GRAPH_URL"); g != "" {
			clientOp = append(clientOp, instagram.WithBaseURL(g))
		}
	} else {
		srv := instagramtest.NewServer()
		defer srv.Close()
		fmt.Fprintf(stderr, "INSTAGRAM_CLIENT_ID, INSTAGRAM_CLIENT_SECRET and INSTAGRAM_REDIRECT_URI are not set: using a fake Instagram API running in this process at %s\n", srv.URL)
		listen := *addr
		if listen == "" {
			listen = "127.0.0.1:0"
		}
		if ln, err = net.Listen("tcp", listen); err != nil {
			return fail(stderr, err)
		}
		redirect = "http://" + ln.Addr().String() + "/callback"
		cfg = srv.OAuthConfig(instagram.InstagramLogin, redirect, scopes...)
		clientOp = append(clientOp, instagram.WithBaseURL(srv.URL))
	}

	// The client needs no token: the exchanges carry their credentials.
	client, err := instagram.NewClient(clientOp...)
	if err != nil {
		ln.Close()
		return fail(stderr, err)
	}

	ru, _ := url.Parse(redirect)
	state := instagram.NewState()
	done := make(chan login, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathOf(ru), func(w http.ResponseWriter, r *http.Request) {
		tok, err := finish(r.Context(), client, cfg, r.URL, state)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<p>Login failed: %s</p>\n", html.EscapeString(err.Error()))
		} else {
			fmt.Fprintln(w, "<p>Logged in. You can close this window.</p>")
		}
		select {
		case done <- login{tok, err}:
		default: // a second redirect after the first: ignored
		}
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = hs.Serve(ln) }()
	defer func() {
		// Let the browser receive the page the handler wrote before the
		// server goes away.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()

	authURL := cfg.AuthCodeURL(state)
	fmt.Fprintf(stdout, "Open this URL to log in with Instagram:\n\n  %s\n\n", authURL)
	if !useMeta {
		fmt.Fprintln(stderr, "The fake API approves at once; following its redirect without a browser.")
		go approve(ctx, authURL, ru.Host, done)
	} else {
		fmt.Fprintf(stdout, "Waiting for the redirect to %s ...\n", redirect)
	}

	wait, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var res login
	select {
	case res = <-done:
	case <-wait.Done():
		return fail(stderr, fmt.Errorf("no login within %s: %w", *timeout, wait.Err()))
	}
	if res.err != nil {
		return fail(stderr, res.err)
	}
	if err := (instagram.FileTokenStore{Path: *tokenFile}).Save(ctx, res.tok); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "Logged in as Instagram user %s.\n", res.tok.UserID)
	fmt.Fprintf(stdout, "Long-lived token saved to %s (mode 0600); it expires %s.\n",
		*tokenFile, res.tok.Expiry.UTC().Format(time.RFC3339))
	if len(res.tok.Permissions) > 0 {
		fmt.Fprintf(stdout, "Granted: %s\n", strings.Join(res.tok.Permissions, ", "))
	}
	return 0
}

// pathOf is the path the redirect handler serves.
func pathOf(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	return u.Path
}

// finish reads the redirect, exchanges the code and upgrades the token.
func finish(ctx context.Context, client *instagram.Client, cfg *instagram.OAuthConfig, u *url.URL, state string) (*instagram.Token, error) {
	code, err := instagram.ParseRedirect(u, state)
	if err != nil {
		return nil, err
	}
	short, err := client.Auth.ExchangeCode(ctx, cfg, code)
	if err != nil {
		return nil, err
	}
	return client.Auth.ExchangeLongLived(ctx, cfg, short)
}

// approve plays the browser for the fake API: it opens the authorization
// URL and follows the redirect to the local server at host, whose handler
// reports the outcome. Failures before that are reported here.
func approve(ctx context.Context, authURL, host string, done chan<- login) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err == nil {
		var res *http.Response
		if res, err = http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.Request.URL.Host == host {
				return
			}
			err = fmt.Errorf("the authorization page answered %s instead of redirecting", res.Status)
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// The URL may be the redirect, whose query holds the code.
		target := ue.URL
		if u, perr := url.Parse(target); perr == nil {
			target = u.Scheme + "://" + u.Host + u.Path
		}
		err = fmt.Errorf("%s %s: %w", ue.Op, target, ue.Err)
	}
	select {
	case done <- login{err: fmt.Errorf("opening the authorization URL: %w", err)}:
	default:
	}
}

// fail prints one line about err and returns the exit code. The SDK's
// errors never carry the secret, the code or a token.
func fail(stderr io.Writer, err error) int {
	switch {
	case errors.Is(err, instagram.ErrAuthorizationDenied):
		fmt.Fprintln(stderr, "oauth-login: the login was cancelled; nothing was saved")
	case errors.Is(err, instagram.ErrStateMismatch):
		fmt.Fprintln(stderr, "oauth-login: the redirect does not belong to this login attempt (state mismatch); start again")
	case errors.Is(err, instagram.ErrCodeExpired), errors.Is(err, instagram.ErrCodeInvalid):
		fmt.Fprintf(stderr, "oauth-login: the authorization code was not accepted (%v); start again\n", err)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "oauth-login: interrupted")
	default:
		fmt.Fprintf(stderr, "oauth-login: %v\n", err)
	}
	return 1
}
