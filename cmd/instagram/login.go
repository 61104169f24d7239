package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/igsdk/instagram"
)

// savedLogin is the login file: the token and where it works.
type savedLogin struct {
	Platform  string           `json:"platform"`
	BaseURL   string           `json:"base_url,omitempty"`
	AppID     string           `json:"app_id,omitempty"`
	AccountID string           `json:"account_id,omitempty"`
	Username  string           `json:"username,omitempty"`
	Token     *instagram.Token `json:"token"`
}

func (a *app) loginPath() (string, error) {
	d, err := a.configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "login.json"), nil
}

func (a *app) loadLogin() (*savedLogin, error) {
	p, err := a.loginPath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var s savedLogin
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return &s, nil
}

// saveLogin writes the login file, readable by its owner only.
func (a *app) saveLogin(s *savedLogin) (string, error) {
	p, err := a.loginPath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return "", err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return "", err
	}
	return p, os.Rename(tmp, p)
}

func (a *app) loginCmd() *cobra.Command {
	var (
		scopes            []string
		appID, appSecret  string
		port              int
		noBrowser         bool
		authURL, tokenURL string
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in with OAuth and save a long-lived token",
		Long: `Runs the OAuth flow: a callback server on 127.0.0.1, the authorization page
opened in the browser when possible (its URL is printed too), the code
exchanged for a short-lived token and that one for a long-lived token
(about 60 days), saved with mode 0600 under the user's configuration
directory ($INSTAGRAM_CONFIG_DIR overrides it).

The app's id and secret come from --app-id and --app-secret, or
INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET. Register
http://127.0.0.1:PORT/callback as a redirect URI of the app and pass the
same --port. With --base-url the authorization and token pages are those of
that host, as the fake serves them ('instagram fake' prints its app id and
secret).`,
		Example: `  instagram login --app-id 123 --app-secret S --port 8765
  instagram login --facebook --scopes instagram_basic,instagram_content_publish,pages_show_list
  instagram --base-url http://127.0.0.1:8080 login --app-id APP --app-secret SECRET`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if appID == "" {
				appID = a.getenv("INSTAGRAM_APP_ID")
			}
			if appSecret == "" {
				appSecret = a.getenv("INSTAGRAM_APP_SECRET")
			}
			if appID == "" || appSecret == "" {
				return usagef("login needs the app's id and secret: --app-id and --app-secret (or INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET)")
			}
			return a.login(cmd.Context(), loginParams{scopes, appID, appSecret, port, noBrowser, authURL, tokenURL})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&scopes, "scopes", nil, "permissions to ask for, comma separated (default: basic, publishing, comments and messages)")
	f.StringVar(&appID, "app-id", "", "the app's id (default $INSTAGRAM_APP_ID)")
	f.StringVar(&appSecret, "app-secret", "", "the app's secret (default $INSTAGRAM_APP_SECRET)")
	f.IntVar(&port, "port", 0, "port of the local callback on 127.0.0.1 (0 picks a free one)")
	f.BoolVar(&noBrowser, "no-browser", false, "print the URL without opening a browser")
	f.StringVar(&authURL, "auth-url", "", "authorization page (default Meta's, or the --base-url host's)")
	f.StringVar(&tokenURL, "token-url", "", "code exchange address (default Meta's, or the --base-url host's)")
	return cmd
}

type loginParams struct {
	scopes            []string
	appID, appSecret  string
	port              int
	noBrowser         bool
	authURL, tokenURL string
}

