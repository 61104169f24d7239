package instagramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createContainerForm posts a container and returns its id.
func createContainerForm(t *testing.T, s *Server, form url.Values) string {
	t.Helper()
	a := postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", form)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	id, _ := a.JSON["id"].(string)
	require.NotEmpty(t, id)
	return id
}

func statusOf(t *testing.T, s *Server, id string) (code, text string) {
	t.Helper()
	a := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=status_code,status")
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	return a.JSON["status_code"].(string), a.JSON["status"].(string)
}

func publishForm(t *testing.T, s *Server, id string) answer {
	t.Helper()
	return postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media_publish", url.Values{"creation_id": {id}})
}

func TestContainerLifecycle(t *testing.T) {
	s := newTestServer(t)
	id := createContainerForm(t, s, url.Values{"image_url": {"https://cdn.example.com/a.jpg"}, "caption": {"First light"}})

	a := publishForm(t, s, id)
	require.Equal(t, http.StatusBadRequest, a.Status)
	code, sub := a.code(t)
	assert.Equal(t, []int{9007, 2207027}, []int{code, sub}, "not ready before its first status read")

	c, text := statusOf(t, s, id)
	assert.Equal(t, "IN_PROGRESS", c)
	assert.Contains(t, text, "In Progress")
	c, text = statusOf(t, s, id)
	assert.Equal(t, "FINISHED", c)
	assert.Equal(t, "Finished: Media has been uploaded and it is ready to be published.", text)

	before := len(s.Media())
	a = publishForm(t, s, id)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	mediaID := a.JSON["id"].(string)
	require.NotEmpty(t, mediaID)
	require.Len(t, s.Media(), before+1)
	assert.Equal(t, mediaID, s.Media()[0].ID)

	list := data(t, get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media?fields=id,caption&limit=1"))
	assert.Equal(t, mediaID, list[0]["id"])
	assert.Equal(t, "First light", list[0]["caption"])
	m := get(t, s, s.AccessToken, "/v25.0/"+mediaID+"?fields=media_type,media_product_type,permalink,alt_text")
	assert.Equal(t, "IMAGE", m.JSON["media_type"])
	assert.Equal(t, "FEED", m.JSON["media_product_type"])
	assert.True(t, strings.HasPrefix(m.JSON["permalink"].(string), "https://www.instagram.com/p/"))

	c, _ = statusOf(t, s, id)
	assert.Equal(t, "PUBLISHED", c)
	a = publishForm(t, s, id)
	assert.Equal(t, http.StatusBadRequest, a.Status, "a container is published once")
	assert.Len(t, s.Media(), before+1)
	ct, ok := s.Container(id)
	require.True(t, ok)
	assert.Equal(t, mediaID, ct.PublishedMediaID)
	seeded := s.Media()[1].ID
	s.mu.Lock()
	assert.Equal(t, id, s.publishedExtras(mediaID).ContainerID)
	assert.Nil(t, s.publishedExtras(seeded), "seeded media were not published through the API")
	s.mu.Unlock()
	assert.Equal(t, 1, s.PublishQuotaUsed())

	// Without fields a container answers its id only, as Meta's objects do.
	plain := get(t, s, s.AccessToken, "/v25.0/"+id)
	assert.Equal(t, map[string]any{"id": id}, plain.JSON)
}

func TestContainerFailuresAndExpiry(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), WithContainerPolls(0))

	bad := createContainerForm(t, s, url.Values{"image_url": {"https://cdn.example.com/error.jpg"}})
	c, text := statusOf(t, s, bad)
	assert.Equal(t, "ERROR", c)
	assert.Equal(t, "Error: Media upload has failed with error code 2207052", text)
	a := publishForm(t, s, bad)
	assert.Equal(t, http.StatusBadRequest, a.Status)

	ok := createContainerForm(t, s, url.Values{"image_url": {"https://cdn.example.com/b.jpg"}})
	assert.True(t, s.FailContainer(ok, 2207004))
	_, text = statusOf(t, s, ok)
	assert.Contains(t, text, "2207004")
	assert.False(t, s.FailContainer("nope", 0))

	late := createContainerForm(t, s, url.Values{"image_url": {"https://cdn.example.com/c.jpg"}})
	c, _ = statusOf(t, s, late)
	assert.Equal(t, "FINISHED", c, "ready at once with WithContainerPolls(0)")
	clk.Advance(24 * time.Hour)
	c, text = statusOf(t, s, late)
	assert.Equal(t, "EXPIRED", c)
	assert.Contains(t, text, "24 hours")
	a = publishForm(t, s, late)
	code, sub := a.code(t)
	assert.Equal(t, []int{-2, 2207020}, []int{code, sub})
	assert.Zero(t, s.PublishQuotaUsed())
}

