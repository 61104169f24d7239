package instagram_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
)

func welcomeSpec() *instagram.WelcomeFlowSpec {
	return &instagram.WelcomeFlowSpec{
		Name: "Customer intake",
		Messages: []instagram.WelcomeMessage{{
			Text: "Learn more about our summer sale!",
			QuickReplies: []message.QuickReply{
				{Title: "I am interested!", Payload: "sale-interest"},
				{ContentType: "text", Title: "Another question", Payload: "question"},
			},
		}},
	}
}

func TestWelcomeFlowsLifecycle(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()

	id, err := c.Messaging.CreateWelcomeFlow(ctx, srv.UserID, welcomeSpec())
	require.NoError(t, err)
	require.NotEmpty(t, id)
	second, err := c.Messaging.CreateWelcomeFlow(ctx, "me", &instagram.WelcomeFlowSpec{
		Name: "Welcome", Messages: []instagram.WelcomeMessage{{Text: "Welcome to our community!"}},
	})
	require.NoError(t, err)

	page, err := c.Messaging.WelcomeFlows(ctx, srv.UserID, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, second, page.Data[0].ID, "newest first")
	f := page.Data[1]
	assert.Equal(t, id, f.ID)
	assert.Equal(t, "Customer intake", f.Name)
	assert.Equal(t, []string{"INSTAGRAM"}, f.EligiblePlatforms)
	assert.False(t, f.IsUsedInAd)
	assert.False(t, f.LastUpdateTime.IsZero())
	require.Len(t, f.Messages, 1)
	assert.Equal(t, "Learn more about our summer sale!", f.Messages[0].Text)
	assert.Equal(t, []message.QuickReply{
		{ContentType: "text", Title: "I am interested!", Payload: "sale-interest"},
		{ContentType: "text", Title: "Another question", Payload: "question"},
	}, f.Messages[0].QuickReplies)
	assert.True(t, json.Valid(f.Flow))

	var all []string
	for fl, err := range c.Messaging.AllWelcomeFlows(ctx, srv.UserID, &instagram.ListOptions{Limit: 1}) {
		require.NoError(t, err)
		all = append(all, fl.ID)
	}
	assert.Equal(t, []string{second, id}, all)

	require.NoError(t, c.Messaging.UpdateWelcomeFlow(ctx, srv.UserID, id, &instagram.WelcomeFlowSpec{Name: "Winter intake"}))
	got, err := c.Messaging.WelcomeFlow(ctx, srv.UserID, id)
	require.NoError(t, err)
	assert.Equal(t, "Winter intake", got.Name)
	assert.Equal(t, "Learn more about our summer sale!", got.Messages[0].Text, "messages left as they were")

	require.NoError(t, c.Messaging.UpdateWelcomeFlow(ctx, srv.UserID, id, &instagram.WelcomeFlowSpec{
		Messages: []instagram.WelcomeMessage{{Text: "Winter sale!"}},
	}))
	got, err = c.Messaging.WelcomeFlow(ctx, srv.UserID, id)
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Equal(t, "Winter sale!", got.Messages[0].Text)
	assert.Empty(t, got.Messages[0].QuickReplies)

	require.NoError(t, c.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, id))
	_, err = c.Messaging.WelcomeFlow(ctx, srv.UserID, id)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 100, apiErr.Code)
	err = c.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, id)
	require.ErrorAs(t, err, &apiErr, "a deleted flow cannot be deleted again")
}

func TestWelcomeFlowUsedInAdRefused(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	id, err := c.Messaging.CreateWelcomeFlow(ctx, srv.UserID, welcomeSpec())
	require.NoError(t, err)
	require.True(t, srv.SetWelcomeFlowUsedInAd(id, true))

	got, err := c.Messaging.WelcomeFlow(ctx, srv.UserID, id)
	require.NoError(t, err)
	assert.True(t, got.IsUsedInAd)
	var apiErr *instagram.Error
	err = c.Messaging.UpdateWelcomeFlow(ctx, srv.UserID, id, &instagram.WelcomeFlowSpec{Name: "Renamed"})
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "used in an ad")
	err = c.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, id)
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "used in an ad")

	require.True(t, srv.SetWelcomeFlowUsedInAd(id, false))
	require.NoError(t, c.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, id))
	assert.False(t, srv.SetWelcomeFlowUsedInAd(id, true), "no such flow any more")
}

