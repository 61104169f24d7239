package instagramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
)

// Batch requests (POST / with batch=[...]); multi-id lookups
// (GET /?ids=a,b,c) are refused, as for apps created since 2026-11-04. Each operation of a batch is routed like a request of
// its own, with the batch's token, and counts against the rate budget as a
// call, as on Meta's servers. Like Meta, graph.instagram.com (Instagram Login
// tokens) takes no batch requests.

// setupBatch declares the batch and multi-id routes.
func setupBatch(s *Server) {
	s.handleGraph("POST /{$}", serveBatch)
	s.handleGraph("GET /{$}", serveIDs)
}

// maxBatch is Meta's limit of operations per batch.
const maxBatch = 50

type batchOp struct {
	Method                string `json:"method"`
	RelativeURL           string `json:"relative_url"`
	Body                  string `json:"body"`
	Name                  string `json:"name"`
	DependsOn             string `json:"depends_on"`
	OmitResponseOnSuccess *bool  `json:"omit_response_on_success"`
}

type batchHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type batchAnswer struct {
	Code    int           `json:"code"`
	Headers []batchHeader `json:"headers,omitempty"`
	Body    *string       `json:"body"`
}

func serveBatch(c *call) {
	if !c.authorize() {
		return
	}
	if c.host() == onInstagram {
		c.fail(errParam("Batch requests are not supported for Instagram user access tokens"))
		return
	}
	var ops []batchOp
	if err := json.Unmarshal([]byte(c.param("batch")), &ops); err != nil || len(ops) == 0 {
		c.fail(errParam("The parameter batch is required and must be a JSON array of requests"))
		return
	}
	if len(ops) > maxBatch {
		c.fail(errParam("Too many requests in batch message. Maximum batch size is %d", maxBatch))
		return
	}
	withHeaders := c.param("include_headers") != "false"
	results := map[string]json.RawMessage{}
	answers := make([]*batchAnswer, len(ops))
	for i, op := range ops {
		if op.DependsOn != "" {
			if _, ok := results[op.DependsOn]; !ok {
				body := `{"error":{"message":"(#100) The operation this request depends on failed or does not exist","type":"OAuthException","code":100}}`
				answers[i] = &batchAnswer{Code: http.StatusBadRequest, Body: &body}
				continue
			}
		}
		rel, okRefs := resolveRefs(op.RelativeURL, results)
		form, okBody := resolveRefs(op.Body, results)
		if !okRefs || !okBody {
			body := `{"error":{"message":"(#100) A JSONPath reference could not be resolved","type":"OAuthException","code":100}}`
			answers[i] = &batchAnswer{Code: http.StatusBadRequest, Body: &body}
			continue
		}
		status, header, body := c.subCall(op.Method, rel, form)
		a := &batchAnswer{Code: status}
		if withHeaders {
			for k, vs := range header {
				for _, v := range vs {
					a.Headers = append(a.Headers, batchHeader{Name: k, Value: v})
				}
			}
		}
		ok := status >= 200 && status < 300
		if op.Name != "" && ok {
			results[op.Name] = json.RawMessage(body)
		}
		if !(ok && op.OmitResponseOnSuccess != nil && *op.OmitResponseOnSuccess) {
			b := string(body)
			a.Body = &b
		}
		answers[i] = a
	}
	c.writeJSON(http.StatusOK, answers)
}

// serveIDs answers GET /?ids=a,b,c as Meta answers an app created since
// 2026-11-04: multi-id requests are closed to new apps on every version
// (Graph API v27 announcement) and removed for all apps in v28; root ids
// lookups already failed on v26 for some apps. The refusal is a code 100
// error; Meta's exact wording is not documented, the message below names
// the alternatives Meta points to (single reads, batch requests).
func serveIDs(c *call) {
	if !c.authorize() {
		return
	}
	if c.param("ids") == "" {
		c.fail(errUnknownPath("/"))
		return
	}
	c.fail(errIDsUnavailable())
}