func TestContainerProcessingTime(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), WithContainerPolls(0), WithContainerProcessingTime(time.Minute))
	id := createContainerForm(t, s, url.Values{"media_type": {"REELS"}, "video_url": {"https://cdn.example.com/r.mp4"}})
	for range 3 {
		c, _ := statusOf(t, s, id)
		assert.Equal(t, "IN_PROGRESS", c)
	}
	// video_status is a Facebook Login field; graph.instagram.com refuses it.
	a := get(t, s, s.AccessToken, "/v25.0/"+id+"?fields=video_status")
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=video_status,copyright_check_status")
	vs := a.JSON["video_status"].(map[string]any)
	assert.Equal(t, "in_progress", vs["processing_phase"].(map[string]any)["status"])
	assert.Equal(t, "in_progress", a.JSON["copyright_check_status"].(map[string]any)["status"])
	clk.Advance(time.Minute)
	c, _ := statusOf(t, s, id)
	assert.Equal(t, "FINISHED", c)

	a = publishForm(t, s, id)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	m := get(t, s, s.AccessToken, "/v25.0/"+a.JSON["id"].(string)+"?fields=media_type,media_product_type,permalink,is_shared_to_feed")
	assert.Equal(t, "VIDEO", m.JSON["media_type"])
	assert.Equal(t, "REELS", m.JSON["media_product_type"])
	assert.Equal(t, true, m.JSON["is_shared_to_feed"])
	assert.Contains(t, m.JSON["permalink"], "/reel/")
}

func TestContainerRulesAnswerMetaErrors(t *testing.T) {
	s := newTestServer(t, WithContainerPolls(0))
	item := createContainerForm(t, s, url.Values{"image_url": {"https://a/1.jpg"}, "is_carousel_item": {"true"}})
	notReady := NewServer()
	defer notReady.Close()
	cases := []struct {
		name          string
		form          url.Values
		code, subcode int
	}{
		{"unknown media type", url.Values{"media_type": {"GIF"}, "image_url": {"https://a/b.gif"}}, 100, 2207023},
		{"single VIDEO", url.Values{"media_type": {"VIDEO"}, "video_url": {"https://a/b.mp4"}}, 100, 2207023},
		{"no image", url.Values{"caption": {"x"}}, 100, 0},
		{"carousel of one", url.Values{"media_type": {"CAROUSEL"}, "children": {item}}, 100, 2207028},
		{"carousel of unknown items", url.Values{"media_type": {"CAROUSEL"}, "children": {item + ",123"}}, 100, 0},
		{"caption too long", url.Values{"image_url": {"https://a/b.jpg"}, "caption": {strings.Repeat("x", 2201)}}, 36004, 2207010},
		{"too many mentions", url.Values{"image_url": {"https://a/b.jpg"}, "caption": {strings.Repeat("@a ", 21)}}, 100, 2207040},
		{"too many hashtags", url.Values{"image_url": {"https://a/b.jpg"}, "caption": {strings.Repeat("#a ", 31)}}, 100, 0},
		{"alt text on a reel", url.Values{"media_type": {"REELS"}, "video_url": {"https://a/b.mp4"}, "alt_text": {"x"}}, 100, 0},
		{"user tag outside", url.Values{"image_url": {"https://a/b.jpg"}, "user_tags": {`[{"username":"a","x":1.5,"y":0}]`}}, 100, 0},
		{"six product tags", url.Values{"image_url": {"https://a/b.jpg"}, "product_tags": {`[{"product_id":"1","x":0,"y":0},{"product_id":"2","x":0,"y":0},{"product_id":"3","x":0,"y":0},{"product_id":"4","x":0,"y":0},{"product_id":"5","x":0,"y":0},{"product_id":"6","x":0,"y":0}]`}}, 100, 2207035},
		{"four collaborators", url.Values{"image_url": {"https://a/b.jpg"}, "collaborators": {"a,b,c,d"}}, 100, 0},
		{"story collaborators", url.Values{"media_type": {"STORIES"}, "image_url": {"https://a/b.jpg"}, "collaborators": {"a"}}, 100, 0},
		{"thumb offset", url.Values{"media_type": {"REELS"}, "video_url": {"https://a/b.mp4"}, "thumb_offset": {"-5"}}, 1, 2207057},
		{"upload type", url.Values{"media_type": {"REELS"}, "upload_type": {"chunked"}}, 100, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", tc.form)
			require.Equalf(t, http.StatusBadRequest, a.Status, "body %s", a.Raw)
			code, sub := a.code(t)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.subcode, sub)
		})
	}

	// Items must be FINISHED before the album is created.
	pending := createContainerForm(t, notReady, url.Values{"image_url": {"https://a/1.jpg"}, "is_carousel_item": {"true"}})
	other := createContainerForm(t, notReady, url.Values{"image_url": {"https://a/2.jpg"}, "is_carousel_item": {"true"}})
	a := postForm(t, notReady, notReady.AccessToken, "/v25.0/"+notReady.UserID+"/media",
		url.Values{"media_type": {"CAROUSEL"}, "children": {pending + "," + other}})
	code, sub := a.code(t)
	assert.Equal(t, []int{9007, 2207027}, []int{code, sub})

	// An item cannot be published on its own.
	a = publishForm(t, s, item)
	assert.Equal(t, http.StatusBadRequest, a.Status)
	a = publishForm(t, s, "")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	a = publishForm(t, s, "17999999999999999")
	code, sub = a.code(t)
	assert.Equal(t, []int{24, 2207006}, []int{code, sub})
}

