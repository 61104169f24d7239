package instagram_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// fastWait polls containers without real pauses.
var fastWait = instagram.WaitOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond, MaxWait: 5 * time.Second}

// publishFake starts a fake server and a client for it with quick retries.
func publishFake(t testing.TB, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	srv := instagramtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	require.NoError(t, err)
	return srv, c
}

func ptr[T any](v T) *T { return &v }

// container returns the fake's container that became media m.
func containerOf(t *testing.T, srv *instagramtest.Server, mediaID string) instagramtest.Container {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/media_publish") {
			if ct, ok := srv.Container(r.Form.Get("creation_id")); ok && ct.PublishedMediaID == mediaID {
				return ct
			}
		}
	}
	t.Fatalf("no container published as %s", mediaID)
	return instagramtest.Container{}
}

func TestPublishImageRunsTheWholeFlow(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	before := len(srv.Media())

	m, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/harbour.jpg", &instagram.PublishOptions{
		Caption:       "Morning at the harbour #sea @friend",
		AltText:       "Boats in a harbour at sunrise",
		LocationID:    "110843418940484",
		UserTags:      []instagram.UserTag{{Username: "friend", X: 0.25, Y: 0.75}},
		ProductTags:   []instagram.ProductTagInput{instagram.ImageProductTag("8421", 0.5, 0.5)},
		Collaborators: []string{"studio.partner"},
		Wait:          fastWait,
	})
	require.NoError(t, err)
	require.NotEmpty(t, m.ID)
	assert.True(t, strings.HasPrefix(m.Permalink, "https://www.instagram.com/p/"), m.Permalink)
	assert.Equal(t, instagram.MediaTypeImage, m.MediaType)
	assert.Equal(t, instagram.MediaProductTypeFeed, m.MediaProductType)
	assert.Equal(t, "Morning at the harbour #sea @friend", m.Caption)
	assert.False(t, m.Timestamp.IsZero())

	all := srv.Media()
	require.Len(t, all, before+1)
	assert.Equal(t, m.ID, all[0].ID, "newest media first")
	got, err := c.Media.Get(ctx, m.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, m.Permalink, got.Permalink)

	ct := containerOf(t, srv, m.ID)
	assert.Equal(t, "PUBLISHED", ct.StatusCode)
	assert.Equal(t, "IMAGE", ct.MediaType)
	assert.Equal(t, "Boats in a harbour at sunrise", ct.Params["alt_text"])
	assert.Equal(t, "110843418940484", ct.Params["location_id"])
	assert.Equal(t, []string{"studio.partner"}, ct.Params["collaborators"])
	assert.Contains(t, ct.Params, "user_tags")
	assert.Contains(t, ct.Params, "product_tags")
	assert.Equal(t, 1, srv.PublishQuotaUsed())

	// One container, polled until FINISHED, published once, read back.
	assert.Equal(t, 1, srv.RequestCount("POST", "/*/media"))
	assert.Equal(t, 1, srv.RequestCount("POST", "/*/media_publish"))
	assert.Equal(t, 2, srv.RequestCount("GET", "/"+ct.ID), "one IN_PROGRESS and one FINISHED read")
}

