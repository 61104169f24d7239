package instagram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// batchConcurrency bounds how many batch chunks, or single requests in the
// fallback, are in flight at once.
const batchConcurrency = 4

// BatchOperation is one call inside a batch request.
type BatchOperation struct {
	// Method is GET (the default), POST or DELETE.
	Method string
	// Path is relative to the versioned root, as for NewRequest
	// ("17841400000000000/media"). It may contain JSONPath references to
	// earlier named operations, such as "{result=first:$.data.*.id}".
	Path string
	// Query is an options struct with `url:` tags, url.Values or nil.
	Query any
	// Body is a form for POST operations: url.Values or a struct with
	// `url:` tags.
	Body any
	// Name lets later operations refer to this one's result.
	Name string
	// DependsOn names an operation that must finish first.
	DependsOn string
	// OmitResponseOnSuccess drops the body of this operation when it
	// succeeds (Meta's default for named operations is to omit it).
	OmitResponseOnSuccess *bool
}

// BatchResult is the answer to one operation of a batch.
type BatchResult struct {
	// Code is the HTTP status of the operation; 0 when Meta did not finish
	// it (the batch timed out) or it was never sent.
	Code int
	// Header holds the operation's headers when they were requested.
	Header http.Header
	// Body is the operation's raw JSON answer.
	Body json.RawMessage
	// Err is the operation's error: an *Error for a non-2xx answer,
	// ErrBatchIncomplete when Meta returned null for it, or the error of
	// the fallback request.
	Err error
}

// Decode unmarshals the operation's answer into v, or returns its error.
func (r BatchResult) Decode(v any) error {
	if r.Err != nil {
		return r.Err
	}
	if len(r.Body) == 0 || v == nil {
		return nil
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return &DecodeError{Method: "BATCH", Path: "item", Err: err}
	}
	return nil
}

// BatchOptions tunes Batch.
type BatchOptions struct {
	// IncludeHeaders asks Meta for each operation's headers (off by
	// default: they cost bandwidth and are rarely needed).
	IncludeHeaders bool
}

// Batch sends operations in as few round trips as possible and returns one
// result per operation, in order. With Facebook Login it uses Graph batch
// requests: up to 50 operations per HTTP call, more are chunked and sent
// with bounded concurrency. graph.instagram.com does not take batch
// requests, so with Instagram Login the same call sends the operations as
// parallel requests (bounded), and the results look the same.
//
// The returned error is for the batch as a whole (bad input, a failed HTTP
// call); the error of each operation is in its result. Named operations and
// references between them need a single chunk: at most 50 operations.
//
// Meta API: POST /
func (c *Client) Batch(ctx context.Context, ops []BatchOperation, opts *BatchOptions) ([]BatchResult, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &BatchOptions{}
	}
	if len(ops) == 0 {
		return nil, nil
	}
	named := false
	wire := make([]batchItem, len(ops))
	for i, op := range ops {
		item, err := op.wire()
		if err != nil {
			return nil, fmt.Errorf("instagram: batch operation %d: %w", i, err)
		}
		wire[i] = item
		named = named || op.Name != "" || op.DependsOn != ""
	}
	if named && len(ops) > MaxBatchSize {
		return nil, &ValidationError{Field: "batch", Rule: fmt.Sprintf("named or dependent operations must fit in one batch of %d", MaxBatchSize)}
	}
	results := make([]BatchResult, len(ops))
	if c.platform != FacebookLogin {
		if named {
			return nil, &ValidationError{Field: "batch", Rule: "named operations need Facebook Login (graph.instagram.com has no batch requests)"}
		}
		c.batchFallback(ctx, ops, results)
		return results, ctx.Err()
	}
	var (
		wg       sync.WaitGroup
		sem      = make(chan struct{}, batchConcurrency)
		mu       sync.Mutex
		firstErr error
	)
	for start := 0; start < len(ops); start += MaxBatchSize {
		end := min(start+MaxBatchSize, len(ops))
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return results, ctx.Err()
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := c.sendBatch(ctx, wire[start:end], allGET(ops[start:end]), opts, results[start:end]); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return results, firstErr
}

func allGET(ops []BatchOperation) bool {
	for _, op := range ops {
		if op.Method != "" && !strings.EqualFold(op.Method, http.MethodGet) {
			return false
		}
	}
	return true
}

// batchItem is one operation in Meta's wire format.
type batchItem struct {
	Method                string `json:"method"`
	RelativeURL           string `json:"relative_url"`
	Body                  string `json:"body,omitempty"`
	Name                  string `json:"name,omitempty"`
	DependsOn             string `json:"depends_on,omitempty"`
	OmitResponseOnSuccess *bool  `json:"omit_response_on_success,omitempty"`
}

