package instagramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// call is one request on its way through the server.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	routed *http.Request // the request as matched by a mux pattern, for pathValue

	method  string // HTTP method, or the one asked with ?method=post|delete
	version string // "v25.0"; "" outside the versioned tree
	path    string // URL path without the version prefix
	trace   string // fbtrace_id of this call

	params url.Values                 // query, form and JSON body merged (body values first)
	form   url.Values                 // form or JSON body values only
	body   map[string]json.RawMessage // JSON body fields, when the body was JSON

	tok *token // the caller, once authorize succeeded

	id   string // the object addressed (after "me" was resolved)
	kind string // its kind
	node any    // its value
	edge string // the edge name for /{id}/{edge}
}

// maxBody bounds form and JSON bodies the server reads.
const maxBody = 32 << 20

// parseParams merges query, form and JSON body parameters.
func (c *call) parseParams() *graphError {
	c.params = url.Values{}
	c.form = url.Values{}
	r := c.r
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/x-www-form-urlencoded":
			b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
			if err != nil {
				return errParam("Could not read the request body")
			}
			v, err := url.ParseQuery(string(b))
			if err != nil {
				return errParam("Could not parse the request body")
			}
			c.form = v
		case "multipart/form-data":
			if err := r.ParseMultipartForm(maxBody); err != nil {
				return errParam("Could not parse the request body")
			}
			for k, vs := range r.MultipartForm.Value {
				c.form[k] = append(c.form[k], vs...)
			}
		case "application/json":
			b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
			if err != nil {
				return errParam("Could not read the request body")
			}
			if len(bytes.TrimSpace(b)) > 0 {
				if err := json.Unmarshal(b, &c.body); err != nil {
					return errParam("Request body is not a valid JSON object")
				}
			}
			for k, raw := range c.body {
				var s string
				if json.Unmarshal(raw, &s) == nil {
					c.form.Set(k, s)
				} else {
					c.form.Set(k, string(raw))
				}
			}
		}
	}
	for k, vs := range c.form {
		c.params[k] = append(c.params[k], vs...)
	}
	for k, vs := range r.URL.Query() {
		c.params[k] = append(c.params[k], vs...)
	}
	return nil
}

// param returns the first value of a parameter, "" when absent.
func (c *call) param(name string) string { return c.params.Get(name) }

// hasParam tells whether a parameter was sent at all.
func (c *call) hasParam(name string) bool { _, ok := c.params[name]; return ok }

// boolParam reads a parameter as a boolean; ok is false when it is absent
// or not a boolean.
func (c *call) boolParam(name string) (v, ok bool) {
	if !c.hasParam(name) {
		return false, false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(c.param(name)))
	return b, err == nil
}

// intParam reads a parameter as an integer, def when absent or invalid.
func (c *call) intParam(name string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(c.param(name)))
	if err != nil {
		return def
	}
	return n
}

// decodeParam decodes a structured parameter into v: the JSON value of a
// JSON body field, or a form or query value holding JSON text (as Meta
// accepts recipient={"id":"..."} in forms). It reports false when absent.
func (c *call) decodeParam(name string, v any) (bool, error) {
	if raw, ok := c.body[name]; ok {
		return true, json.Unmarshal(raw, v)
	}
	if !c.hasParam(name) {
		return false, nil
	}
	return true, json.Unmarshal([]byte(c.param(name)), v)
}

// pathValue returns a wildcard of the pattern a graph or raw route matched.
func (c *call) pathValue(name string) string {
	if c.routed == nil {
		return ""
	}
	return c.routed.PathValue(name)
}

// writeJSON answers v as JSON, escaped the way Meta escapes ("\/" and
// \uXXXX for non-ASCII text).
func (c *call) writeJSON(status int, v any) {
	b, err := metaJSON(v)
	if err != nil {
		b, status = []byte(`{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`), http.StatusInternalServerError
	}
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}

// success answers {"success":true}.
func (c *call) success() { c.writeJSON(http.StatusOK, map[string]bool{"success": true}) }

// fail answers a Graph error envelope. Token errors carry a
// WWW-Authenticate header, as Meta's do.
func (c *call) fail(e *graphError) {
	cp := *e
	cp.TraceID = c.trace
	if cp.status == 0 {
		cp.status = http.StatusBadRequest
	}
	if cp.Code == 190 || cp.Code == 104 {
		c.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth "Facebook Platform" "invalid_token" %q`, cp.Message))
	} else if cp.status == http.StatusBadRequest {
		c.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth "Facebook Platform" "invalid_request" %q`, cp.Message))
	}
	c.writeJSON(cp.status, map[string]*graphError{"error": &cp})
}

// metaJSON encodes v, then escapes "/" and non-ASCII characters as Meta's
// servers do. Both only occur inside JSON strings, so a byte scan is safe.
func metaJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		ch := b[i]
		switch {
		case ch == '/':
			out = append(out, '\\', '/')
			i++
		case ch < utf8.RuneSelf:
			out = append(out, ch)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r >= 0x10000 {
				r1, r2 := utf16.EncodeRune(r)
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
			i += size
		}
	}
	return out, nil
}
