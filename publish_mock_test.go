package instagram_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

const (
	mockUser      = "17841400000000001"
	mockRoot      = testBase + "/v25.0/"
	mockUploadURL = "https://rupload.test"
)

// sequence answers each call with the next responder, repeating the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return rs[min(i, len(rs)-1)](req)
	}
}

// bodies records the JSON bodies of the requests a responder answers.
type bodies struct {
	mu   sync.Mutex
	seen []map[string]any
	hdr  []http.Header
}

func (b *bodies) responder(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		raw, _ := io.ReadAll(req.Body)
		var m map[string]any
		if len(raw) > 0 && strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(raw, &m)
		}
		b.mu.Lock()
		b.seen = append(b.seen, m)
		b.hdr = append(b.hdr, req.Header.Clone())
		b.mu.Unlock()
		return jsonResponder(status, body)(req)
	}
}

func TestCreateContainerSendsMetaParameters(t *testing.T) {
	c, mt := newMockClient(t)
	var got bodies
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media", got.responder(200, `{"id":"17900000000000001"}`))
	ctx := context.Background()

	ct, err := c.Media.CreateContainer(ctx, mockUser, &instagram.ContainerOptions{
		ImageURL: "https://cdn.example.com/a.jpg", Caption: "Hello", AltText: "A cup",
		UserTags:    []instagram.UserTag{{Username: "ana", X: 0, Y: 1}},
		ProductTags: []instagram.ProductTagInput{instagram.ImageProductTag("42", 0.5, 0.25)},
	})
	require.NoError(t, err)
	assert.Equal(t, "17900000000000001", ct.ID)
	_, err = c.Media.CreateContainer(ctx, mockUser, &instagram.ContainerOptions{
		MediaType: instagram.ContainerReels, VideoURL: "https://cdn.example.com/r.mp4",
		ShareToFeed: ptr(false), ThumbOffset: 1500 * time.Millisecond, AudioName: "Song",
		UserTags:    []instagram.UserTag{{Username: "ben", X: 0.5, Y: 0.5}},
		ProductTags: []instagram.ProductTagInput{instagram.ImageProductTag("43", 0.5, 0.5)},
		TrialParams: &instagram.TrialParams{GraduationStrategy: "MANUAL"},
	})
	require.NoError(t, err)
	_, err = c.Media.CreateContainer(ctx, mockUser, &instagram.ContainerOptions{
		MediaType: instagram.ContainerCarousel, Children: []string{"1", "2"}, Caption: "Album", Collaborators: []string{"x"},
	})
	require.NoError(t, err)

	require.Len(t, got.seen, 3)
	image := got.seen[0]
	assert.NotContains(t, image, "media_type", "an image sends no media_type")
	assert.Equal(t, "https://cdn.example.com/a.jpg", image["image_url"])
	assert.Equal(t, []any{map[string]any{"username": "ana", "x": 0.0, "y": 1.0}}, image["user_tags"])
	assert.Equal(t, []any{map[string]any{"product_id": "42", "x": 0.5, "y": 0.25}}, image["product_tags"])
	assert.Equal(t, "A cup", image["alt_text"])

	reel := got.seen[1]
	assert.Equal(t, "REELS", reel["media_type"])
	assert.Equal(t, false, reel["share_to_feed"])
	assert.Equal(t, "1500", reel["thumb_offset"], "milliseconds")
	assert.Equal(t, []any{map[string]any{"username": "ben"}}, reel["user_tags"], "no coordinates on videos")
	assert.Equal(t, []any{map[string]any{"product_id": "43"}}, reel["product_tags"])
	assert.Equal(t, map[string]any{"graduation_strategy": "MANUAL"}, reel["trial_params"])

	album := got.seen[2]
	assert.Equal(t, "CAROUSEL", album["media_type"])
	assert.Equal(t, []any{"1", "2"}, album["children"])
	assert.Equal(t, []any{"x"}, album["collaborators"])

	for _, h := range got.hdr {
		assert.Equal(t, "Bearer "+testToken, h.Get("Authorization"))
		assert.Equal(t, "application/json", h.Get("Content-Type"))
	}
}

// A story whose media_publish answer is lost is found among the stories.
func TestLostStoryPublishIsFoundAmongStories(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	now := time.Now().UTC().Format(instagram.TimeLayout)
	old := time.Now().Add(-2 * time.Hour).UTC().Format(instagram.TimeLayout)
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media", jsonResponder(200, `{"id":"C1"}`))
	mt.RegisterResponder("GET", mockRoot+"C1", sequence(
		jsonResponder(200, `{"id":"C1","status_code":"FINISHED","status":"Finished"}`),
		jsonResponder(200, `{"id":"C1","status_code":"PUBLISHED","status":"Published"}`),
	))
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	mt.RegisterResponder("GET", mockRoot+mockUser+"/stories", jsonResponder(200, fmt.Sprintf(
		`{"data":[{"id":"S2","media_type":"VIDEO","media_product_type":"STORY","timestamp":%q},{"id":"S1","media_type":"IMAGE","media_product_type":"STORY","timestamp":%q},{"id":"S0","media_type":"IMAGE","media_product_type":"STORY","timestamp":%q}]}`,
		now, now, old)))
	mt.RegisterResponder("GET", mockRoot+"S1", jsonResponder(200, `{"id":"S1","media_type":"IMAGE","media_product_type":"STORY","permalink":"https://www.instagram.com/stories/x/1/"}`))

	m, err := c.Media.PublishStory(ctx, mockUser, instagram.StorySource{ImageURL: "https://cdn.example.com/s.jpg"}, &instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, "S1", m.ID, "the newest story of the right type")
	assert.Equal(t, "https://www.instagram.com/stories/x/1/", m.Permalink)
	info := mt.GetCallCountInfo()
	assert.Equal(t, 1, info["POST "+mockRoot+mockUser+"/media_publish"], "never sent twice")
	assert.Zero(t, info["GET "+mockRoot+mockUser+"/media"], "a story is looked for among stories")
}