func (op BatchOperation) wire() (batchItem, error) {
	method := strings.ToUpper(op.Method)
	if method == "" {
		method = http.MethodGet
	}
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodDelete:
	default:
		return batchItem{}, &ValidationError{Field: "method", Rule: "must be GET, POST or DELETE"}
	}
	p := strings.TrimPrefix(op.Path, "/")
	if strings.ContainsAny(p, "?#") {
		return batchItem{}, &ValidationError{Field: "path", Rule: "must not carry a query; use Query"}
	}
	q, err := encodeValues(op.Query)
	if err != nil {
		return batchItem{}, err
	}
	rel := p
	if len(q) > 0 {
		rel += "?" + q.Encode()
	}
	item := batchItem{Method: method, RelativeURL: rel, Name: op.Name, DependsOn: op.DependsOn, OmitResponseOnSuccess: op.OmitResponseOnSuccess}
	if op.Body != nil {
		if method != http.MethodPost {
			return batchItem{}, &ValidationError{Field: "body", Rule: "only POST operations carry a body"}
		}
		form, err := encodeValues(op.Body)
		if err != nil {
			return batchItem{}, err
		}
		item.Body = form.Encode()
	}
	return item, nil
}

// wireBatchResult is one element of Meta's batch answer.
type wireBatchResult struct {
	Code    int `json:"code"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	Body *string `json:"body"`
}

type batchForm struct {
	Batch          string `url:"batch"`
	IncludeHeaders bool   `url:"include_headers"`
}

// sendBatch sends one chunk and fills out.
func (c *Client) sendBatch(ctx context.Context, items []batchItem, idempotent bool, opts *BatchOptions, out []BatchResult) error {
	payload, err := json.Marshal(items)
	if err != nil {
		return fmt.Errorf("instagram: encoding batch: %w", err)
	}
	var answers []*wireBatchResult
	r := &request{method: http.MethodPost, path: "", body: batchForm{Batch: string(payload), IncludeHeaders: opts.IncludeHeaders}, idempotent: idempotent}
	if _, err := c.do(ctx, r, &answers); err != nil {
		return err
	}
	if len(answers) != len(items) {
		return &DecodeError{Method: "POST", Path: "batch", Err: fmt.Errorf("%d answers for %d operations", len(answers), len(items))}
	}
	for i, a := range answers {
		out[i] = decodeBatchAnswer(a)
	}
	return nil
}

func decodeBatchAnswer(a *wireBatchResult) BatchResult {
	if a == nil {
		return BatchResult{Err: ErrBatchIncomplete}
	}
	r := BatchResult{Code: a.Code}
	if len(a.Headers) > 0 {
		r.Header = make(http.Header, len(a.Headers))
		for _, h := range a.Headers {
			r.Header.Add(h.Name, h.Value)
		}
	}
	if a.Body != nil {
		r.Body = json.RawMessage(*a.Body)
	}
	if a.Code < 200 || a.Code > 299 {
		r.Err = ParseErrorBody(a.Code, r.Body)
	}
	return r
}

// batchFallback sends each operation as its own request, a few at a time.
func (c *Client) batchFallback(ctx context.Context, ops []BatchOperation, out []BatchResult) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, batchConcurrency*2)
	for i, op := range ops {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for j := i; j < len(ops); j++ {
				out[j] = BatchResult{Err: ctx.Err()}
			}
			wg.Wait()
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = c.single(ctx, op)
		})
	}
	wg.Wait()
}

// single runs one operation through the pipeline and shapes the outcome as
// a BatchResult.
func (c *Client) single(ctx context.Context, op BatchOperation) BatchResult {
	method := op.Method
	if method == "" {
		method = http.MethodGet
	}
	var buf bytes.Buffer
	resp, err := c.do(ctx, &request{method: strings.ToUpper(method), path: op.Path, query: op.Query, body: op.Body}, &buf)
	r := BatchResult{Body: json.RawMessage(buf.Bytes()), Err: err}
	if resp != nil {
		r.Code, r.Header = resp.StatusCode, resp.Header
	}
	return r
}

// ManyError reports the ids a multi-object read could not return. The
// objects that were read are returned next to it; every id asked for is
// either in that map or in Errors, none is dropped silently.
type ManyError struct {
	// Errors holds the error of each id that failed: an *Error such as
	// ErrNotFound for an id Meta does not know, ErrBatchIncomplete, or the
	// error of the request that carried it.
	Errors map[string]error
}

// Error summarises the failed ids.
func (e *ManyError) Error() string {
	ids := make([]string, 0, len(e.Errors))
	for id := range e.Errors {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 1 {
		return fmt.Sprintf("instagram: reading %s: %v", ids[0], e.Errors[ids[0]])
	}
	return fmt.Sprintf("instagram: %d ids could not be read (first %s: %v)", len(ids), ids[0], e.Errors[ids[0]])
}

// Unwrap returns the errors of the failed ids, so that errors.Is finds
// ErrNotFound, ErrPermission and the like.
func (e *ManyError) Unwrap() []error {
	out := make([]error, 0, len(e.Errors))
	for _, err := range e.Errors {
		out = append(out, err)
	}
	return out
}

// getMany reads any number of objects by id, one operation per id, through
// Batch: Graph batch requests of 50 operations on graph.facebook.com, and
// parallel single GETs (at most 2*batchConcurrency in flight) on
// graph.instagram.com. Meta's multi-id lookup (GET /?ids=a,b,c) is not used:
// new apps cannot use it since 2026-11-04 (Graph API v27) and it is removed
// for all apps in v28. Ids that fail are reported in a *ManyError next to
// the objects that were read.
func getMany[T any](ctx context.Context, c *Client, ids []string, fields string) (map[string]*T, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Rule: "must not be nil"}
	}
	out := make(map[string]*T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if err := checkID("id", id); err != nil {
			return nil, err
		}
		if strings.Contains(id, ",") {
			return nil, &ValidationError{Field: "id", Rule: "must not contain a comma"}
		}
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	var q url.Values
	if fields != "" {
		q = url.Values{"fields": {fields}}
	}
	ops := make([]BatchOperation, len(uniq))
	for i, id := range uniq {
		ops[i] = BatchOperation{Path: pathEscape(id), Query: q}
	}
	results, batchErr := c.Batch(ctx, ops, nil)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	failed := map[string]error{}
	for i, r := range results {
		id := uniq[i]
		switch {
		case r.Err != nil:
			failed[id] = r.Err
			continue
		case r.Code == 0:
			// The chunk carrying this id failed as a whole.
			if batchErr != nil {
				failed[id] = batchErr
			} else {
				failed[id] = ErrBatchIncomplete
			}
			continue
		}
		v := new(T)
		if err := r.Decode(v); err != nil {
			failed[id] = err
			continue
		}
		out[id] = v
	}
	if len(failed) > 0 {
		return out, &ManyError{Errors: failed}
	}
	return out, nil
}

// GetMany reads many media by id. With Facebook Login the reads go in
// Graph batch requests of 50 (chunks in parallel, at most 4 at once); with
// Instagram Login, whose host takes no batch requests, as single GETs with
// at most 8 in flight. Meta's multi-id lookup (GET /?ids=) is not used: it
// is closed to new apps since 2026-11-04 and removed in v28.
//
// Every id is in the map or in the returned *ManyError: when some ids fail
// (unknown, not permitted, ...), the map holds the others and the error
// holds each failed id's error. Repeated ids are read once. Cancelling ctx
// stops sending and returns ctx's error.
//
// Meta API: GET /{ig-media-id}
// Meta API: POST /
func (s *MediaService) GetMany(ctx context.Context, ids []string, opts *GetOptions) (map[string]*Media, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	q, err := withFields(opts, mediaFields)
	if err != nil {
		return nil, err
	}
	return getMany[Media](ctx, s.client, ids, q.Get("fields"))
}

// MediaInsights is the outcome of reading one media's insights in
// InsightsService.MediaMany.
type MediaInsights struct {
	// MediaID is the media the insights belong to.
	MediaID string
	// Insights holds the metrics; nil when Err is set.
	Insights *InsightsResult
	// Err is this media's error, such as ErrPermission for "(#10) Not
	// enough viewers for the media to show insights".
	Err error
}

// MediaMany reads the same metrics for many media in as few round trips as
// possible: Graph batch requests of 50 with Facebook Login, bounded parallel
// requests with Instagram Login. Results come back in the order of ids; an
// error of one media does not fail the others.
//
// Meta API: GET /{ig-media-id}/insights
// Meta API: POST /
func (s *InsightsService) MediaMany(ctx context.Context, ids []string, opts *MediaInsightsOptions) ([]MediaInsights, error) {
	if opts == nil {
		return nil, &ValidationError{Field: "metric", Rule: "at least one metric is required"}
	}
	if err := checkMetrics(opts.Metrics); err != nil {
		return nil, err
	}
	ops := make([]BatchOperation, len(ids))
	for i, id := range ids {
		if err := checkID("media id", id); err != nil {
			return nil, err
		}
		ops[i] = BatchOperation{Path: pathEscape(id) + "/insights", Query: opts}
	}
	results, err := s.client.Batch(ctx, ops, nil)
	if err != nil {
		return nil, err
	}
	out := make([]MediaInsights, len(ids))
	for i, r := range results {
		out[i].MediaID = ids[i]
		res := new(InsightsResult)
		if err := r.Decode(res); err != nil {
			out[i].Err = err
			continue
		}
		out[i].Insights = res
	}
	return out, nil
}