func TestWelcomeFlowValidation(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	msgs := []instagram.WelcomeMessage{{Text: "Hi"}}
	for name, spec := range map[string]*instagram.WelcomeFlowSpec{
		"nil":             nil,
		"no name":         {Messages: msgs},
		"no messages":     {Name: "Flow"},
		"empty text":      {Name: "Flow", Messages: []instagram.WelcomeMessage{{Text: " "}}},
		"reply type":      {Name: "Flow", Messages: []instagram.WelcomeMessage{{Text: "Hi", QuickReplies: []message.QuickReply{{ContentType: "user_email", Title: "a", Payload: "b"}}}}},
		"reply title":     {Name: "Flow", Messages: []instagram.WelcomeMessage{{Text: "Hi", QuickReplies: []message.QuickReply{{Payload: "b"}}}}},
		"reply payload":   {Name: "Flow", Messages: []instagram.WelcomeMessage{{Text: "Hi", QuickReplies: []message.QuickReply{{Title: "a"}}}}},
		"messenger on IG": {Name: "Flow", Messages: msgs, Platforms: []instagram.WelcomePlatform{instagram.WelcomeMessenger}},
		"unknown":         {Name: "Flow", Messages: msgs, Platforms: []instagram.WelcomePlatform{"whatsapp"}},
		"twice":           {Name: "Flow", Messages: msgs, Platforms: []instagram.WelcomePlatform{"instagram", "instagram"}},
	} {
		_, err := c.Messaging.CreateWelcomeFlow(ctx, srv.UserID, spec)
		require.ErrorIs(t, err, instagram.ErrValidation, name)
	}
	require.ErrorIs(t, c.Messaging.UpdateWelcomeFlow(ctx, srv.UserID, "1", &instagram.WelcomeFlowSpec{}), instagram.ErrValidation, "an empty update")
	require.ErrorIs(t, c.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, ""), instagram.ErrValidation)
	_, err := c.Messaging.WelcomeFlow(ctx, srv.UserID, " ")
	require.ErrorIs(t, err, instagram.ErrValidation)
	assert.Empty(t, srv.Requests(), "nothing was sent")

	// Sent anyway, the server refuses what Meta refuses.
	form := url.Values{
		"name":                 {"Flow"},
		"eligible_platforms":   {`["messenger"]`},
		"welcome_message_flow": {`[{"message":{"text":"Hi"}}]`},
	}
	var apiErr *instagram.Error
	require.ErrorAs(t, rawPost(t, c, srv.UserID+"/welcome_message_flows", form), &apiErr)
	assert.Contains(t, apiErr.Message, "only instagram")
	form.Set("eligible_platforms", `["instagram"]`)
	form.Set("welcome_message_flow", `[{"message":{"text":"Hi","quick_replies":[{"content_type":"text","title":"a"}]}}]`)
	require.ErrorAs(t, rawPost(t, c, srv.UserID+"/welcome_message_flows", form), &apiErr)
	assert.Contains(t, apiErr.Message, "quick_replies[0]")
	form.Del("name")
	form.Set("welcome_message_flow", `[{"message":{"text":"Hi"}}]`)
	require.ErrorAs(t, rawPost(t, c, srv.UserID+"/welcome_message_flows", form), &apiErr)
	assert.Contains(t, apiErr.Message, "name is required")
}

func TestWelcomeFlowsFacebookLoginOnThePage(t *testing.T) {
	srv, _ := fakeServer(t)
	ctx := context.Background()
	page, err := srv.FacebookClient(instagram.WithAccessToken(srv.PageAccessToken))
	require.NoError(t, err)
	spec := welcomeSpec()
	spec.Platforms = []instagram.WelcomePlatform{instagram.WelcomeInstagram, instagram.WelcomeMessenger}
	id, err := page.Messaging.CreateWelcomeFlow(ctx, srv.PageID, spec)
	require.NoError(t, err)
	got, err := page.Messaging.WelcomeFlow(ctx, srv.PageID, id)
	require.NoError(t, err)
	assert.Equal(t, []string{"INSTAGRAM", "MESSENGER"}, got.EligiblePlatforms)

	// The account node reads the flows with Facebook Login but does not
	// take writes (Meta's IGUser spec has GET only).
	list, err := page.Messaging.WelcomeFlows(ctx, srv.UserID, nil)
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	var apiErr *instagram.Error
	err = page.Messaging.DeleteWelcomeFlow(ctx, srv.UserID, id)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 33, apiErr.Subcode)
	require.NoError(t, page.Messaging.DeleteWelcomeFlow(ctx, srv.PageID, id))
}

func TestWelcomeFlowDecodesEveryAnswerShape(t *testing.T) {
	for name, body := range map[string]string{
		"string":   `{"id":"1","name":"n","welcome_message_flow":"[{\"message\":{\"text\":\"Hi\"}}]"}`,
		"array":    `{"id":"1","name":"n","welcome_message_flow":[{"message":{"text":"Hi"}}]}`,
		"guide":    `{"id":"1","name":"n","welcome_message":"[{\"message\":{\"text\":\"Hi\"}}]"}`,
		"no flow":  `{"id":"1","name":"n"}`,
		"not json": `{"id":"1","name":"n","welcome_message_flow":"plain text"}`,
	} {
		var f instagram.WelcomeFlow
		require.NoError(t, json.Unmarshal([]byte(body), &f), name)
		assert.Equal(t, "1", f.ID, name)
		switch name {
		case "no flow":
			assert.Nil(t, f.Flow, name)
			assert.Nil(t, f.Messages, name)
		case "not json":
			assert.Equal(t, "plain text", string(f.Flow), name)
			assert.Nil(t, f.Messages, name)
		default:
			require.Len(t, f.Messages, 1, name)
			assert.Equal(t, "Hi", f.Messages[0].Text, name)
		}
	}
}