func TestPublishReelAndVideo(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()

	reel, err := c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{URL: "https://cdn.example.com/reel.mp4"}, &instagram.PublishOptions{
		Caption: "Behind the scenes", ShareToFeed: ptr(false), CoverURL: "https://cdn.example.com/cover.jpg",
		ThumbOffset: 1500 * time.Millisecond, AudioName: "Studio sounds", Wait: fastWait,
	})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaTypeVideo, reel.MediaType)
	assert.Equal(t, instagram.MediaProductTypeReels, reel.MediaProductType)
	assert.True(t, strings.HasPrefix(reel.Permalink, "https://www.instagram.com/reel/"), reel.Permalink)
	ct := containerOf(t, srv, reel.ID)
	assert.Equal(t, "REELS", ct.MediaType)
	assert.Equal(t, false, ct.Params["share_to_feed"])
	assert.Equal(t, 1500, ct.Params["thumb_offset"])
	assert.Equal(t, "Studio sounds", ct.Params["audio_name"])
	assert.Equal(t, "https://cdn.example.com/cover.jpg", ct.Params["cover_url"])
	shared, err := c.Media.Get(ctx, reel.ID, &instagram.GetOptions{Fields: []string{"is_shared_to_feed"}})
	require.NoError(t, err)
	require.NotNil(t, shared.IsSharedToFeed)
	assert.False(t, *shared.IsSharedToFeed)

	video, err := c.Media.PublishVideo(ctx, srv.UserID, instagram.VideoSource{URL: "https://cdn.example.com/clip.mp4"},
		&instagram.PublishOptions{Caption: "A feed video", Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaTypeVideo, video.MediaType)
	ct = containerOf(t, srv, video.ID)
	assert.Equal(t, "REELS", ct.MediaType)
	assert.Equal(t, true, ct.Params["share_to_feed"])

	_, err = c.Media.PublishVideo(ctx, srv.UserID, instagram.VideoSource{URL: "https://cdn.example.com/clip.mp4"},
		&instagram.PublishOptions{ShareToFeed: ptr(false)})
	var ve *instagram.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "share_to_feed", ve.Field)
}