func (a *app) login(ctx context.Context, p loginParams) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p.port))
	if err != nil {
		return fmt.Errorf("starting the callback server: %w", err)
	}
	redirect := "http://" + l.Addr().String() + "/callback"
	scopes := make([]instagram.Scope, 0, len(p.scopes))
	for _, s := range p.scopes {
		scopes = append(scopes, instagram.Scope(strings.TrimSpace(s)))
	}
	var cfg *instagram.OAuthConfig
	if a.facebook {
		if len(scopes) == 0 {
			scopes = []instagram.Scope{"instagram_basic", "instagram_content_publish", "instagram_manage_comments", "instagram_manage_messages", "pages_show_list", "pages_read_engagement"}
		}
		cfg = instagram.FacebookLoginConfig(p.appID, p.appSecret, redirect, scopes...)
	} else {
		if len(scopes) == 0 {
			scopes = []instagram.Scope{"instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_comments", "instagram_business_manage_messages"}
		}
		cfg = instagram.InstagramLoginConfig(p.appID, p.appSecret, redirect, scopes...)
	}
	if a.apiVersion != "" {
		cfg.APIVersion = a.apiVersion
	}
	if a.baseURL != "" {
		if a.facebook {
			v := cfg.APIVersion
			if v == "" {
				v = instagram.DefaultAPIVersion
			}
			cfg.AuthURL = a.baseURL + "/" + v + "/dialog/oauth"
		} else {
			cfg.AuthURL = a.baseURL + "/oauth/authorize"
			cfg.TokenURL = a.baseURL + "/oauth/access_token"
		}
	}
	if p.authURL != "" {
		cfg.AuthURL = p.authURL
	}
	if p.tokenURL != "" {
		cfg.TokenURL = p.tokenURL
	}

	state := instagram.NewState()
	type result struct {
		code string
		err  error
	}
	got := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		code, err := instagram.ParseRedirect(r.URL, state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "<!doctype html><title>Login failed</title><p>Login failed. You can close this window.")
		} else {
			_, _ = io.WriteString(w, "<!doctype html><title>Logged in</title><p>Logged in. You can close this window and return to the terminal.")
		}
		select {
		case got <- result{code, err}:
		default:
		}
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(l) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()

	u := cfg.AuthCodeURL(state)
	fmt.Fprintf(a.errOut, "Open this address to log in (waiting for the redirect to %s):\n  %s\n", redirect, u)
	if !p.noBrowser {
		if err := a.openBrowser(u); err != nil {
			fmt.Fprintf(a.errOut, "Could not open a browser (%v): open the address yourself.\n", err)
		}
	}
	var r result
	select {
	case r = <-got:
	case <-ctx.Done():
		return ctx.Err()
	}
	if r.err != nil {
		return r.err
	}

	c, err := instagram.NewClient(a.options()...)
	if err != nil {
		return err
	}
	short, err := c.Auth.ExchangeCode(ctx, cfg, r.code)
	if err != nil {
		return err
	}
	long, err := c.Auth.ExchangeLongLived(ctx, cfg, short)
	if err != nil {
		return err
	}
	s := &savedLogin{Platform: "instagram", BaseURL: a.baseURL, AppID: p.appID, Token: long}
	if a.facebook {
		s.Platform = "facebook"
	}
	uc, err := instagram.NewClient(append(a.options(), instagram.WithAccessToken(long.AccessToken))...)
	if err != nil {
		return err
	}
	if id, err := a.accountID(ctx, uc); err == nil {
		s.AccountID = id
		if u, err := uc.Users.Get(ctx, id, &instagram.GetOptions{Fields: []string{"username"}}); err == nil {
			s.Username = u.Username
		}
	}
	path, err := a.saveLogin(s)
	if err != nil {
		return err
	}
	return a.print(loginJSON(s, path), func(w io.Writer) {
		fmt.Fprintf(w, "Logged in as %s (account %s) with %s Login.\n", orDash(s.Username), orDash(s.AccountID), platformName(s.Platform))
		fmt.Fprintf(w, "Token saved to %s, expires %s.\n", path, expiry(long.Expiry))
	})
}

func loginJSON(s *savedLogin, path string) map[string]any {
	m := map[string]any{"platform": s.Platform, "account_id": s.AccountID, "username": s.Username, "path": path}
	if s.Token != nil {
		m["expires_at"] = s.Token.Expiry
		m["scopes"] = s.Token.Permissions
	}
	return m
}