func TestCarouselFromJSONBody(t *testing.T) {
	s := newTestServer(t, WithContainerPolls(0))
	var items []string
	for i := range 3 {
		items = append(items, createContainerForm(t, s, url.Values{"image_url": {"https://a/" + strconv.Itoa(i) + ".jpg"}, "is_carousel_item": {"true"}}))
	}
	body, _ := json.Marshal(map[string]any{"media_type": "CAROUSEL", "children": items, "caption": "Three"})
	req, err := http.NewRequest(http.MethodPost, s.URL+"/v25.0/"+s.UserID+"/media", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	a := send(t, http.DefaultClient, req)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	album := a.JSON["id"].(string)

	a = publishForm(t, s, album)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	id := a.JSON["id"].(string)
	kids := data(t, get(t, s, s.AccessToken, "/v25.0/"+id+"/children?fields=id,media_type"))
	assert.Len(t, kids, 3)
	snap, _ := s.MediaByID(id)
	assert.Equal(t, "CAROUSEL_ALBUM", snap.MediaType)
	assert.Equal(t, "Three", snap.Caption)
	for _, it := range items {
		ct, _ := s.Container(it)
		assert.Equal(t, "PUBLISHED", ct.StatusCode)
	}
	assert.Equal(t, 1, s.PublishQuotaUsed())
}

func TestStoriesGoToTheStoriesEdge(t *testing.T) {
	s := newTestServer(t, WithContainerPolls(0))
	id := createContainerForm(t, s, url.Values{"media_type": {"STORIES"}, "video_url": {"https://a/s.mp4"}})
	a := publishForm(t, s, id)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	mid := a.JSON["id"].(string)
	assert.Equal(t, mid, s.Stories()[0].ID)
	for _, m := range s.Media() {
		assert.NotEqual(t, mid, m.ID)
	}
	m := get(t, s, s.AccessToken, "/v25.0/"+mid+"?fields=media_type,media_product_type,permalink")
	assert.Equal(t, "VIDEO", m.JSON["media_type"])
	assert.Equal(t, "STORY", m.JSON["media_product_type"])
	assert.Contains(t, m.JSON["permalink"], "/stories/")
}

func TestPublishQuota(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), WithContainerPolls(0), WithPublishLimit(2))
	for i := range 2 {
		id := createContainerForm(t, s, url.Values{"image_url": {"https://a/" + strconv.Itoa(i) + ".jpg"}})
		require.Equal(t, http.StatusOK, publishForm(t, s, id).Status)
		clk.Advance(time.Hour)
	}
	id := createContainerForm(t, s, url.Values{"image_url": {"https://a/x.jpg"}})
	a := publishForm(t, s, id)
	code, sub := a.code(t)
	assert.Equal(t, []int{9, 2207042}, []int{code, sub})
	assert.Equal(t, "Publishing limit reached", a.graphErr(t)["error_user_title"])

	lim := data(t, get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/content_publishing_limit?fields=quota_usage,config"))
	assert.Equal(t, 2.0, lim[0]["quota_usage"])
	assert.Equal(t, 2.0, lim[0]["config"].(map[string]any)["quota_total"])

	s.mu.Lock()
	assert.Equal(t, 2, s.publishQuotaUsed(s.UserID))
	assert.Equal(t, 1, s.publishQuotaUsedSince(s.UserID, clk.Now().Add(-90*time.Minute)))
	assert.Equal(t, 2, s.publishQuotaTotal())
	s.mu.Unlock()

	// The oldest publication leaves the moving window.
	clk.Advance(22*time.Hour + time.Minute)
	assert.Equal(t, 1, s.PublishQuotaUsed())
	require.Equal(t, http.StatusOK, publishForm(t, s, id).Status)
}