func TestPublishStoryImageAndUploadedVideo(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()

	img, err := c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{ImageURL: "https://cdn.example.com/story.jpg"},
		&instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaProductTypeStory, img.MediaProductType)
	assert.Equal(t, instagram.MediaTypeImage, img.MediaType)
	assert.Contains(t, img.Permalink, "/stories/")

	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	vid, err := c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{
		Video: &instagram.VideoSource{Reader: bytes.NewReader(data), Size: int64(len(data))},
	}, &instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaTypeVideo, vid.MediaType)
	stories := srv.Stories()
	require.GreaterOrEqual(t, len(stories), 2)
	assert.Equal(t, vid.ID, stories[0].ID)
	assert.Equal(t, img.ID, stories[1].ID)
	ct := containerOf(t, srv, vid.ID)
	assert.Equal(t, int64(len(data)), ct.BytesReceived)
	assert.Equal(t, sha256Hex(data), ct.SHA256)
	assert.Equal(t, 1, srv.RequestCount("POST", "/ig-api-upload/*/*"))

	_, err = c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{ImageURL: "https://cdn.example.com/s.jpg"},
		&instagram.PublishOptions{Caption: "no captions on stories"})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{}, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestPublishCarouselCreatesItemsThenAlbum(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()
	clip := bytes.Repeat([]byte{7}, 300_000)

	m, err := c.Media.PublishCarousel(ctx, srv.UserID, []instagram.CarouselItem{
		{ImageURL: "https://cdn.example.com/1.jpg", AltText: "first", UserTags: []instagram.UserTag{{Username: "ana", X: 0.1, Y: 0.2}}},
		{Video: &instagram.VideoSource{URL: "https://cdn.example.com/2.mp4"}},
		{Video: &instagram.VideoSource{Reader: bytes.NewReader(clip), Size: int64(len(clip))}},
		{ImageURL: "https://cdn.example.com/4.jpg", ProductTags: []instagram.ProductTagInput{instagram.ImageProductTag("77", 0.3, 0.3)}},
	}, &instagram.PublishOptions{Caption: "Four from the weekend", LocationID: "42", Collaborators: []string{"ben"}, Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaTypeCarouselAlbum, m.MediaType)

	snap, ok := srv.MediaByID(m.ID)
	require.True(t, ok)
	require.Len(t, snap.Children, 4)
	kinds := []string{}
	for _, id := range snap.Children {
		item, ok := srv.MediaByID(id)
		require.True(t, ok)
		assert.Equal(t, m.ID, item.ParentID)
		kinds = append(kinds, item.MediaType)
	}
	assert.Equal(t, []string{"IMAGE", "VIDEO", "VIDEO", "IMAGE"}, kinds)

	ct := containerOf(t, srv, m.ID)
	assert.Equal(t, "CAROUSEL", ct.MediaType)
	assert.Equal(t, "Four from the weekend", ct.Params["caption"])
	require.Len(t, ct.Children, 4)
	first, _ := srv.Container(ct.Children[0])
	assert.Equal(t, true, first.Params["is_carousel_item"])
	assert.Equal(t, "first", first.Params["alt_text"])
	assert.Nil(t, first.Params["caption"], "items carry no caption")
	third, _ := srv.Container(ct.Children[2])
	assert.Equal(t, sha256Hex(clip), third.SHA256)
	assert.Equal(t, 5, srv.RequestCount("POST", "/*/media"), "four items and the album")
	assert.Equal(t, 1, srv.RequestCount("POST", "/*/media_publish"))
	assert.Equal(t, 1, srv.PublishQuotaUsed(), "a carousel counts once")

	children, err := c.Media.Children(ctx, m.ID, nil)
	require.NoError(t, err)
	assert.Len(t, children.Data, 4)
}

func TestPublishValidationRejectsBeforeAnyCall(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	img := "https://cdn.example.com/a.jpg"
	vid := instagram.VideoSource{URL: "https://cdn.example.com/a.mp4"}
	items := func(n int) []instagram.CarouselItem {
		out := make([]instagram.CarouselItem, n)
		for i := range out {
			out[i].ImageURL = img
		}
		return out
	}
	cases := []struct {
		name  string
		field string
		call  func() error
	}{
		{"caption too long", "caption", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{Caption: strings.Repeat("é", 2201)})
			return err
		}},
		{"too many hashtags", "caption", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{Caption: strings.Repeat("#tag ", 31)})
			return err
		}},
		{"too many mentions", "caption", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{Caption: strings.Repeat("@someone ", 21)})
			return err
		}},
		{"carousel of one", "children", func() error {
			_, err := c.Media.PublishCarousel(ctx, srv.UserID, items(1), nil)
			return err
		}},
		{"carousel of eleven", "children", func() error {
			_, err := c.Media.PublishCarousel(ctx, srv.UserID, items(11), nil)
			return err
		}},
		{"alt text on a reel", "alt_text", func() error {
			_, err := c.Media.PublishReel(ctx, srv.UserID, vid, &instagram.PublishOptions{AltText: "x"})
			return err
		}},
		{"alt text on a video item", "items[1].alt_text", func() error {
			its := items(2)
			its[1] = instagram.CarouselItem{Video: &vid, AltText: "x"}
			_, err := c.Media.PublishCarousel(ctx, srv.UserID, its, nil)
			return err
		}},
		{"alt text too long", "alt_text", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{AltText: strings.Repeat("a", 1001)})
			return err
		}},
		{"user tag outside the image", "user_tags[0]", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{UserTags: []instagram.UserTag{{Username: "a", X: 1.2, Y: 0.5}}})
			return err
		}},
		{"user tag negative", "user_tags[0]", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{UserTags: []instagram.UserTag{{Username: "a", X: 0.5, Y: -0.1}}})
			return err
		}},
		{"four collaborators", "collaborators", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{Collaborators: []string{"a", "b", "c", "d"}})
			return err
		}},
		{"collaborators on a story", "collaborators", func() error {
			_, err := c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{ImageURL: img}, &instagram.PublishOptions{Collaborators: []string{"a"}})
			return err
		}},
		{"six product tags", "product_tags", func() error {
			tags := make([]instagram.ProductTagInput, 6)
			for i := range tags {
				tags[i] = instagram.ImageProductTag("p", 0.5, 0.5)
			}
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{ProductTags: tags})
			return err
		}},
		{"cover on an image", "cover_url", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{CoverURL: img})
			return err
		}},
		{"share_to_feed on an image", "share_to_feed", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, img, &instagram.PublishOptions{ShareToFeed: ptr(true)})
			return err
		}},
		{"user tags on the album", "user_tags", func() error {
			_, err := c.Media.PublishCarousel(ctx, srv.UserID, items(2), &instagram.PublishOptions{UserTags: []instagram.UserTag{{Username: "a"}}})
			return err
		}},
		{"item with image and video", "items[0]", func() error {
			its := items(2)
			its[0].Video = &vid
			_, err := c.Media.PublishCarousel(ctx, srv.UserID, its, nil)
			return err
		}},
		{"reader without size", "video.Size", func() error {
			_, err := c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{Reader: strings.NewReader("x")}, nil)
			return err
		}},
		{"two video sources", "video", func() error {
			_, err := c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{URL: "https://a/b.mp4", FileURL: "https://a/c.mp4"}, nil)
			return err
		}},
		{"no image", "image_url", func() error {
			_, err := c.Media.PublishImage(ctx, srv.UserID, "", nil)
			return err
		}},
		{"empty user", "user id", func() error {
			_, err := c.Media.PublishImage(ctx, " ", img, nil)
			return err
		}},
		{"single VIDEO container", "media_type", func() error {
			_, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{MediaType: instagram.ContainerVideo, VideoURL: vid.URL})
			return err
		}},
	}
	srv.ResetRequests()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ve *instagram.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, instagram.ErrValidation)
			assert.Equal(t, tc.field, ve.Field, ve.Rule)
			assert.NotEmpty(t, ve.Rule)
		})
	}
	assert.Empty(t, srv.Requests(), "validation happens before any call")
}

