package instagram

import (
	"net/url"
	"strings"
)

// maxIDLength bounds an id or name used as a path segment. Graph ids are
// under 40 digits; names such as "me" are shorter still.
const maxIDLength = 256

// checkID reports a clear ErrValidation error, before any call is made, for
// an id that is not a plausible Graph id or name for a path segment: empty,
// a dot segment ("." or "..", also percent-encoded as "%2e"), too long, or
// carrying bytes that would change the path or query (/, \, ?, #, %,
// spaces and control characters). what names the id in the error.
func checkID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return &ValidationError{Field: what, Rule: "must not be empty"}
	}
	if isDotSegment(id) {
		return &ValidationError{Field: what, Rule: "must not be a dot segment"}
	}
	if len(id) > maxIDLength {
		return &ValidationError{Field: what, Rule: "is too long for an id"}
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case b <= ' ' || b == 0x7f:
			return &ValidationError{Field: what, Rule: "must not contain spaces or control characters"}
		case b == '/' || b == '\\' || b == '?' || b == '#' || b == '%':
			return &ValidationError{Field: what, Rule: "must not contain " + string(b)}
		}
	}
	return nil
}

// isDotSegment reports whether s is "." or "..", directly or once or more
// percent-decoded ("%2e", "%2E.", "%252e").
func isDotSegment(s string) bool {
	for range 4 {
		if s == "." || s == ".." {
			return true
		}
		u, err := url.PathUnescape(s)
		if err != nil || u == s {
			return false
		}
		s = u
	}
	return false
}

// checkPathSegments rejects a request path under the versioned root that
// holds a dot segment, whatever built it: the last guard against an id
// that reaches another endpoint.
func checkPathSegments(path string) error {
	for seg := range strings.SplitSeq(path, "/") {
		if isDotSegment(seg) {
			return &ValidationError{Field: "path", Rule: "must not contain a dot segment"}
		}
	}
	return nil
}