func TestPublishOutcomeUnknown(t *testing.T) {
	t.Run("status unreadable", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", httpmock.NewErrorResponder(errors.New("EOF")))
		mt.RegisterResponder("GET", mockRoot+"C1", jsonResponder(503, `upstream unavailable`))
		_, err := c.Media.PublishContainer(context.Background(), mockUser, "C1",
			&instagram.WaitOptions{Interval: time.Millisecond, MaxWait: 30 * time.Millisecond})
		var ue *instagram.UnconfirmedPublishError
		require.ErrorAs(t, err, &ue)
		assert.ErrorIs(t, err, instagram.ErrPublishUnconfirmed)
		assert.False(t, ue.Published)
		assert.Equal(t, "C1", ue.ContainerID)
		var ne *instagram.NetworkError
		assert.ErrorAs(t, err, &ne, "the lost answer stays in the chain")
		assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockRoot+mockUser+"/media_publish"])
	})
	t.Run("published but not found", func(t *testing.T) {
		c, mt := newMockClient(t)
		old := time.Now().Add(-time.Hour).UTC().Format(instagram.TimeLayout)
		mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", jsonResponder(502, ``))
		mt.RegisterResponder("GET", mockRoot+"C1", jsonResponder(200, `{"id":"C1","status_code":"PUBLISHED"}`))
		mt.RegisterResponder("GET", mockRoot+mockUser+"/media", jsonResponder(200, fmt.Sprintf(`{"data":[{"id":"M0","timestamp":%q}]}`, old)))
		mt.RegisterResponder("GET", mockRoot+mockUser+"/stories", jsonResponder(200, `{"data":[]}`))
		_, err := c.Media.PublishContainer(context.Background(), mockUser, "C1", &fastWait)
		var ue *instagram.UnconfirmedPublishError
		require.ErrorAs(t, err, &ue)
		assert.True(t, ue.Published)
		assert.Contains(t, err.Error(), "was published")
		assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockRoot+mockUser+"/media_publish"])
	})
}

func TestPublishedButReadBackFails(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", jsonResponder(200, `{"id":"17895695668004550"}`))
	mt.RegisterResponder("GET", mockRoot+"17895695668004550", jsonResponder(500, `{"error":{"message":"An unknown error occurred","code":1,"is_transient":true}}`))
	m, err := c.Media.PublishContainer(context.Background(), mockUser, "C1", &fastWait)
	var re *instagram.ReadBackError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "17895695668004550", re.MediaID)
	require.NotNil(t, m)
	assert.Equal(t, "17895695668004550", m.ID, "the id of the published media is kept")
	assert.ErrorIs(t, err, instagram.ErrTransient)
}

func TestPublishRefusalsAreNotRetried(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", jsonResponder(400,
		`{"error":{"message":"Application request limit reached","type":"OAuthException","code":9,"error_subcode":2207042,"fbtrace_id":"A1"}}`))
	_, err := c.Media.PublishContainer(context.Background(), mockUser, "C1", &fastWait)
	assert.ErrorIs(t, err, instagram.ErrPublishLimit)
	info := mt.GetCallCountInfo()
	assert.Equal(t, 1, info["POST "+mockRoot+mockUser+"/media_publish"])
	assert.Zero(t, info["GET "+mockRoot+"C1"], "a refusal needs no status check")
}

func TestPublishAgainOnlyWhenContainerIsUnpublished(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media_publish", sequence(
		jsonResponder(500, `{"error":{"message":"Please retry","code":2,"is_transient":true}}`),
		jsonResponder(200, `{"id":"M1"}`),
	))
	mt.RegisterResponder("GET", mockRoot+"C1", jsonResponder(200, `{"id":"C1","status_code":"FINISHED"}`))
	mt.RegisterResponder("GET", mockRoot+"M1", jsonResponder(200, `{"id":"M1","permalink":"https://www.instagram.com/p/abc/"}`))
	m, err := c.Media.PublishContainer(context.Background(), mockUser, "C1", &fastWait)
	require.NoError(t, err)
	assert.Equal(t, "https://www.instagram.com/p/abc/", m.Permalink)
	info := mt.GetCallCountInfo()
	assert.Equal(t, 2, info["POST "+mockRoot+mockUser+"/media_publish"])
	assert.Equal(t, 1, info["GET "+mockRoot+"C1"])
}