func TestCaptionStatsCountsLikeInstagram(t *testing.T) {
	chars, tags, mentions := instagram.CaptionStats("Café #one #two_2 a#not &#39; @ana @ben.k mail@example.com ##x")
	assert.Equal(t, 61, chars)
	assert.Equal(t, 2, tags)
	assert.Equal(t, 2, mentions)
}

func TestContainerErrorCarriesMetaStatus(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	_, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/error.jpg", &instagram.PublishOptions{Wait: fastWait})
	var ce *instagram.ContainerError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, instagram.ErrContainerFailed)
	assert.Equal(t, instagram.ContainerFailed, ce.StatusCode)
	assert.Contains(t, ce.Status, "2207052")
	assert.Equal(t, 2207052, ce.ErrorCode())
	assert.Contains(t, err.Error(), "Error: Media upload has failed with error code 2207052")
	assert.Equal(t, 0, srv.RequestCount("POST", "/*/media_publish"), "a failed container is not published")

	// A container failed on the server's side after creation.
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/ok.jpg"})
	require.NoError(t, err)
	require.True(t, srv.FailContainer(ct.ID, 2207004))
	_, err = c.Media.WaitForContainer(ctx, ct.ID, &fastWait)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 2207004, ce.ErrorCode())
}

// clock is a server clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestContainerExpiresAfter24Hours(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv, c := publishFake(t, instagramtest.WithClock(clk.now))
	ctx := context.Background()
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
	require.NoError(t, err)
	st, err := c.Media.WaitForContainer(ctx, ct.ID, &fastWait)
	require.NoError(t, err)
	assert.Equal(t, instagram.ContainerFinished, st.StatusCode)
	assert.Contains(t, st.Status, "Finished")

	clk.add(24*time.Hour + time.Second)
	_, err = c.Media.WaitForContainer(ctx, ct.ID, &fastWait)
	assert.ErrorIs(t, err, instagram.ErrContainerExpired)
	_, err = c.Media.PublishContainer(ctx, srv.UserID, ct.ID, &fastWait)
	assert.ErrorIs(t, err, instagram.ErrContainerExpired)
	assert.Empty(t, srv.PublishQuotaUsed())
}

