package instagram_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// captured is a request as a responder saw it.
type captured struct {
	Method string
	Path   string
	Query  url.Values
	Body   string
	Type   string
}

// capture answers with body and records each request into *into.
func capture(into *[]captured, status int, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		*into = append(*into, captured{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: string(b), Type: r.Header.Get("Content-Type")})
		return jsonResponder(status, body)(r)
	}
}

func TestCommentsListAndGet(t *testing.T) {
	c, mt := newMockClient(t)
	var got []captured
	mt.RegisterResponder("GET", testBase+"/v25.0/1789/comments", capture(&got, 200,
		`{"data":[{"timestamp":"2017-08-31T19:16:02+0000","text":"This is awesome!","id":"17870913679156914","from":{"id":"1784","username":"ana"},"hidden":true,"like_count":3}],"paging":{"cursors":{"after":"QVFI"}}}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/17870913679156914", capture(&got, 200,
		`{"id":"17870913679156914","text":"This is awesome!","parent_id":"1786","media":{"id":"1789"}}`))

	page, err := c.Comments.List(context.Background(), "1789", &instagram.ListOptions{Limit: 5})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	cm := page.Data[0]
	assert.Equal(t, "17870913679156914", cm.ID)
	assert.Equal(t, "This is awesome!", cm.Text)
	assert.Equal(t, "ana", cm.From.Username)
	assert.True(t, cm.Hidden)
	assert.Equal(t, 3, cm.LikeCount)
	assert.Equal(t, 2017, cm.Timestamp.Year())
	assert.Equal(t, "QVFI", page.Paging.Cursors.After)
	assert.Equal(t, "id,text,timestamp,username,from,like_count,hidden,parent_id,media", got[0].Query.Get("fields"))
	assert.Equal(t, "5", got[0].Query.Get("limit"))

	one, err := c.Comments.Get(context.Background(), "17870913679156914", &instagram.GetOptions{Fields: []string{"id", "text"}})
	require.NoError(t, err)
	assert.Equal(t, "1786", one.ParentID)
	assert.Equal(t, "1789", one.Media.ID)
	assert.Equal(t, "id,text", got[1].Query.Get("fields"))
}

func TestCommentsAllAndRepliesFollowPages(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		all  func(c *instagram.Client) func(yield func(instagram.Comment, error) bool)
	}{
		{"comments", "/v25.0/1789/comments", func(c *instagram.Client) func(func(instagram.Comment, error) bool) {
			return c.Comments.All(context.Background(), "1789", nil)
		}},
		{"replies", "/v25.0/1786/replies", func(c *instagram.Client) func(func(instagram.Comment, error) bool) {
			return c.Comments.AllReplies(context.Background(), "1786", nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			var got []captured
			mt.RegisterResponder("GET", testBase+tc.path, func(r *http.Request) (*http.Response, error) {
				if r.URL.Query().Get("after") == "" {
					return capture(&got, 200, `{"data":[{"id":"1"},{"id":"2"}],"paging":{"cursors":{"after":"C2"},"next":"https://graph.test/next?access_token=x&after=C2"}}`)(r)
				}
				return capture(&got, 200, `{"data":[{"id":"3"}],"paging":{"cursors":{"after":"C3"}}}`)(r)
			})
			var ids []string
			for cm, err := range tc.all(c) {
				require.NoError(t, err)
				ids = append(ids, cm.ID)
			}
			assert.Equal(t, []string{"1", "2", "3"}, ids)
			require.Len(t, got, 2)
			assert.Equal(t, "C2", got[1].Query.Get("after"))
		})
	}

	c, mt := newMockClient(t)
	var got []captured
	mt.RegisterResponder("GET", testBase+"/v25.0/1786/replies", capture(&got, 200,
		`{"data":[{"timestamp":"2020-08-07T03:30:06+0000","text":"@lixiangguodu123 nihao","id":"17847314687296283"}]}`))
	page, err := c.Comments.Replies(context.Background(), "1786", nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "@lixiangguodu123 nihao", page.Data[0].Text)
	assert.False(t, page.HasNext())
}

func TestCommentsWrites(t *testing.T) {
	c, mt := newMockClient(t)
	var got []captured
	mt.RegisterResponder("POST", testBase+"/v25.0/1789/comments", capture(&got, 200, `{"id":"17873440459141029"}`))
	mt.RegisterResponder("POST", testBase+"/v25.0/1786/replies", capture(&got, 200, `{"id":17873440459141030}`))
	mt.RegisterResponder("POST", testBase+"/v25.0/1786", capture(&got, 200, `{"success":true}`))
	mt.RegisterResponder("DELETE", testBase+"/v25.0/1786", capture(&got, 200, `{"success":true}`))
	ctx := context.Background()

	cm, err := c.Comments.Create(ctx, "1789", "Thanks for sharing!")
	require.NoError(t, err)
	assert.Equal(t, &instagram.Comment{ID: "17873440459141029", Text: "Thanks for sharing!"}, cm)
	rep, err := c.Comments.Reply(ctx, "1786", "Glad you like it 🌿")
	require.NoError(t, err)
	assert.Equal(t, &instagram.Comment{ID: "17873440459141030", Text: "Glad you like it 🌿", ParentID: "1786"}, rep)
	require.NoError(t, c.Comments.Hide(ctx, "1786"))
	require.NoError(t, c.Comments.Unhide(ctx, "1786"))
	require.NoError(t, c.Comments.Delete(ctx, "1786"))

	require.Len(t, got, 5)
	for _, g := range got[:4] {
		assert.Equal(t, "application/x-www-form-urlencoded", g.Type)
	}
	assert.Equal(t, "message=Thanks+for+sharing%21", got[0].Body)
	form, _ := url.ParseQuery(got[1].Body)
	assert.Equal(t, "Glad you like it 🌿", form.Get("message"))
	assert.Equal(t, "hide=true", got[2].Body)
	assert.Equal(t, "hide=false", got[3].Body)
	assert.Equal(t, "DELETE", got[4].Method)
}

func TestCommentsValidationBeforeAnyCall(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	checks := []error{
		func() error { _, err := c.Comments.List(ctx, "", nil); return err }(),
		func() error { _, err := c.Comments.Get(ctx, " ", nil); return err }(),
		func() error { _, err := c.Comments.Replies(ctx, "", nil); return err }(),
		func() error { _, err := c.Comments.Create(ctx, "1789", "  "); return err }(),
		func() error { _, err := c.Comments.Create(ctx, "", "hi"); return err }(),
		func() error { _, err := c.Comments.Reply(ctx, "1786", ""); return err }(),
		c.Comments.Hide(ctx, ""),
		c.Comments.Delete(ctx, ""),
	}
	for _, seq := range []func(func(instagram.Comment, error) bool){c.Comments.All(ctx, "", nil), c.Comments.AllReplies(ctx, "", nil)} {
		for _, err := range seq {
			checks = append(checks, err)
		}
	}
	for i, err := range checks {
		var ve *instagram.ValidationError
		require.Truef(t, errors.As(err, &ve), "check %d: %v", i, err)
		assert.ErrorIs(t, err, instagram.ErrValidation)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestCommentsAPIErrorsTyped(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.NoRetries))
	mt.RegisterResponder("POST", testBase+"/v25.0/1786", jsonResponder(400,
		`{"error":{"message":"(#10) Application does not have permission for this action","type":"OAuthException","code":10,"fbtrace_id":"A1"}}`))
	mt.RegisterResponder("DELETE", testBase+"/v25.0/1787", jsonResponder(400,
		`{"error":{"message":"Unsupported delete request. Object with ID '1787' does not exist","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"A2"}}`))
	err := c.Comments.Hide(context.Background(), "1786")
	assert.ErrorIs(t, err, instagram.ErrPermission)
	err = c.Comments.Delete(context.Background(), "1787")
	assert.ErrorIs(t, err, instagram.ErrNotFound)
}
