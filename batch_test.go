package instagram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

var sizesMu sync.Mutex

// batchResponder answers Graph batch requests: each GET {id} returns
// {"id": id}; an id starting with "bad" fails with a Graph error; an id
// starting with "slow" comes back null, as when a batch times out.
func batchResponder(t *testing.T, sizes *[]int) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "false", r.PostForm.Get("include_headers"))
		var items []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.PostForm.Get("batch")), &items))
		sizesMu.Lock()
		*sizes = append(*sizes, len(items))
		sizesMu.Unlock()
		out := make([]any, len(items))
		for i, it := range items {
			rel := it["relative_url"].(string)
			id, _, _ := strings.Cut(rel, "?")
			switch {
			case strings.HasPrefix(id, "bad"):
				out[i] = map[string]any{"code": 400, "body": `{"error":{"message":"(#100) Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33}}`}
			case strings.HasPrefix(id, "slow"):
				out[i] = nil
			default:
				out[i] = map[string]any{"code": 200, "body": fmt.Sprintf(`{"id":%q,"method":%q}`, id, it["method"])}
			}
		}
		b, _ := json.Marshal(out)
		return jsonResponder(200, string(b))(r)
	}
}

func TestBatchChunksAndDecodes(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var sizes []int
	mt.RegisterResponder("POST", testBase+"/v25.0/", batchResponder(t, &sizes))
	ops := make([]instagram.BatchOperation, 120)
	for i := range ops {
		ops[i] = instagram.BatchOperation{Path: fmt.Sprintf("m%d", i), Query: url.Values{"fields": {"id"}}}
	}
	ops[7].Path = "bad7"
	ops[99].Path = "slow99"
	res, err := c.Batch(context.Background(), ops, nil)
	require.NoError(t, err)
	require.Len(t, res, 120)
	assert.ElementsMatch(t, []int{50, 50, 20}, sizes)
	assert.Equal(t, 3, mt.GetTotalCallCount(), "120 operations in 3 round trips")
	for i, r := range res {
		var v struct{ ID string }
		err := r.Decode(&v)
		switch i {
		case 7:
			assert.ErrorIs(t, err, instagram.ErrNotFound)
			assert.Equal(t, 400, r.Code)
		case 99:
			assert.ErrorIs(t, err, instagram.ErrBatchIncomplete)
		default:
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("m%d", i), v.ID, "results keep the order of operations")
		}
	}
}

func TestBatchNamedOperationsAndBodies(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []map[string]any
	mt.RegisterResponder("POST", testBase+"/v25.0/", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		require.NoError(t, json.Unmarshal([]byte(r.PostForm.Get("batch")), &got))
		return jsonResponder(200, `[{"code":200,"body":"{\"id\":\"1\"}"},{"code":200,"body":"{\"success\":true}"}]`)(r)
	})
	ops := []instagram.BatchOperation{
		{Path: "17841400000000001/media", Query: url.Values{"limit": {"1"}}, Name: "latest"},
		{Method: "POST", Path: "{result=latest:$.data.0.id}", Body: url.Values{"comment_enabled": {"false"}}, DependsOn: "latest"},
	}
	res, err := c.Batch(context.Background(), ops, nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "latest", got[0]["name"])
	assert.Equal(t, "GET", got[0]["method"])
	assert.Equal(t, "17841400000000001/media?limit=1", got[0]["relative_url"])
	assert.Equal(t, "POST", got[1]["method"])
	assert.Equal(t, "comment_enabled=false", got[1]["body"])
	assert.Equal(t, "latest", got[1]["depends_on"])
	var ok instagram.Success
	require.NoError(t, res[1].Decode(&ok))
	assert.True(t, bool(ok.Success))

	// Named operations cannot be split across chunks.
	many := make([]instagram.BatchOperation, 51)
	for i := range many {
		many[i] = instagram.BatchOperation{Path: "x", Name: fmt.Sprint("n", i)}
	}
	_, err = c.Batch(context.Background(), many, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)

	_, err = c.Batch(context.Background(), []instagram.BatchOperation{{Method: "PATCH", Path: "x"}}, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Batch(context.Background(), []instagram.BatchOperation{{Path: "x?access_token=y"}}, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestBatchFallsBackToParallelRequestsOnInstagramLogin(t *testing.T) {
	c, mt := newMockClient(t)
	var n atomic.Int32
	mt.RegisterResponder("GET", `=~^`+testBase+`/v25\.0/m\d+`, func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		id := strings.TrimPrefix(r.URL.Path, "/v25.0/")
		return jsonResponder(200, fmt.Sprintf(`{"id":%q}`, id))(r)
	})
	mt.RegisterResponder("GET", testBase+"/v25.0/bad", jsonResponder(400, string(fixture(t, "errors/not_found.json"))))
	ops := []instagram.BatchOperation{{Path: "m1"}, {Path: "bad"}, {Path: "m3"}}
	res, err := c.Batch(context.Background(), ops, nil)
	require.NoError(t, err)
	var v struct{ ID string }
	require.NoError(t, res[0].Decode(&v))
	assert.Equal(t, "m1", v.ID)
	assert.ErrorIs(t, res[1].Decode(&v), instagram.ErrNotFound)
	assert.Equal(t, 400, res[1].Code)
	require.NoError(t, res[2].Decode(&v))
	assert.Equal(t, "m3", v.ID)
	assert.EqualValues(t, 2, n.Load())
}

func TestBatchOfReadsIsRetried(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var calls int
	mt.RegisterResponder("POST", testBase+"/v25.0/", func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return jsonResponder(500, string(fixture(t, "errors/transient.json")))(r)
		}
		return jsonResponder(200, `[{"code":200,"body":"{}"}]`)(r)
	})
	_, err := c.Batch(context.Background(), []instagram.BatchOperation{{Path: "m1"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, calls)

	calls = 0
	_, err = c.Batch(context.Background(), []instagram.BatchOperation{{Method: "POST", Path: "m1/comments", Body: url.Values{"message": {"hi"}}}}, nil)
	assert.ErrorIs(t, err, instagram.ErrTransient)
	assert.Equal(t, 1, calls, "a batch that writes is never resent")
}

func TestGetManyRefusesCommas(t *testing.T) {
	c, _ := newMockClient(t)
	_, err := c.Media.GetMany(context.Background(), []string{"a,b"}, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}
