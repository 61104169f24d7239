package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/igsdk/instagram"
)

type publishFlags struct {
	caption     string
	altText     string
	cover       string
	shareToFeed bool
	maxWait     time.Duration
	poll        time.Duration
}

func isURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

func (a *app) publishCmd() *cobra.Command {
	pf := publishFlags{poll: a.poll}
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Publish an image, video, reel, story or carousel",
		Long: `Publishes media. Images are given as public URLs (Meta downloads them);
videos as a local FILE, uploaded with a resumable upload and a progress bar
(plain periodic lines when stderr is not a terminal), or as a public URL.
The command then waits for Meta's processing, showing its status, publishes
and prints the permalink. A publish is never made twice, even when an
answer is lost. Ctrl-C during an upload leaves the container resumable and
prints the 'instagram publish resume' command that continues it.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	pfl := cmd.PersistentFlags()
	pfl.StringVar(&pf.caption, "caption", "", "caption (not for stories)")
	pfl.StringVar(&pf.altText, "alt-text", "", "alternative text of an image")
	pfl.StringVar(&pf.cover, "cover", "", "public URL of a cover image (videos and reels)")
	pfl.BoolVar(&pf.shareToFeed, "share-to-feed", true, "also show a reel in the feed")
	pfl.DurationVar(&pf.maxWait, "max-wait", 10*time.Minute, "how long to wait for Meta's processing")

	image := &cobra.Command{
		Use:     "image URL",
		Short:   "Publish an image from a public URL",
		Example: `  instagram publish image https://example.com/photo.jpg --caption "Hello" --alt-text "A red door"`,
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			if !isURL(argv[0]) {
				return usagef("Meta downloads images itself: give a public http(s) URL, not %q", argv[0])
			}
			c, id, err := a.publishTarget(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintln(a.errOut, "Creating the container and publishing...")
			m, err := c.Media.PublishImage(cmd.Context(), id, argv[0], pf.options(false))
			return a.published(m, err)
		},
	}
	video := func(use, short string, kind instagram.ContainerMediaType) *cobra.Command {
		return &cobra.Command{
			Use:   use + " FILE|URL",
			Short: short,
			Example: fmt.Sprintf(`  instagram publish %s clip.mp4 --caption "Behind the scenes"
  instagram publish %s https://example.com/clip.mp4`, use, use),
			Args: args(cobra.ExactArgs(1)),
			RunE: func(cmd *cobra.Command, argv []string) error {
				return a.publishVideo(cmd.Context(), argv[0], kind, &pf)
			},
		}
	}
	story := &cobra.Command{
		Use:     "story FILE|URL",
		Short:   "Publish a story: an image URL, or a video file or URL",
		Example: "  instagram publish story https://example.com/story.jpg\n  instagram publish story clip.mp4",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			src := argv[0]
			if isURL(src) && !isVideoName(src) {
				c, id, err := a.publishTarget(cmd.Context())
				if err != nil {
					return err
				}
				m, err := c.Media.PublishStory(cmd.Context(), id, instagram.StorySource{ImageURL: src}, &instagram.PublishOptions{Wait: pf.wait()})
				return a.published(m, err)
			}
			return a.publishVideo(cmd.Context(), src, instagram.ContainerStories, &pf)
		},
	}
	carousel := &cobra.Command{
		Use:     "carousel URL...",
		Short:   "Publish a carousel of 2 to 10 public image or video URLs",
		Example: "  instagram publish carousel https://example.com/1.jpg https://example.com/2.mp4 --caption Album",
		Args:    args(cobra.RangeArgs(2, 10)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			items := make([]instagram.CarouselItem, 0, len(argv))
			for _, u := range argv {
				if !isURL(u) {
					return usagef("carousel items are public http(s) URLs, not %q", u)
				}
				if isVideoName(u) {
					items = append(items, instagram.CarouselItem{Video: &instagram.VideoSource{URL: u}})
				} else {
					items = append(items, instagram.CarouselItem{ImageURL: u})
				}
			}
			c, id, err := a.publishTarget(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.errOut, "Creating %d item containers and the carousel...\n", len(items))
			m, err := c.Media.PublishCarousel(cmd.Context(), id, items, &instagram.PublishOptions{Caption: pf.caption, Wait: pf.wait()})
			return a.published(m, err)
		},
	}
	resume := &cobra.Command{
		Use:     "resume CONTAINER_ID FILE",
		Short:   "Continue an interrupted upload and publish it",
		Example: "  instagram publish resume 17900000000000001 clip.mp4",
		Args:    args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, id, err := a.publishTarget(cmd.Context())
			if err != nil {
				return err
			}
			return a.uploadAndPublish(cmd.Context(), c, id, argv[0], argv[1], &pf)
		},
	}
	cmd.AddCommand(image, video("video", "Publish a video (as a reel, Meta's only video type in the feed)", instagram.ContainerReels),
		video("reel", "Publish a reel", instagram.ContainerReels), story, carousel, resume)
	return cmd
}

func isVideoName(s string) bool {
	s = strings.ToLower(s)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return strings.HasSuffix(s, ".mp4") || strings.HasSuffix(s, ".mov")
}

func (pf *publishFlags) wait() instagram.WaitOptions {
	return instagram.WaitOptions{MaxWait: pf.maxWait, Interval: pf.poll, MaxInterval: pf.poll}
}

func (pf *publishFlags) options(video bool) *instagram.PublishOptions {
	o := &instagram.PublishOptions{Caption: pf.caption, Wait: pf.wait()}
	if video {
		o.CoverURL = pf.cover
		o.ShareToFeed = &pf.shareToFeed
	} else {
		o.AltText = pf.altText
	}
	return o
}

