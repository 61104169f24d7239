package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// app holds the global flags and what the commands write to.
type app struct {
	in          io.Reader
	out, errOut io.Writer

	token      string
	baseURL    string
	uploadURL  string
	facebook   bool
	apiVersion string
	jsonOut    bool
	debug      bool
	account    string

	// getenv, openBrowser and isTerminal are replaced in tests.
	getenv      func(string) string
	openBrowser func(url string) error
	isTerminal  func(w io.Writer) bool
	// progressEvery is how often upload progress is reported; zero picks
	// a default for the kind of output.
	progressEvery time.Duration
	// poll is how often a container's processing status is read (default
	// two seconds).
	poll time.Duration

	fake *instagramtest.Server
}

func newApp(in io.Reader, out, errOut io.Writer) *app {
	return &app{
		in: in, out: out, errOut: errOut,
		getenv:      os.Getenv,
		openBrowser: openBrowser,
		isTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
	}
}

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// args wraps a cobra argument check so that its failure is a usage error.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// run executes the command line and returns the exit code.
func (a *app) run(ctx context.Context, argv []string) int {
	root := a.rootCmd()
	root.SetArgs(argv)
	err := root.ExecuteContext(ctx)
	if a.fake != nil {
		a.fake.Close()
		a.fake = nil
	}
	return a.report(err)
}

// report prints err on stderr and maps it to an exit code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	var (
		ue *usageError
		ve *instagram.ValidationError
		ae *instagram.Error
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &ve), strings.HasPrefix(err.Error(), "unknown command"):
		fmt.Fprintf(a.errOut, "error: %v\nRun 'instagram --help' for usage.\n", err)
		return exitUsage
	case errors.As(err, &ae):
		fmt.Fprintf(a.errOut, "error: Meta API error code %d", ae.Code)
		if ae.Subcode != 0 {
			fmt.Fprintf(a.errOut, " (subcode %d)", ae.Subcode)
		}
		fmt.Fprintf(a.errOut, ", HTTP %d: %s\n", ae.HTTPStatus, ae.Message)
		if ae.TraceID != "" {
			fmt.Fprintf(a.errOut, "fbtrace_id: %s\n", ae.TraceID)
		}
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.errOut, "interrupted")
		return exitError
	}
	fmt.Fprintf(a.errOut, "error: %v\n", err)
	return exitError
}

const rootLong = `instagram is a command-line client of Instagram's Graph APIs (Instagram
Login on graph.instagram.com, or Facebook Login on graph.facebook.com with
--facebook).

The token comes from --token, else INSTAGRAM_ACCESS_TOKEN, else the login
saved by 'instagram login'. With none of them the command runs against a
built-in fake API (the SDK's instagramtest server) and says so on stderr.
--base-url (or INSTAGRAM_GRAPH_URL) points at another host, such as the one
'instagram fake' serves.

Exit codes: 0 success, 1 API or runtime error (Meta's code and message on
stderr), 2 usage error.`

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "instagram",
		Short: "Work with Instagram's Graph APIs from the command line",
		Long:  rootLong,
		Example: `  instagram fake &
  instagram --base-url http://127.0.0.1:8080 --token TOKEN me
  instagram publish reel clip.mp4 --caption "First reel"
  instagram webhooks listen --secret S --verify-token V`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           instagram.Version,
		DisableAutoGenTag: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.loadEnv(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SetIn(a.in)
	pf := root.PersistentFlags()
	pf.StringVar(&a.token, "token", "", "access token (default $INSTAGRAM_ACCESS_TOKEN, then the saved login)")
	pf.StringVar(&a.baseURL, "base-url", "", "Graph API host, for example the fake's http://127.0.0.1:8080 (default $INSTAGRAM_GRAPH_URL, then Meta's host)")
	pf.BoolVar(&a.facebook, "facebook", false, "use Facebook Login (graph.facebook.com) instead of Instagram Login")
	pf.StringVar(&a.apiVersion, "api-version", "", "Graph API version (default "+instagram.DefaultAPIVersion+")")
	pf.BoolVar(&a.jsonOut, "json", false, "machine-readable output: one JSON document, or JSON lines for streams")
	pf.BoolVar(&a.debug, "debug", false, "log requests to stderr, credentials masked")
	pf.StringVar(&a.account, "account", "", "Instagram account id (default $INSTAGRAM_ACCOUNT_ID, then the token's account)")

	root.AddCommand(a.loginCmd(), a.logoutCmd(), a.tokenCmd(), a.meCmd(), a.mediaCmd(), a.insightsCmd(),
		a.publishCmd(), a.commentsCmd(), a.messagesCmd(), a.webhooksCmd(), a.fakeCmd(), a.docsCmd())
	return root
}