// errIDsUnavailable is the refusal of a multi-id lookup.
func errIDsUnavailable() *graphError {
	return newError(http.StatusBadRequest, 100, 0, typeOAuth,
		"(#100) Multi-ID requests (the ids parameter) are not available to this app. Request each object by its ID, or use a batch request.")
}

// subCall routes one operation with the parent call's token and returns its
// status, headers and body. s.mu is held by the parent.
func (c *call) subCall(method, rel, body string) (int, http.Header, []byte) {
	if method == "" {
		method = http.MethodGet
	}
	method = strings.ToUpper(method)
	rel = "/" + strings.TrimPrefix(rel, "/")
	req, err := http.NewRequestWithContext(c.r.Context(), method, "http://graph.internal"+rel, strings.NewReader(body))
	if err != nil {
		e := errParam("Invalid relative_url")
		b, _ := json.Marshal(map[string]*graphError{"error": e})
		return http.StatusBadRequest, nil, b
	}
	if a := c.r.Header.Get("Authorization"); a != "" {
		req.Header.Set("Authorization", a)
	} else if t := c.param("access_token"); t != "" && req.URL.Query().Get("access_token") == "" {
		q := req.URL.Query()
		q.Set("access_token", t)
		req.URL.RawQuery = q.Encode()
	}
	if p := c.param("appsecret_proof"); p != "" && req.URL.Query().Get("appsecret_proof") == "" {
		q := req.URL.Query()
		q.Set("appsecret_proof", p)
		if ts := c.param("appsecret_time"); ts != "" {
			q.Set("appsecret_time", ts)
		}
		req.URL.RawQuery = q.Encode()
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json; charset=UTF-8")
	sub := &call{s: c.s, w: &statusWriter{ResponseWriter: rec}, r: req, method: method, trace: c.s.traceID()}
	sub.version, sub.path, _ = splitVersion(req.URL.Path)
	if sub.version == "" {
		sub.version, sub.path = c.version, req.URL.Path
	}
	if perr := sub.parseParams(); perr != nil {
		sub.fail(perr)
	} else {
		c.s.dispatch(sub, context.WithValue(req.Context(), ctxKey{}, sub))
	}
	status := rec.Code
	if status == 0 {
		status = http.StatusOK
	}
	return status, rec.Header(), rec.Body.Bytes()
}

var refRE = regexp.MustCompile(`\{result=([^:}]+):\$\.([^}]*)\}`)

// resolveRefs replaces {result=name:$.path} references with values from
// earlier named results. Supported paths: "id", "data.N.id", "data.*.id"
// (comma-joined) and any chain of keys and indexes.
func resolveRefs(s string, results map[string]json.RawMessage) (string, bool) {
	if !strings.Contains(s, "{result=") {
		return s, true
	}
	ok := true
	out := refRE.ReplaceAllStringFunc(s, func(m string) string {
		parts := refRE.FindStringSubmatch(m)
		raw, found := results[parts[1]]
		if !found {
			ok = false
			return m
		}
		var v any
		if json.Unmarshal(raw, &v) != nil {
			ok = false
			return m
		}
		vals := walkJSON(v, strings.Split(parts[2], "."))
		if len(vals) == 0 {
			ok = false
			return m
		}
		return strings.Join(vals, ",")
	})
	return out, ok
}

func walkJSON(v any, path []string) []string {
	if len(path) == 0 || (len(path) == 1 && path[0] == "") {
		switch t := v.(type) {
		case string:
			return []string{t}
		case float64:
			return []string{strconv.FormatFloat(t, 'f', -1, 64)}
		case json.Number:
			return []string{t.String()}
		}
		return nil
	}
	key, rest := path[0], path[1:]
	switch t := v.(type) {
	case map[string]any:
		return walkJSON(t[key], rest)
	case []any:
		if key == "*" {
			var out []string
			for _, item := range t {
				out = append(out, walkJSON(item, rest)...)
			}
			return out
		}
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(t) {
			return walkJSON(t[i], rest)
		}
	}
	return nil
}