func (a *app) publishTarget(ctx context.Context) (*instagram.Client, string, error) {
	c, err := a.client()
	if err != nil {
		return nil, "", err
	}
	id, err := a.accountID(ctx, c)
	return c, id, err
}

// published prints the new media.
func (a *app) published(m *instagram.Media, err error) error {
	if err != nil {
		return err
	}
	return a.print(m, func(w io.Writer) {
		fmt.Fprintf(w, "Published %s: %s\n", m.ID, m.Permalink)
	})
}

func (a *app) publishVideo(ctx context.Context, src string, kind instagram.ContainerMediaType, pf *publishFlags) error {
	c, id, err := a.publishTarget(ctx)
	if err != nil {
		return err
	}
	if isURL(src) {
		fmt.Fprintln(a.errOut, "Creating the container; Meta downloads the video and processes it...")
		v := instagram.VideoSource{URL: src}
		var m *instagram.Media
		if kind == instagram.ContainerStories {
			m, err = c.Media.PublishStory(ctx, id, instagram.StorySource{Video: &v}, &instagram.PublishOptions{Wait: pf.wait()})
		} else {
			m, err = c.Media.PublishReel(ctx, id, v, pf.options(true))
		}
		return a.published(m, err)
	}
	if pf.altText != "" {
		return usagef("--alt-text applies to images only")
	}
	opts := &instagram.ContainerOptions{MediaType: kind, UploadType: "resumable"}
	if kind != instagram.ContainerStories {
		opts.Caption, opts.CoverURL, opts.ShareToFeed = pf.caption, pf.cover, &pf.shareToFeed
	}
	if _, err := os.Stat(src); err != nil {
		return usagef("%v", err)
	}
	ct, err := c.Media.CreateContainer(ctx, id, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.errOut, "Container %s created.\n", ct.ID)
	return a.uploadAndPublish(ctx, c, id, ct.ID, src, pf)
}

// uploadAndPublish uploads path into a resumable container from where the
// server stands, waits for processing and publishes.
func (a *app) uploadAndPublish(ctx context.Context, c *instagram.Client, userID, containerID, path string, pf *publishFlags) error {
	f, err := os.Open(path)
	if err != nil {
		return usagef("%v", err)
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return usagef("%s is empty", path)
	}
	if err := a.upload(ctx, c, containerID, f, size); err != nil {
		if ctx.Err() != nil {
			qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			held, _ := c.Media.UploadOffset(qctx, containerID)
			cancel()
			fmt.Fprintf(a.errOut, "Upload interrupted at byte %d of %d. The container stays resumable for 24 hours; continue with:\n  instagram publish resume %s %s\n", held, size, containerID, path)
		}
		return err
	}
	fmt.Fprintln(a.errOut, "Upload complete; waiting for Meta's processing...")
	last := ""
	w := pf.wait()
	deadline := time.Now().Add(w.MaxWait)
	for {
		cs, err := c.Media.ContainerStatus(ctx, containerID)
		if err != nil {
			return err
		}
		if s := string(cs.StatusCode); s != last {
			last = s
			fmt.Fprintf(a.errOut, "Processing: %s\n", s)
		}
		if cs.StatusCode == instagram.ContainerFinished {
			break
		}
		if cs.StatusCode == instagram.ContainerFailed || cs.StatusCode == instagram.ContainerExpired {
			return fmt.Errorf("container %s: %s %s", containerID, cs.StatusCode, cs.Status)
		}
		if cs.StatusCode == instagram.ContainerPublished {
			break // PublishContainer finds the media already published
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("container %s still %s after %s", containerID, cs.StatusCode, w.MaxWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(a.pollInterval()):
		}
	}
	m, err := c.Media.PublishContainer(ctx, userID, containerID, &w)
	return a.published(m, err)
}

// upload sends what the server does not hold yet, with progress.
func (a *app) upload(ctx context.Context, c *instagram.Client, containerID string, f *os.File, size int64) error {
	off, err := c.Media.UploadOffset(ctx, containerID)
	if err != nil || off >= size {
		return err
	}
	if off > 0 {
		fmt.Fprintf(a.errOut, "Continuing the upload at byte %d of %d.\n", off, size)
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return err
		}
	}
	bar := a.newProgress(size)
	uctx := instagram.WithUploadProgress(ctx, bar.every, bar.update)
	err = c.Media.UploadVideoAt(uctx, containerID, f, size, off)
	bar.finish(err == nil)
	return err
}

// progress shows upload progress: a bar on a terminal, otherwise a line
// per report.
type progress struct {
	a     *app
	total int64
	every time.Duration
	bar   *progressbar.ProgressBar
	start time.Time

	mu   sync.Mutex
	last int64
}

func (a *app) newProgress(total int64) *progress {
	p := &progress{a: a, total: total, start: time.Now(), last: -1}
	tty := a.isTerminal(a.errOut)
	p.every = a.progressEvery
	if p.every == 0 {
		p.every = time.Second
		if tty {
			p.every = 100 * time.Millisecond
		}
	}
	if tty {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(a.errOut),
			progressbar.OptionSetDescription("uploading"),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(0),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.errOut) }),
		)
	}
	return p
}

func (p *progress) update(sent, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sent == p.last {
		return
	}
	p.last = sent
	if p.bar != nil {
		_ = p.bar.Set64(sent)
		return
	}
	el := time.Since(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(sent) / el
	}
	eta := "-"
	if rate > 0 && sent < total {
		eta = time.Duration(float64(total-sent) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(p.a.errOut, "upload: %s / %s (%d%%) %s/s ETA %s\n", bytesText(sent), bytesText(total), sent*100/total, bytesText(int64(rate)), eta)
}

func (p *progress) finish(ok bool) {
	if p.bar != nil && !ok {
		_ = p.bar.Exit()
		fmt.Fprintln(p.a.errOut)
	}
}

func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
