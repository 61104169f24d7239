// Command instagram is a command-line client of Instagram's Graph APIs
// built on github.com/igsdk/instagram: log in, inspect tokens, read and
// publish media with upload progress, moderate comments, send messages,
// trigger and receive signed webhooks, and serve the SDK's fake Graph API
// (package instagramtest) to programs written in any language.
//
// Without a token or a saved login it runs against a built-in fake and
// says so on stderr. Exit codes: 0 success, 1 API or runtime error, 2
// usage error. See docs/cli.md for every command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := newApp(os.Stdin, os.Stdout, os.Stderr).run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