func TestPublishingNeedsPermissionAndOwnAccount(t *testing.T) {
	s := newTestServer(t)
	basic := s.IssueToken(0, "instagram_business_basic")
	a := postForm(t, s, basic, "/v25.0/"+s.UserID+"/media", url.Values{"image_url": {"https://a/b.jpg"}})
	code, _ := a.code(t)
	assert.Equal(t, 200, code)
	a = postForm(t, s, basic, "/v25.0/"+s.UserID+"/media_publish", url.Values{"creation_id": {"1"}})
	code, _ = a.code(t)
	assert.Equal(t, 200, code)

	id := createContainerForm(t, s, url.Values{"image_url": {"https://a/b.jpg"}})
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=status_code")
	assert.Equal(t, http.StatusOK, a.Status, "the Facebook Login token acts for the same account")
	a = get(t, s, s.AppAccessToken(), "/v25.0/"+id+"?fields=status_code")
	code, sub := a.code(t)
	assert.Equal(t, []int{100, 33}, []int{code, sub})
}

func TestPublishAppliesThenDrops(t *testing.T) {
	s := newTestServer(t, WithContainerPolls(0))
	id := createContainerForm(t, s, url.Values{"image_url": {"https://a/b.jpg"}})
	s.InjectFault(Fault{Method: "POST", Path: "/*/media_publish", Kind: FaultApplyThenDrop, Times: 1})
	before := len(s.Media())
	req, err := http.NewRequest(http.MethodPost, s.URL+"/v25.0/"+s.UserID+"/media_publish", strings.NewReader("creation_id="+id))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err, "the answer is lost")
	assert.Len(t, s.Media(), before+1, "but the media was created")
	c, _ := statusOf(t, s, id)
	assert.Equal(t, "PUBLISHED", c)
}

func TestPublishedExtrasAreKept(t *testing.T) {
	s := newTestServer(t, WithContainerPolls(0))
	id := createContainerForm(t, s, url.Values{
		"image_url":     {"https://a/b.jpg"},
		"location_id":   {"110843418940484"},
		"user_tags":     {`[{"username":"ana","x":0.5,"y":0.25}]`},
		"collaborators": {`["ben","cleo"]`},
	})
	a := publishForm(t, s, id)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	mid := a.JSON["id"].(string)
	s.mu.Lock()
	ex := s.publishedExtras(mid)
	s.mu.Unlock()
	require.NotNil(t, ex)
	assert.Equal(t, "110843418940484", ex.LocationID)
	require.Len(t, ex.UserTags, 1)
	assert.Equal(t, "ana", ex.UserTags[0].Username)
	assert.Equal(t, 0.25, *ex.UserTags[0].Y)
	assert.Equal(t, []string{"ben", "cleo"}, ex.Collaborators)
}

// The fake answers Meta's refusals for stories and Facebook-only options.
func TestContainerRulesForStoriesAndAddOns(t *testing.T) {
	s := newTestServer(t)
	story := url.Values{"media_type": {"STORIES"}, "image_url": {"https://cdn.example.com/s.jpg"}}

	// Story tags need no coordinates; feed image tags do.
	form := url.Values{"user_tags": {`[{"username":"ana"}]`}}
	for k, v := range story {
		form[k] = v
	}
	createContainerForm(t, s, form)
	a := postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", url.Values{"image_url": {"https://cdn.example.com/f.jpg"}, "user_tags": {`[{"username":"ana"}]`}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)

	// No alt text on stories.
	form = url.Values{"alt_text": {"a cat"}}
	for k, v := range story {
		form[k] = v
	}
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", form)
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	assert.Contains(t, a.graphErr(t)["message"], "stories")

	// Caption add-ons and the paid-partnership label: Facebook Login only.
	feed := url.Values{"image_url": {"https://cdn.example.com/f.jpg"}, "caption": {"Tea or coffee?"}, "poll_attachment": {`{"option_a":"Tea","option_b":"Coffee"}`}}
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", feed)
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/media", feed)
	require.Equalf(t, http.StatusOK, a.Status, "%s", a.Raw)
	feed.Set("is_comment_prompt_used", "true")
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/media", feed)
	code, _ = a.code(t)
	assert.Equal(t, 100, code, "one add-on per media")
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", url.Values{"image_url": {"https://cdn.example.com/f.jpg"}, "is_paid_partnership": {"true"}})
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	// is_ai_generated on both.
	createContainerForm(t, s, url.Values{"image_url": {"https://cdn.example.com/f.jpg"}, "is_ai_generated": {"true"}})
}