func TestWaitForContainerGivesUpAfterMaxWait(t *testing.T) {
	srv, c := publishFake(t, instagramtest.WithContainerPolls(1000))
	ctx := context.Background()
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
	require.NoError(t, err)
	_, err = c.Media.WaitForContainer(ctx, ct.ID, &instagram.WaitOptions{Interval: time.Millisecond, MaxWait: 20 * time.Millisecond})
	var ce *instagram.ContainerError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, instagram.ErrContainerTimeout)
	assert.Equal(t, instagram.ContainerInProgress, ce.StatusCode)
	assert.Contains(t, ce.Status, "In Progress")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Media.WaitForContainer(cctx, ct.ID, &fastWait)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPublishContainerWaitsOutNotReady(t *testing.T) {
	srv, c := publishFake(t, instagramtest.WithContainerPolls(3))
	ctx := context.Background()
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg", Caption: "scheduled"})
	require.NoError(t, err)
	st, err := c.Media.ContainerStatus(ctx, ct.ID)
	require.NoError(t, err)
	assert.Equal(t, instagram.ContainerInProgress, st.StatusCode)

	// Published right away: Meta answers 9007 "not ready"; the SDK waits
	// for FINISHED and sends again.
	m, err := c.Media.PublishContainer(ctx, srv.UserID, ct.ID, &fastWait)
	require.NoError(t, err)
	assert.Equal(t, "scheduled", m.Caption)
	assert.NotEmpty(t, m.Permalink)
	assert.Equal(t, 2, srv.RequestCount("POST", "/*/media_publish"))
	statuses := []int{}
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/media_publish") {
			statuses = append(statuses, r.Status)
		}
	}
	assert.Equal(t, []int{400, 200}, statuses)
	assert.Equal(t, 1, srv.PublishQuotaUsed())
}

func TestPublishLimitIsATypedError(t *testing.T) {
	srv, c := publishFake(t, instagramtest.WithPublishLimit(1))
	ctx := context.Background()
	_, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/a.jpg", &instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	_, err = c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/b.jpg", &instagram.PublishOptions{Wait: fastWait})
	assert.ErrorIs(t, err, instagram.ErrPublishLimit)
	assert.Equal(t, 1, srv.PublishQuotaUsed())
	assert.Equal(t, 1, srv.RequestCount("POST", "/*/media_publish")-1, "refused once, not retried")
}

func TestPublishNeedsThePublishPermission(t *testing.T) {
	srv := instagramtest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(instagram.WithAccessToken(srv.IssueToken(0, "instagram_business_basic")))
	require.NoError(t, err)
	_, err = c.Media.PublishImage(context.Background(), srv.UserID, "https://cdn.example.com/a.jpg", &instagram.PublishOptions{Wait: fastWait})
	assert.ErrorIs(t, err, instagram.ErrPermission)
}

func TestPublishWithFacebookLogin(t *testing.T) {
	srv := instagramtest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.FacebookClient()
	require.NoError(t, err)
	data := bytes.Repeat([]byte("reel"), 50_000)
	m, err := c.Media.PublishReel(context.Background(), srv.UserID,
		instagram.VideoSource{Reader: bytes.NewReader(data), Size: int64(len(data))},
		&instagram.PublishOptions{Caption: "uploaded", Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaProductTypeReels, m.MediaProductType)
	ups := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/ig-api-upload/") {
			ups++
			assert.Equal(t, []string{"REDACTED"}, r.Header["Authorization"])
			assert.Equal(t, "200000", r.Header.Get("file_size"))
			assert.Equal(t, "0", r.Header.Get("offset"))
		}
	}
	assert.Equal(t, 1, ups)
}

