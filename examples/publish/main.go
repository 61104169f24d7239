// Command publish publishes an image, a video, a reel, a story or a
// carousel to an Instagram professional account and prints the new media's
// id and permalink.
//
//	go run ./examples/publish -image https://example.com/photo.jpg -caption "Hello"
//	go run ./examples/publish -reel ./clip.mp4 -caption "Uploaded from disk"
//	go run ./examples/publish -carousel https://example.com/a.jpg,https://example.com/b.mp4
//
// A value that is not an http(s) URL is a local video file, sent with a
// resumable upload that continues after a broken connection (Meta documents
// resumable uploads for Facebook Login tokens). In -story and -carousel,
// names ending in .mp4, .mov or .m4v are videos, others images.
//
// With INSTAGRAM_ACCESS_TOKEN set (an Instagram Login user token) it
// publishes for real through graph.instagram.com, or INSTAGRAM_GRAPH_URL
// (scheme and host) when set, and uploads to INSTAGRAM_UPLOAD_URL when set.
// Local files need Facebook Login: set INSTAGRAM_LOGIN=facebook, a Facebook
// user token and INSTAGRAM_USER_ID (the Instagram business account id).
// Without a token it publishes to the fake API of package instagramtest,
// with Facebook Login, and says so on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
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

// request is what the flags ask to publish.
type request struct {
	image, video, reel, story, carousel string
	opts                                instagram.PublishOptions
	userID                              string // empty: the token's own account (/me)
}

// run is the program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r request
	fs.StringVar(&r.image, "image", "", "publish an image from this public JPEG URL")
	fs.StringVar(&r.video, "video", "", "publish a feed video from this URL or local file")
	fs.StringVar(&r.reel, "reel", "", "publish a reel from this URL or local file")
	fs.StringVar(&r.story, "story", "", "publish a story from this image or video URL, or local video file")
	fs.StringVar(&r.carousel, "carousel", "", "publish a carousel of 2-10 comma-separated image or video URLs and files")
	fs.StringVar(&r.opts.Caption, "caption", "", "caption (not for stories)")
	fs.StringVar(&r.opts.AltText, "alt", "", "alt text of an -image")
	fs.StringVar(&r.opts.LocationID, "location", "", "id of a Facebook Page with a location")
	noFeed := fs.Bool("reel-only", false, "with -reel: do not also show the reel in the feed")
	maxWait := fs.Duration("max-wait", 5*time.Minute, "how long to wait for Meta to process the media")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	n := 0
	for _, v := range []string{r.image, r.video, r.reel, r.story, r.carousel} {
		if v != "" {
			n++
		}
	}
	if n != 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "publish: give exactly one of -image, -video, -reel, -story or -carousel")
		fs.Usage()
		return 2
	}
	if *noFeed {
		r.opts.ShareToFeed = ptr(false)
	}
	r.opts.Wait = instagram.WaitOptions{MaxWait: *maxWait}

	var opts []instagram.Option
	token := strings.TrimSpace(getenv("INSTAGRAM_ACCESS_TOKEN"))
	if token == "" {
		srv := instagramtest.NewServer()
		defer srv.Close()
		fmt.Fprintf(stderr, "INSTAGRAM_ACCESS_TOKEN is not set: publishing to a fake Instagram API running in this process at %s\n", srv.URL)
		opts = append(opts, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithAccessToken(srv.FacebookAccessToken),
			instagram.WithBaseURL(srv.URL), instagram.WithUploadURL(srv.URL))
		r.userID = srv.UserID
		r.opts.Wait.Interval = 50 * time.Millisecond
	} else {
		opts = append(opts, instagram.WithAccessToken(token))
		if strings.EqualFold(strings.TrimSpace(getenv("INSTAGRAM_LOGIN")), "facebook") {
			r.userID = strings.TrimSpace(getenv("INSTAGRAM_USER_ID"))
			if r.userID == "" {
				fmt.Fprintln(stderr, "publish: INSTAGRAM_LOGIN=facebook needs INSTAGRAM_USER_ID")
				return 2
			}
			opts = append(opts, instagram.WithPlatform(instagram.FacebookLogin))
		}
		if u := strings.TrimSpace(getenv("INSTAGRAM_GRAPH_URL")); u != "" {
			opts = append(opts, instagram.WithBaseURL(u))
		}
		if u := strings.TrimSpace(getenv("INSTAGRAM_UPLOAD_URL")); u != "" {
			opts = append(opts, instagram.WithUploadURL(u))
		}
	}
	client, err := instagram.NewClient(opts...)
	if err != nil {
		return fail(stderr, err)
	}
	m, err := publish(ctx, client, &r)
	if err != nil {
		return fail(stderr, err)
	}
	kind := string(m.MediaType)
	if m.MediaProductType != "" && m.MediaProductType != instagram.MediaProductTypeFeed {
		kind += " " + string(m.MediaProductType)
	}
	fmt.Fprintf(stdout, "published %s\nid: %s\npermalink: %s\n", kind, m.ID, m.Permalink)
	return 0
}