func TestUploadRequestShape(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithUploadURL(mockUploadURL), instagram.WithAppSecret("s3cret"))
	var (
		hdr  http.Header
		body []byte
		uri  string
	)
	mt.RegisterResponder("POST", mockUploadURL+"/ig-api-upload/v25.0/C1", func(req *http.Request) (*http.Response, error) {
		hdr, uri = req.Header.Clone(), req.URL.String()
		body, _ = io.ReadAll(req.Body)
		assert.Equal(t, int64(11), req.ContentLength)
		return jsonResponder(200, `{"success":true,"message":"Upload successful."}`)(req)
	})
	require.NoError(t, c.Media.UploadVideo(context.Background(), "C1", strings.NewReader("hello video"), 11))
	assert.Equal(t, "OAuth "+testToken, hdr.Get("Authorization"))
	assert.Equal(t, "0", hdr.Get("offset"))
	assert.Equal(t, "11", hdr.Get("file_size"))
	assert.Equal(t, "application/octet-stream", hdr.Get("Content-Type"))
	assert.Equal(t, "hello video", string(body))
	assert.Equal(t, mockUploadURL+"/ig-api-upload/v25.0/C1", uri, "no token or proof in the URL")

	mt.RegisterResponder("POST", mockUploadURL+"/ig-api-upload/v25.0/C2", func(req *http.Request) (*http.Response, error) {
		hdr = req.Header.Clone()
		return jsonResponder(200, `{"success":true}`)(req)
	})
	require.NoError(t, c.Media.UploadVideoURL(context.Background(), "C2", "https://cdn.example.com/v.mp4"))
	assert.Equal(t, "https://cdn.example.com/v.mp4", hdr.Get("file_url"))
	assert.Equal(t, "OAuth "+testToken, hdr.Get("Authorization"))
}

func TestUploadAnswerLostAfterWholeFileArrived(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithUploadURL(mockUploadURL))
	mt.RegisterResponder("POST", mockUploadURL+"/ig-api-upload/v25.0/C1", func(req *http.Request) (*http.Response, error) {
		_, _ = io.Copy(io.Discard, req.Body)
		return nil, errors.New("connection reset by peer")
	})
	mt.RegisterResponder("GET", mockRoot+"C1", jsonResponder(200,
		`{"id":"C1","video_status":{"uploading_phase":{"status":"complete","bytes_transferred":11,"source_file_size":11}}}`))
	require.NoError(t, c.Media.UploadVideo(context.Background(), "C1", strings.NewReader("hello video"), 11))
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockUploadURL+"/ig-api-upload/v25.0/C1"], "not sent again")
}

func TestUploadFailureAnswerIsTyped(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithUploadURL(mockUploadURL))
	mt.RegisterResponder("POST", mockUploadURL+"/ig-api-upload/v25.0/C1", jsonResponder(400,
		`{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}}`))
	err := c.Media.UploadVideo(context.Background(), "C1", strings.NewReader("abc"), 3)
	var ae *instagram.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.HTTPStatus)
	assert.Equal(t, "unauthorized user request", ae.Message)
	assert.Equal(t, "ProcessingFailedError", ae.Type)
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockUploadURL+"/ig-api-upload/v25.0/C1"])
}

func TestUploadNeedsAToken(t *testing.T) {
	mt := httpmock.NewMockTransport()
	c, err := instagram.NewClient(instagram.WithPlatform(instagram.FacebookLogin), instagram.WithHTTPClient(&http.Client{Transport: mt}), instagram.WithUploadURL(mockUploadURL))
	require.NoError(t, err)
	err = c.Media.UploadVideo(context.Background(), "C1", strings.NewReader("abc"), 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "access token")
	assert.Zero(t, mt.GetTotalCallCount())
}

// A container uri on a host that is neither the upload host, the Graph host
// nor facebook.com is not trusted with the token: the documented address is
// used instead.
func TestUploadIgnoresAForeignContainerURI(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithUploadURL(mockUploadURL))
	mt.RegisterResponder("POST", mockRoot+mockUser+"/media", jsonResponder(200, `{"id":"C9","uri":"https://elsewhere.example/ig-api-upload/v25.0/C9"}`))
	mt.RegisterResponder("POST", mockUploadURL+"/ig-api-upload/v25.0/C9", jsonResponder(200, `{"success":true}`))
	mt.RegisterResponder("GET", mockRoot+"C9", jsonResponder(200, `{"id":"C9","status_code":"ERROR","status":"stop here"}`))
	_, err := c.Media.PublishReel(context.Background(), mockUser, instagram.VideoSource{Reader: strings.NewReader("abc"), Size: 3}, &instagram.PublishOptions{Wait: instagram.WaitOptions{Interval: 1, MaxWait: time.Second}})
	require.Error(t, err)
	info := mt.GetCallCountInfo()
	assert.Equal(t, 1, info["POST "+mockUploadURL+"/ig-api-upload/v25.0/C9"])
}