func TestLowLevelStepsForSchedulers(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{
		MediaType: instagram.ContainerReels, UploadType: "resumable", Caption: "later",
	})
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/ig-api-upload/"+instagram.DefaultAPIVersion+"/"+ct.ID, ct.URI)

	st, err := c.Media.ContainerStatus(ctx, ct.ID)
	require.NoError(t, err)
	assert.Equal(t, instagram.ContainerInProgress, st.StatusCode)
	require.NotNil(t, st.VideoStatus)
	assert.Equal(t, "not_started", st.VideoStatus.UploadingPhase.Status)

	require.NoError(t, c.Media.UploadVideoURL(ctx, ct.ID, "https://cdn.example.com/hosted.mp4"))
	st, err = c.Media.WaitForContainer(ctx, ct.ID, &fastWait)
	require.NoError(t, err)
	assert.Equal(t, instagram.ContainerFinished, st.StatusCode)
	assert.Equal(t, "complete", st.VideoStatus.ProcessingPhase.Status)

	m, err := c.Media.PublishContainer(ctx, srv.UserID, ct.ID, &fastWait)
	require.NoError(t, err)
	assert.Equal(t, "later", m.Caption)
	st, err = c.Media.ContainerStatus(ctx, ct.ID)
	require.NoError(t, err)
	assert.Equal(t, instagram.ContainerPublished, st.StatusCode)

	// Publishing it again does not create a second media: the container
	// is PUBLISHED, so the media is looked up and returned.
	again, err := c.Media.PublishContainer(ctx, srv.UserID, ct.ID, &fastWait)
	require.NoError(t, err)
	assert.Equal(t, m.ID, again.ID)
	assert.Equal(t, 1, srv.PublishQuotaUsed())

	var ve *instagram.ValidationError
	_, err = c.Media.CreateContainer(ctx, srv.UserID, nil)
	require.ErrorAs(t, err, &ve)
	_, err = c.Media.ContainerStatus(ctx, "")
	require.ErrorAs(t, err, &ve)
	_, err = c.Media.PublishContainer(ctx, srv.UserID, "", nil)
	require.ErrorAs(t, err, &ve)
}

func TestPublishContainerAfterCancel(t *testing.T) {
	srv, c := publishFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
	require.NoError(t, err)
	cancel()
	_, err = c.Media.PublishContainer(ctx, srv.UserID, ct.ID, &fastWait)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, errors.Is(err, instagram.ErrPublishUnconfirmed))
}

func TestPublishedExtrasReachOtherEndpoints(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithPublishLimit(25))
	t.Cleanup(srv.Close)
	c, err := srv.FacebookClient()
	require.NoError(t, err)
	ctx := context.Background()
	catalogs, err := c.Shopping.AvailableCatalogs(ctx, srv.UserID, nil)
	require.NoError(t, err)
	require.NotEmpty(t, catalogs.Data)
	products, err := c.Shopping.SearchProducts(ctx, srv.UserID, &instagram.ProductSearchOptions{CatalogID: catalogs.Data[0].CatalogID})
	require.NoError(t, err)
	require.NotEmpty(t, products.Data)
	productID := string(products.Data[0].ProductID)

	m, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/shop.jpg", &instagram.PublishOptions{
		Caption:       "New in the shop",
		ProductTags:   []instagram.ProductTagInput{instagram.ImageProductTag(productID, 0.4, 0.6)},
		Collaborators: []string{"maker.friend"},
		Wait:          fastWait,
	})
	require.NoError(t, err)

	collabs, err := c.Media.Collaborators(ctx, m.ID)
	require.NoError(t, err)
	require.Len(t, collabs, 1)
	assert.Equal(t, "maker.friend", collabs[0].Username)

	tags, err := c.Shopping.ProductTags(ctx, m.ID)
	require.NoError(t, err)
	require.Len(t, tags, 1)
	assert.Equal(t, productID, string(tags[0].ProductID))
	assert.InDelta(t, 0.4, tags[0].X, 1e-9)

	limit, err := c.Users.ContentPublishingLimit(ctx, srv.UserID, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, limit.QuotaUsage)
	require.NotNil(t, limit.Config)
	assert.Equal(t, 25, limit.Config.QuotaTotal)
}
