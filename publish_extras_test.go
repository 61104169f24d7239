package instagram_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// paramJSON renders a container parameter as the fake stored it.
func paramJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// Story user tags take no coordinates unless given (Meta: optional since
// 2025-07; 0,0 would pin the tag to the corner); feed images keep them.
func TestStoryUserTagsWithoutCoordinates(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	m, err := c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{ImageURL: "https://cdn.example.com/s.jpg"},
		&instagram.PublishOptions{UserTags: []instagram.UserTag{{Username: "ana"}, {Username: "ben", X: 0.5, Y: 0.25}}, Wait: fastWait})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"username":"ana"},{"username":"ben","x":0.5,"y":0.25}]`, paramJSON(t, containerOf(t, srv, m.ID).Params["user_tags"]))

	img, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/f.jpg",
		&instagram.PublishOptions{UserTags: []instagram.UserTag{{Username: "ana"}}, Wait: fastWait})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"username":"ana","x":0,"y":0}]`, paramJSON(t, containerOf(t, srv, img.ID).Params["user_tags"]))
}

func TestStoryAltTextRefused(t *testing.T) {
	srv, c := publishFake(t)
	before := len(srv.Requests())
	_, err := c.Media.PublishStory(context.Background(), srv.UserID, instagram.StorySource{ImageURL: "https://cdn.example.com/s.jpg"},
		&instagram.PublishOptions{AltText: "a cat"})
	require.ErrorIs(t, err, instagram.ErrValidation)
	assert.Contains(t, err.Error(), "alt_text")
	assert.Len(t, srv.Requests(), before)
}

// is_ai_generated works on both logins; on a carousel it goes on the album.
func TestAIGeneratedLabelOnBothLogins(t *testing.T) {
	for _, login := range []string{"instagram", "facebook"} {
		t.Run(login, func(t *testing.T) {
			srv, c := publishFake(t)
			if login == "facebook" {
				srv, c = uploadFake(t)
			}
			ctx := context.Background()
			ai := instagram.PublishExtras{IsAIGenerated: true}
			m, err := c.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/a.jpg", &instagram.PublishOptions{PublishExtras: ai, Wait: fastWait})
			require.NoError(t, err)
			assert.Equal(t, true, containerOf(t, srv, m.ID).Params["is_ai_generated"])

			album, err := c.Media.PublishCarousel(ctx, srv.UserID, []instagram.CarouselItem{
				{ImageURL: "https://cdn.example.com/1.jpg"}, {ImageURL: "https://cdn.example.com/2.jpg"},
			}, &instagram.PublishOptions{PublishExtras: ai, Wait: fastWait})
			require.NoError(t, err)
			ct := containerOf(t, srv, album.ID)
			assert.Equal(t, true, ct.Params["is_ai_generated"])
			for _, child := range ct.Children {
				item, ok := srv.Container(child)
				require.True(t, ok)
				assert.NotContains(t, item.Params, "is_ai_generated", "set on the album only")
			}
		})
	}
}

// Caption add-ons and the paid-partnership label are Facebook Login only.
func TestCaptionAddOnsAndPaidPartnershipPerLogin(t *testing.T) {
	ctx := context.Background()
	poll := &instagram.PollAttachment{OptionA: "Tea", OptionB: "Coffee"}

	srv, ig := publishFake(t)
	before := len(srv.Requests())
	for name, ex := range map[string]instagram.PublishExtras{
		"poll":   {Poll: poll},
		"prompt": {CommentPrompt: true},
		"paid":   {PaidPartnership: true},
	} {
		_, err := ig.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/a.jpg", &instagram.PublishOptions{Caption: "Which one?", PublishExtras: ex})
		assert.ErrorIs(t, err, instagram.ErrValidation, name)
		if err != nil {
			assert.Contains(t, err.Error(), "Facebook Login", name)
		}
	}
	assert.Len(t, srv.Requests(), before, "refused before any request")

	srv, fb := uploadFake(t)
	m, err := fb.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/a.jpg", &instagram.PublishOptions{
		Caption: "Which one?", PublishExtras: instagram.PublishExtras{Poll: poll, PollDurationExtended: true, PaidPartnership: true}, Wait: fastWait})
	require.NoError(t, err)
	p := containerOf(t, srv, m.ID).Params
	assert.JSONEq(t, `{"option_a":"Tea","option_b":"Coffee"}`, paramJSON(t, p["poll_attachment"]))
	assert.Equal(t, true, p["is_poll_duration_extended"])
	assert.Equal(t, true, p["is_paid_partnership"])

	m, err = fb.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{URL: "https://cdn.example.com/r.mp4"}, &instagram.PublishOptions{
		Caption: "Tell us your favourite", PublishExtras: instagram.PublishExtras{CommentPrompt: true}, Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, true, containerOf(t, srv, m.ID).Params["is_comment_prompt_used"])

	// Meta's rules: one add-on, a caption, two options at least, no stories.
	bad := map[string]*instagram.PublishOptions{
		"poll and prompt": {Caption: "q", PublishExtras: instagram.PublishExtras{Poll: poll, CommentPrompt: true}},
		"no caption":      {PublishExtras: instagram.PublishExtras{Poll: poll}},
		"one option":      {Caption: "q", PublishExtras: instagram.PublishExtras{Poll: &instagram.PollAttachment{OptionA: "only"}}},
		"extended alone":  {Caption: "q", PublishExtras: instagram.PublishExtras{PollDurationExtended: true}},
	}
	before = len(srv.Requests())
	for name, o := range bad {
		_, err := fb.Media.PublishImage(ctx, srv.UserID, "https://cdn.example.com/a.jpg", o)
		assert.ErrorIs(t, err, instagram.ErrValidation, name)
	}
	_, err = fb.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{ImageURL: "https://cdn.example.com/s.jpg"},
		&instagram.PublishOptions{PublishExtras: instagram.PublishExtras{CommentPrompt: true}})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Len(t, srv.Requests(), before)
}