// loadEnv fills flags not given from the environment.
func (a *app) loadEnv(cmd *cobra.Command) error {
	fill := func(flag string, dst *string, env string) {
		if !cmd.Flags().Changed(flag) && *dst == "" {
			*dst = a.getenv(env)
		}
	}
	fill("token", &a.token, "INSTAGRAM_ACCESS_TOKEN")
	fill("base-url", &a.baseURL, "INSTAGRAM_GRAPH_URL")
	fill("account", &a.account, "INSTAGRAM_ACCOUNT_ID")
	a.baseURL = strings.TrimRight(a.baseURL, "/")
	return nil
}

// platform is the login flow of the global flags.
func (a *app) platform() instagram.Platform {
	if a.facebook {
		return instagram.FacebookLogin
	}
	return instagram.InstagramLogin
}

// options are the client options of the global flags, without a token.
func (a *app) options() []instagram.Option {
	opts := []instagram.Option{instagram.WithPlatform(a.platform()), instagram.WithUserAgent("instagram-cli/" + instagram.Version)}
	if a.baseURL != "" {
		opts = append(opts, instagram.WithBaseURL(a.baseURL))
		up := a.uploadURL
		if up == "" {
			up = a.baseURL // the fake serves uploads on its own host
		}
		opts = append(opts, instagram.WithUploadURL(up))
	}
	if a.apiVersion != "" {
		opts = append(opts, instagram.WithAPIVersion(a.apiVersion))
	}
	if a.debug {
		opts = append(opts, instagram.WithLogger(slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	return opts
}

// client returns a client for the global flags: the given token, the saved
// login, or the built-in fake.
func (a *app) client() (*instagram.Client, error) {
	tok := a.token
	if tok == "" {
		if s, err := a.loadLogin(); err == nil && s.Token != nil {
			tok = s.Token.AccessToken
			if a.baseURL == "" {
				a.baseURL = s.BaseURL
			}
			if s.Platform == "facebook" {
				a.facebook = true
			}
			if a.account == "" {
				a.account = s.AccountID
			}
		}
	}
	if tok == "" {
		return a.fakeClient()
	}
	return instagram.NewClient(append(a.options(), instagram.WithAccessToken(tok))...)
}

// fakeClient starts the built-in fake and returns a client for it.
func (a *app) fakeClient() (*instagram.Client, error) {
	if a.fake == nil {
		a.fake = instagramtest.NewServer(instagramtest.WithContainerPolls(1))
		fmt.Fprintf(a.errOut, "No token and no saved login: using the built-in fake API at %s (nothing leaves this machine; run 'instagram login' or pass --token).\n", a.fake.URL)
	}
	a.baseURL = a.fake.URL
	tok := a.fake.AccessToken
	if a.facebook {
		tok = a.fake.FacebookAccessToken
	}
	return instagram.NewClient(append(a.options(), instagram.WithAccessToken(tok))...)
}

// accountID is the Instagram account the commands act on.
func (a *app) accountID(ctx context.Context, c *instagram.Client) (string, error) {
	if a.account != "" {
		return a.account, nil
	}
	if !a.facebook {
		u, err := c.Users.Me(ctx, &instagram.GetOptions{Fields: []string{"id", "user_id"}})
		if err != nil {
			return "", err
		}
		a.account = u.ID
		return u.ID, nil
	}
	for p, err := range c.Auth.AllAccounts(ctx, nil) {
		if err != nil {
			return "", err
		}
		if p.InstagramBusinessAccount != nil {
			a.account = p.InstagramBusinessAccount.ID
			return a.account, nil
		}
	}
	return "", errors.New("no Facebook Page of this token has a linked Instagram account: pass --account")
}

// print writes v as JSON with --json, otherwise the text human gives.
func (a *app) print(v any, human func(w io.Writer)) error {
	if a.jsonOut {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	human(a.out)
	return nil
}

// printLine writes v as one JSON line with --json (streams).
func (a *app) printLine(v any, human func(w io.Writer)) error {
	if a.jsonOut {
		return json.NewEncoder(a.out).Encode(v)
	}
	human(a.out)
	return nil
}

// configDir is where the login is saved.
func (a *app) configDir() (string, error) {
	if d := a.getenv("INSTAGRAM_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "instagram"), nil
}

func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func (a *app) pollInterval() time.Duration {
	if a.poll > 0 {
		return a.poll
	}
	return 2 * time.Second
}
