package instagram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is Meta's timestamp format, with a "+0000" style offset.
const TimeLayout = "2006-01-02T15:04:05-0700"

// Time is a timestamp from the API. It decodes Meta's format
// ("2024-05-01T12:00:00+0000"), RFC 3339, and unix seconds given as a
// number or a string; it encodes in Meta's format.
type Time struct {
	time.Time
}

// ParseTime parses a timestamp in any format the API uses.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Time{}, nil
	}
	for _, layout := range []string{TimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Time{t}, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return unixTime(n), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e15 {
		sec := int64(f)
		return Time{time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()}, nil
	}
	return Time{}, fmt.Errorf("instagram: unrecognised timestamp %q", s)
}

// unixTime reads seconds, or milliseconds when the number is too large to
// be seconds (webhook timestamps are in milliseconds).
func unixTime(n int64) Time {
	if n > 1e12 || n < -1e12 {
		return Time{time.UnixMilli(n).UTC()}
	}
	return Time{time.Unix(n, 0).UTC()}
}

// UnmarshalJSON accepts a string in any supported format, a number of unix
// seconds (or milliseconds) and null.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*t = Time{}
		return nil
	}
	if b[0] == '"' {
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
			// Fast path: no escapes, so Meta's layout parses the bytes as is.
			if pt, err := time.Parse(TimeLayout, string(b[1:len(b)-1])); err == nil {
				*t = Time{pt}
				return nil
			}
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p, err := ParseTime(s)
		if err != nil {
			return err
		}
		*t = p
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f < -1e15 || f > 1e15 {
			return fmt.Errorf("instagram: unrecognised timestamp %s", b)
		}
		n = int64(f)
	}
	*t = unixTime(n)
	return nil
}

// MarshalJSON encodes in Meta's format, in UTC; the zero Time is null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(TimeLayout) + `"`), nil
}

// EncodeValues writes t as unix seconds under key when t is set, so that
// options structs can carry Time fields (since, until) for go-querystring.
func (t Time) EncodeValues(key string, v *url.Values) error {
	if !t.IsZero() {
		v.Set(key, strconv.FormatInt(t.Unix(), 10))
	}
	return nil
}

// ID is an identifier that the API sends as a string or, in some answers,
// as a JSON number (which may exceed 2^53). The digits are kept exactly.
type ID string

// String returns the id.
func (id ID) String() string { return string(id) }

// UnmarshalJSON accepts a string, a number (kept digit for digit) or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("instagram: cannot decode %s as an id", b)
		}
		*id = ID(n.String())
	}
	return nil
}
