// Command quickstart prints an Instagram professional account and its
// latest media.
//
//	go run ./examples/quickstart            # fake API in this process
//	INSTAGRAM_ACCESS_TOKEN=IGAA... go run ./examples/quickstart -limit 50
//
// With INSTAGRAM_ACCESS_TOKEN set (an Instagram Login user token) it calls
// the real API at graph.instagram.com, or at INSTAGRAM_GRAPH_URL (scheme and
// host; the SDK adds the version) when that is set. Without a token it
// starts the fake API of package instagramtest and says so on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	limit := fs.Int("limit", 20, "how many media to print, newest first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *limit < 1 {
		fmt.Fprintln(stderr, "quickstart: -limit must be at least 1")
		return 2
	}

	var opts []instagram.Option
	token := strings.TrimSpace(getenv("INSTAGRAM_ACCESS_TOKEN"))
	if token == "" {
		srv := instagramtest.NewServer()
		defer srv.Close()
		fmt.Fprintf(stderr, "INSTAGRAM_ACCESS_TOKEN is not set: using a fake Instagram API with demo data, running in this process at %s\n", srv.URL)
		opts = append(opts, instagram.WithAccessToken(srv.AccessToken), instagram.WithBaseURL(srv.URL))
	} else {
		opts = append(opts, instagram.WithAccessToken(token))
		if u := strings.TrimSpace(getenv("INSTAGRAM_GRAPH_URL")); u != "" {
			opts = append(opts, instagram.WithBaseURL(u))
		}
	}

	client, err := instagram.NewClient(opts...)
	if err != nil {
		return fail(stderr, err)
	}
	if err := show(ctx, client, *limit, stdout); err != nil {
		return fail(stderr, err)
	}
	return 0
}

// show prints the account, then up to limit media, newest first.
func show(ctx context.Context, client *instagram.Client, limit int, w io.Writer) error {
	me, err := client.Users.Me(ctx, &instagram.GetOptions{
		Fields: []string{"id", "username", "followers_count", "media_count"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "@%s (id %s): %d followers, %d media\n", me.Username, me.ID, me.FollowersCount, me.MediaCount)

	opts := &instagram.ListOptions{
		Fields: []string{"id", "media_type", "timestamp", "permalink"},
		Limit:  min(limit, 100),
	}
	n := 0
	for m, err := range client.Media.All(ctx, me.ID, opts) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-18s  %-14s  %s  %s\n", m.ID, m.MediaType, m.Timestamp.UTC().Format(time.RFC3339), m.Permalink)
		if n++; n == limit {
			break
		}
	}
	return nil
}

// fail prints one line about err and returns the exit code. The SDK's
// errors never carry the token.
func fail(stderr io.Writer, err error) int {
	var rl *instagram.RateLimitError
	switch {
	case errors.Is(err, instagram.ErrTokenExpired):
		fmt.Fprintln(stderr, "quickstart: the access token has expired; log in with Instagram again for a new one (or refresh long-lived tokens with GET /refresh_access_token before they expire) and set INSTAGRAM_ACCESS_TOKEN")
	case errors.Is(err, instagram.ErrInvalidToken):
		fmt.Fprintln(stderr, "quickstart: the access token is not valid; log in with Instagram again and set INSTAGRAM_ACCESS_TOKEN to the new token")
	case errors.As(err, &rl):
		wait := max(rl.RetryAfter, time.Second).Round(time.Second)
		fmt.Fprintf(stderr, "quickstart: rate limited by Instagram; retry in %s (after %s)\n", wait, time.Now().Add(wait).Format(time.Kitchen))
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "quickstart: interrupted")
	default:
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
	}
	return 1
}