func platformName(p string) string {
	if p == "facebook" {
		return "Facebook"
	}
	return "Instagram"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func expiry(t time.Time) string {
	if t.IsZero() {
		return "never (or unknown)"
	}
	return fmt.Sprintf("%s (in %s)", t.UTC().Format(time.RFC3339), time.Until(t).Round(time.Hour))
}

func (a *app) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "logout",
		Short:   "Remove the saved login",
		Example: "  instagram logout",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			p, err := a.loginPath()
			if err != nil {
				return err
			}
			err = os.Remove(p)
			switch {
			case errors.Is(err, os.ErrNotExist):
				fmt.Fprintln(a.errOut, "Not logged in.")
				return nil
			case err != nil:
				return err
			}
			fmt.Fprintf(a.out, "Removed %s.\n", p)
			return nil
		},
	}
}

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Show, debug or refresh the access token",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	show := &cobra.Command{
		Use:     "show",
		Short:   "Show the saved token's expiry, scopes and account (never the token itself)",
		Example: "  instagram token show\n  instagram token show --json",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			s, err := a.loadLogin()
			if err != nil || s.Token == nil {
				return errors.New("no saved login: run 'instagram login'")
			}
			p, _ := a.loginPath()
			return a.print(loginJSON(s, p), func(w io.Writer) {
				fmt.Fprintf(w, "platform:   %s Login\n", platformName(s.Platform))
				fmt.Fprintf(w, "account:    %s (%s)\n", orDash(s.AccountID), orDash(s.Username))
				fmt.Fprintf(w, "expires:    %s\n", expiry(s.Token.Expiry))
				fmt.Fprintf(w, "issued:     %s\n", s.Token.IssuedAt.UTC().Format(time.RFC3339))
				fmt.Fprintf(w, "scopes:     %s\n", orDash(strings.Join(s.Token.Permissions, ",")))
				if s.BaseURL != "" {
					fmt.Fprintf(w, "host:       %s\n", s.BaseURL)
				}
			})
		},
	}
	var appToken string
	debug := &cobra.Command{
		Use:   "debug",
		Short: "Ask Meta what it knows about the token (debug_token)",
		Long: `Calls debug_token (graph.facebook.com, Facebook Login only) for the current
token, authenticated by the token itself or by --app-token (APP_ID|APP_SECRET).`,
		Example: "  instagram token debug\n  instagram --facebook token debug --app-token 'APPID|SECRET'",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			if !a.facebook {
				return usagef("debug_token is a Facebook Login call (graph.facebook.com): use --facebook with a Facebook Login token; for an Instagram Login token see 'instagram token show' and 'instagram me'")
			}
			tok, err := a.currentToken()
			if err != nil {
				return err
			}
			var opts *instagram.DebugTokenOptions
			if appToken != "" {
				opts = &instagram.DebugTokenOptions{AccessToken: appToken}
			}
			ti, err := c.Auth.DebugToken(cmd.Context(), tok, opts)
			if err != nil {
				return err
			}
			doc := map[string]any{"is_valid": ti.IsValid, "type": ti.Type, "app_id": ti.AppID, "application": ti.Application,
				"user_id": ti.UserID, "profile_id": ti.ProfileID, "scopes": ti.Scopes, "expires_at": ti.ExpiresAt,
				"issued_at": ti.IssuedAt, "data_access_expires_at": ti.DataAccessExpiresAt}
			if ti.Error != nil {
				doc["error"] = ti.Error
			}
			return a.print(doc, func(w io.Writer) {
				fmt.Fprintf(w, "valid:      %t\n", ti.IsValid)
				fmt.Fprintf(w, "type:       %s\n", orDash(ti.Type))
				fmt.Fprintf(w, "app:        %s %s\n", orDash(ti.AppID), ti.Application)
				fmt.Fprintf(w, "user:       %s\n", orDash(ti.UserID))
				fmt.Fprintf(w, "expires:    %s\n", expiry(ti.ExpiresAt))
				fmt.Fprintf(w, "scopes:     %s\n", orDash(strings.Join(ti.Scopes, ",")))
			})
		},
	}
	debug.Flags().StringVar(&appToken, "app-token", "", "token that authenticates the debug_token call")
	refresh := &cobra.Command{
		Use:     "refresh",
		Short:   "Refresh the saved Instagram Login token for another 60 days and save it",
		Long:    "Meta refreshes long-lived Instagram Login tokens at least 24 hours old and not expired.",
		Example: "  instagram token refresh",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.loadLogin()
			if err != nil || s.Token == nil {
				return errors.New("no saved login: run 'instagram login'")
			}
			if s.Platform == "facebook" {
				return errors.New("a Facebook Login token is not refreshed: run 'instagram login --facebook' again")
			}
			if a.baseURL == "" {
				a.baseURL = s.BaseURL
			}
			c, err := instagram.NewClient(a.options()...)
			if err != nil {
				return err
			}
			nt, err := c.Auth.RefreshToken(cmd.Context(), s.Token)
			if err != nil {
				return err
			}
			s.Token = nt
			p, err := a.saveLogin(s)
			if err != nil {
				return err
			}
			return a.print(loginJSON(s, p), func(w io.Writer) {
				fmt.Fprintf(w, "Token refreshed and saved to %s, expires %s.\n", p, expiry(nt.Expiry))
			})
		},
	}
	cmd.AddCommand(show, debug, refresh)
	return cmd
}

// currentToken is the token client() uses.
func (a *app) currentToken() (string, error) {
	if a.token != "" {
		return a.token, nil
	}
	if a.fake != nil {
		if a.facebook {
			return a.fake.FacebookAccessToken, nil
		}
		return a.fake.AccessToken, nil
	}
	if s, err := a.loadLogin(); err == nil && s.Token != nil {
		return s.Token.AccessToken, nil
	}
	return "", errors.New("no token")
}