// publish runs the one call the request asks for.
func publish(ctx context.Context, client *instagram.Client, r *request) (*instagram.Media, error) {
	me := &instagram.User{ID: r.userID}
	if me.ID == "" {
		var err error
		if me, err = client.Users.Me(ctx, &instagram.GetOptions{Fields: []string{"id"}}); err != nil {
			return nil, err
		}
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	video := func(v string) (*instagram.VideoSource, error) {
		if isURL(v) {
			return &instagram.VideoSource{URL: v}, nil
		}
		f, err := os.Open(v)
		if err != nil {
			return nil, err
		}
		closers = append(closers, f)
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return &instagram.VideoSource{Reader: f, Size: st.Size()}, nil
	}

	switch {
	case r.image != "":
		return client.Media.PublishImage(ctx, me.ID, r.image, &r.opts)
	case r.video != "", r.reel != "":
		v, err := video(r.video + r.reel)
		if err != nil {
			return nil, err
		}
		if r.video != "" {
			return client.Media.PublishVideo(ctx, me.ID, *v, &r.opts)
		}
		return client.Media.PublishReel(ctx, me.ID, *v, &r.opts)
	case r.story != "":
		src := instagram.StorySource{ImageURL: r.story}
		if isVideo(r.story) || !isURL(r.story) {
			v, err := video(r.story)
			if err != nil {
				return nil, err
			}
			src = instagram.StorySource{Video: v}
		}
		return client.Media.PublishStory(ctx, me.ID, src, &r.opts)
	}
	var items []instagram.CarouselItem
	for _, v := range strings.Split(r.carousel, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if isVideo(v) || !isURL(v) {
			src, err := video(v)
			if err != nil {
				return nil, err
			}
			items = append(items, instagram.CarouselItem{Video: src})
		} else {
			items = append(items, instagram.CarouselItem{ImageURL: v})
		}
	}
	return client.Media.PublishCarousel(ctx, me.ID, items, &r.opts)
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

func isVideo(s string) bool {
	if i := strings.IndexAny(s, "?#"); i >= 0 && isURL(s) {
		s = s[:i]
	}
	switch strings.ToLower(path.Ext(s)) {
	case ".mp4", ".mov", ".m4v":
		return true
	}
	return false
}

func ptr[T any](v T) *T { return &v }

// fail prints one line about err and returns the exit code. The SDK's
// errors never carry the token.
func fail(stderr io.Writer, err error) int {
	var (
		ve *instagram.ValidationError
		ce *instagram.ContainerError
		ue *instagram.UnconfirmedPublishError
		rb *instagram.ReadBackError
	)
	switch {
	case errors.As(err, &ve):
		fmt.Fprintf(stderr, "publish: nothing was sent: %s: %s\n", ve.Field, ve.Rule)
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "publish: Instagram could not process the media (%s): %s\n", ce.StatusCode, ce.Status)
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "publish: the answer was lost and the result is unknown; it was not published again. Check the account before retrying (container %s): %v\n", ue.ContainerID, ue.Err)
	case errors.As(err, &rb):
		fmt.Fprintf(stderr, "publish: published as media %s, but reading it back failed: %v\n", rb.MediaID, rb.Err)
	case errors.Is(err, instagram.ErrPublishLimit):
		fmt.Fprintln(stderr, "publish: the account reached its limit of posts published through the API in 24 hours; try again later")
	case errors.Is(err, instagram.ErrTokenExpired), errors.Is(err, instagram.ErrInvalidToken):
		fmt.Fprintln(stderr, "publish: the access token is not valid any more; log in again and set INSTAGRAM_ACCESS_TOKEN")
	case errors.Is(err, instagram.ErrPermission):
		fmt.Fprintln(stderr, "publish: the token lacks the content publishing permission (instagram_business_content_publish)")
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "publish: interrupted")
	default:
		fmt.Fprintf(stderr, "publish: %v\n", err)
	}
	return 1
}
