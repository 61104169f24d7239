package instagramtest

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// RecordedRequest is a request as the server received it, with secrets
// replaced by "REDACTED".
type RecordedRequest struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path without the version prefix, e.g. "/me/media".
	Path string
	// Version is the API version of the path ("v25.0"), "" when unversioned.
	Version string
	// Query is the URL query.
	Query url.Values
	// Form is the parameters of a form or JSON body.
	Form url.Values
	// Header is the request header.
	Header http.Header
	// Time is the server time of arrival.
	Time time.Time
	// Status is the HTTP status answered; 0 when no answer was sent
	// (dropped connection, client gone).
	Status int
}

// secretParams are masked in the request log.
var secretParams = []string{
	"access_token", "appsecret_proof", "client_secret", "code",
	"fb_exchange_token", "input_token", "refresh_token", "verify_token",
	"hub.verify_token",
}

// secretHeaders are masked in the request log.
var secretHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

const redacted = "REDACTED"

func maskValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		cp := append([]string(nil), vs...)
		for _, secret := range secretParams {
			if strings.EqualFold(k, secret) {
				for i := range cp {
					cp[i] = redacted
				}
			}
		}
		out[k] = cp
	}
	return out
}

func (s *Server) record(c *call) *RecordedRequest {
	h := c.r.Header.Clone()
	for _, name := range secretHeaders {
		key := http.CanonicalHeaderKey(name)
		for i := range h[key] {
			h[key][i] = redacted
		}
	}
	rec := &RecordedRequest{
		Method: c.method, Path: c.path, Version: c.version,
		Query: maskValues(c.r.URL.Query()), Form: maskValues(c.form),
		Header: h, Time: s.now(),
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.log = append(s.log, rec)
	return rec
}

func (s *Server) finishRecord(rec *RecordedRequest, status int) {
	s.meta.Lock()
	defer s.meta.Unlock()
	rec.Status = status
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []RecordedRequest {
	s.meta.Lock()
	defer s.meta.Unlock()
	out := make([]RecordedRequest, len(s.log))
	for i, r := range s.log {
		out[i] = *r
		out[i].Query = cloneValues(r.Query)
		out[i].Form = cloneValues(r.Form)
		out[i].Header = r.Header.Clone()
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.log = nil
}

// RequestCount counts logged requests with the method ("" for any) whose
// path without version matches the path.Match glob ("" for any).
func (s *Server) RequestCount(method, pattern string) int {
	s.meta.Lock()
	defer s.meta.Unlock()
	n := 0
	for _, r := range s.log {
		if method != "" && !strings.EqualFold(method, r.Method) {
			continue
		}
		if pattern != "" {
			if ok, _ := path.Match(pattern, r.Path); !ok {
				continue
			}
		}
		n++
	}
	return n
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
