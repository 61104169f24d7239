package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/igsdk/instagram/instagramtest"
)

func (a *app) fakeCmd() *cobra.Command {
	var (
		addr      string
		seed      int64
		rateLimit int
		faults    []string
		polls     int
	)
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve the fake Graph API until interrupted, for programs in any language",
		Long: `Serves the SDK's fake Instagram Graph API (package instagramtest) on a real
address until interrupted: both host styles (Instagram Login tokens see
graph.instagram.com answers, Facebook Login tokens graph.facebook.com
answers), OAuth pages, resumable uploads, batch requests and webhooks to a
registered callback, with Meta's error shapes.

The first line on stdout is exactly "listening on http://HOST:PORT"; the
next ones give an Instagram Login token, a Facebook Login token, the account
id, and the fake app's id and secret (for 'instagram login').

--fault PATH=KIND makes requests whose unversioned path matches the glob
PATH fail: KIND is 500, 502, drop, apply-then-drop or delay:DURATION,
optionally followed by @PROBABILITY (for example "/*/media_publish=500@0.2").`,
		Example: `  instagram fake
  instagram fake --addr 127.0.0.1:9000 --seed 7 --rate-limit 200
  instagram fake --fault '/*/media_publish=apply-then-drop@0.5'`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := []instagramtest.Option{instagramtest.WithSeed(seed)}
			if rateLimit > 0 {
				opts = append(opts, instagramtest.WithRateLimit(rateLimit, time.Hour))
			}
			if polls > 0 {
				opts = append(opts, instagramtest.WithContainerPolls(polls))
			}
			parsed := make([]instagramtest.Fault, 0, len(faults))
			for _, f := range faults {
				pf, err := parseFault(f)
				if err != nil {
					return err
				}
				parsed = append(parsed, pf)
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			srv := instagramtest.NewServer(append(opts, instagramtest.WithListener(l))...)
			defer srv.Close()
			for _, f := range parsed {
				srv.InjectFault(f)
			}
			fmt.Fprintf(a.out, "listening on %s\n", srv.URL)
			fmt.Fprintf(a.out, "instagram-login token: %s\n", srv.AccessToken)
			fmt.Fprintf(a.out, "facebook-login token: %s\n", srv.FacebookAccessToken)
			fmt.Fprintf(a.out, "account id: %s\n", srv.UserID)
			fmt.Fprintf(a.out, "app id: %s\n", srv.AppID)
			fmt.Fprintf(a.out, "app secret: %s\n", srv.AppSecret)
			fmt.Fprintln(a.errOut, "Serving the fake Graph API; Ctrl-C stops it.")
			<-cmd.Context().Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.Int64Var(&seed, "seed", 1, "seed of every generated id, text and count")
	f.IntVar(&rateLimit, "rate-limit", 0, "calls per hour before Meta's throttling answers (default: practically unlimited)")
	f.StringArrayVar(&faults, "fault", nil, "PATH=KIND[@PROBABILITY] fault to inject (repeatable)")
	f.IntVar(&polls, "container-polls", 0, "status reads a container stays IN_PROGRESS (default the fake's)")
	return cmd
}

// parseFault reads PATH=KIND[@PROBABILITY].
func parseFault(s string) (instagramtest.Fault, error) {
	path, kind, ok := strings.Cut(s, "=")
	if !ok || path == "" || kind == "" {
		return instagramtest.Fault{}, usagef("--fault %q: want PATH=KIND[@PROBABILITY]", s)
	}
	f := instagramtest.Fault{Path: path}
	if k, p, ok := strings.Cut(kind, "@"); ok {
		prob, err := strconv.ParseFloat(p, 64)
		if err != nil || prob <= 0 || prob > 1 {
			return f, usagef("--fault %q: probability must be in (0, 1]", s)
		}
		kind, f.Probability = k, prob
	}
	switch {
	case kind == "500":
		f.Kind = instagramtest.FaultStatus500
	case kind == "502":
		f.Kind = instagramtest.FaultBodiless502
	case kind == "drop":
		f.Kind = instagramtest.FaultDrop
	case kind == "apply-then-drop":
		f.Kind = instagramtest.FaultApplyThenDrop
	case strings.HasPrefix(kind, "delay:"):
		d, err := time.ParseDuration(strings.TrimPrefix(kind, "delay:"))
		if err != nil {
			return f, usagef("--fault %q: %v", s, err)
		}
		f.Kind = instagramtest.FaultDelay(d)
	default:
		return f, usagef("--fault %q: KIND is 500, 502, drop, apply-then-drop or delay:DURATION", s)
	}
	return f, nil
}
