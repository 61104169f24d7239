package instagram

import (
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// maxExcerpt is the length of an error body's excerpt, in bytes.
const maxExcerpt = 200

// excerpt returns at most maxExcerpt bytes of valid UTF-8 text from b, with
// markup tags and credentials removed. The secrets (in every form of
// secretForms) and credential parameters are removed from the whole body
// first, so a cut can never leave part of one; a trailing fragment that is
// the start of a secret is dropped as well.
func excerpt(b []byte, forms []string) string {
	s := scrubSecrets(string(b), forms)
	s = redact(s)
	s = tagRE.ReplaceAllString(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	s = redact(s)
	if len(s) > maxExcerpt {
		s = s[:maxExcerpt]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s = dropSecretPrefix(redact(s), forms) + "..."
	}
	return strings.ToValidUTF8(s, "")
}

// dropSecretPrefix removes a trailing fragment of s that is the beginning of
// one of the secrets of 8 bytes or more.
func dropSecretPrefix(s string, forms []string) string {
	for _, f := range forms {
		if len(f) < 8 {
			continue
		}
		for k := min(len(f)-1, len(s)); k >= 1; k-- {
			if strings.HasSuffix(s, f[:k]) {
				s = s[:len(s)-k]
				break
			}
		}
	}
	return s
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// secretParamRE matches query or form parameters that carry credentials.
// The distinctive names match wherever they appear, even glued to other
// text ("xaccess_token=..."); the short name "code" only as a whole word.
var secretParamRE = regexp.MustCompile(`(?i)(access_token|client_secret|appsecret_proof|\bcode|fb_exchange_token|input_token|refresh_token|verify_token)=([^&\s"'<>]+)`)

// secretFieldRE matches the distinctive credential names written as a
// JSON field, a quoted attribute or with spaces around the separator:
// {"access_token":"X"}, access_token="X", access_token: X.
var secretFieldRE = regexp.MustCompile(`(?i)(access_token|client_secret|appsecret_proof|fb_exchange_token|input_token|refresh_token|verify_token)(\\?["']?\s*[:=]\s*\\?["']?)([^&\s"'<>,;}\\]+)`)

// bearerRE matches credentials in Authorization-style text.
var bearerRE = regexp.MustCompile(`(?i)\b(bearer|oauth)\s+[A-Za-z0-9._\-|%]{8,}`)

// redact removes credentials from text meant for errors and logs.
func redact(s string) string {
	if !strings.ContainsAny(s, "=:") && !strings.Contains(strings.ToLower(s), "bearer") && !strings.Contains(strings.ToLower(s), "oauth ") {
		return s
	}
	s = secretParamRE.ReplaceAllString(s, "${1}=REDACTED")
	s = secretFieldRE.ReplaceAllString(s, "${1}${2}REDACTED")
	return bearerRE.ReplaceAllString(s, "${1} REDACTED")
}

// redactPath renders a request URL for errors: scheme, host and path only.
func redactPath(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// secretKey reports whether a parameter name carries a credential.
func secretKey(k string) bool {
	switch strings.ToLower(k) {
	case "access_token", "client_secret", "appsecret_proof", "code", "fb_exchange_token",
		"input_token", "refresh_token", "verify_token", "hub.verify_token":
		return true
	}
	return false
}

// scrubSecrets replaces every literal secret (at least 4 bytes long, so
// that short values cannot mangle text) in s. The secrets are taken as
// given; callers that hold raw credentials pass them through secretForms.
func scrubSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}

// secretForms returns the shapes in which a server may echo the secrets:
// each as is, JSON-escaped, HTML-escaped, URL-encoded (query and path
// style) and, for an app token APPID|SECRET, its secret half. Values under
// 4 bytes are left out; the result is ordered longest first so that a
// longer form is replaced before a shorter one inside it.
func secretForms(secrets []string) []string {
	seen := make(map[string]bool, len(secrets)*4)
	var out []string
	add := func(v string) {
		if len(v) >= 4 && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	var expand func(sec string, depth int)
	expand = func(sec string, depth int) {
		if len(sec) < 4 {
			return
		}
		add(sec)
		if b, err := json.Marshal(sec); err == nil {
			add(string(b[1 : len(b)-1]))
		}
		add(html.EscapeString(sec))
		add(url.QueryEscape(sec))
		add(url.PathEscape(sec))
		if _, half, ok := strings.Cut(sec, "|"); ok && depth == 0 && len(half) >= 8 {
			expand(half, 1)
		}
	}
	for _, sec := range secrets {
		expand(sec, 0)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// scrubForms removes the given secret forms and credential parameters from
// every text field of e.
func (e *Error) scrubForms(forms []string) {
	clean := func(s string) string { return redact(scrubSecrets(s, forms)) }
	e.Message = clean(e.Message)
	e.Type = clean(e.Type)
	e.UserTitle = clean(e.UserTitle)
	e.UserMessage = clean(e.UserMessage)
	e.Body = clean(e.Body)
	e.TraceID = clean(e.TraceID)
}

// scrubError returns err with every error of its chain free of credentials:
// the literal secrets (in every form of secretForms) and credential
// parameters are removed from the text of each error reachable with
// errors.Unwrap, a url.Error's URL keeps only scheme, host and path, and an
// *oauth2.RetrieveError stays reachable with errors.As with its body and
// fields scrubbed. An error whose text is clean all the way down is
// returned as is. Every place that wraps an error of the transport, a token
// source or a store in an SDK error calls it.
func scrubError(err error, secrets ...string) error {
	out, _ := scrubChain(err, secretForms(secrets))
	return out
}

// scrubChain rebuilds err's chain with scrubbed copies; changed reports
// whether anything had to be replaced.
func scrubChain(err error, forms []string) (out error, changed bool) {
	if err == nil {
		return nil, false
	}
	clean := func(s string) string { return redact(scrubSecrets(s, forms)) }
	switch e := err.(type) {
	case *url.Error:
		u := "request"
		if p, perr := url.Parse(e.URL); perr == nil {
			u = redactPath(p)
		}
		inner, _ := scrubChain(e.Err, forms)
		return &url.Error{Op: e.Op, URL: clean(u), Err: inner}, true
	case *oauth2.RetrieveError:
		c := *e
		c.Body = []byte(clean(string(e.Body)))
		c.ErrorCode = clean(e.ErrorCode)
		c.ErrorDescription = clean(e.ErrorDescription)
		c.ErrorURI = clean(e.ErrorURI)
		if e.Response != nil {
			r := *e.Response
			r.Request, r.Body, r.Header, r.TLS = nil, http.NoBody, nil, nil
			c.Response = &r
		}
		return &c, true
	case *Error:
		c := *e
		c.scrubForms(forms)
		return &c, true
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		scrubbed := make([]error, len(errs))
		changedAny := false
		for i, x := range errs {
			var ch bool
			scrubbed[i], ch = scrubChain(x, forms)
			changedAny = changedAny || ch
		}
		msg := err.Error()
		safe := clean(msg)
		if !changedAny && safe == msg {
			return err, false
		}
		return &scrubbedJoin{msg: safe, errs: scrubbed, orig: err}, true
	}
	inner := errors.Unwrap(err)
	scrubbed, ch := scrubChain(inner, forms)
	msg := err.Error()
	safe := clean(msg)
	if !ch && safe == msg {
		return err, false
	}
	return &scrubbedError{msg: safe, err: scrubbed, orig: err}, true
}

// scrubbedError stands for an error whose text carried a credential: it
// has the scrubbed text, unwraps to the scrubbed rest of the chain and
// matches with errors.Is what the original matched.
type scrubbedError struct {
	msg  string
	err  error
	orig error
}

func (e *scrubbedError) Error() string { return e.msg }

func (e *scrubbedError) Unwrap() error { return e.err }

func (e *scrubbedError) Is(target error) bool { return sameError(e.orig, target) }

// scrubbedJoin is scrubbedError for an error that wraps several.
type scrubbedJoin struct {
	msg  string
	errs []error
	orig error
}

func (e *scrubbedJoin) Error() string { return e.msg }

func (e *scrubbedJoin) Unwrap() []error { return e.errs }

func (e *scrubbedJoin) Is(target error) bool { return sameError(e.orig, target) }

// sameError reports whether orig is target or says it is (its own Is
// method), without unwrapping orig.
func sameError(orig, target error) bool {
	if x, ok := orig.(interface{ Is(error) bool }); ok && x.Is(target) {
		return true
	}
	t := reflect.TypeOf(orig)
	return t != nil && t.Comparable() && reflect.TypeOf(target) == t && orig == target
}
