package instagram

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
)

// The options types shared by the services' read methods. Their query
// encoding is encodeValues in client.go.

// GetOptions chooses the fields of a single object. With no fields, the
// SDK asks for a useful default set.
type GetOptions struct {
	Fields []string `url:"fields,comma,omitempty"`
}

// ListOptions selects a page of an edge.
type ListOptions struct {
	// Fields chooses the fields of each item; empty means a default set.
	Fields []string `url:"fields,comma,omitempty"`
	// Limit is the page size (Meta's default when 0).
	Limit int `url:"limit,omitempty"`
	// After and Before are cursors from a previous page.
	After  string `url:"after,omitempty"`
	Before string `url:"before,omitempty"`
}

// TimeRangeOptions selects a page of an edge that also takes a time range.
type TimeRangeOptions struct {
	ListOptions
	// Since and Until bound the items' timestamps (sent as unix seconds).
	Since Time `url:"since,omitempty"`
	Until Time `url:"until,omitempty"`
}

// encodeValues turns an options struct with `url:` tags, url.Values or nil
// into url.Values. A negative limit is refused.
func encodeValues(v any) (url.Values, error) {
	var out url.Values
	switch t := v.(type) {
	case nil:
		return url.Values{}, nil
	case url.Values:
		out = make(url.Values, len(t))
		for k, vs := range t {
			out[k] = append([]string(nil), vs...)
		}
	case *GetOptions:
		// Exact types only: a type embedding one of these has fields of
		// its own that only go-querystring sees.
		out = url.Values{}
		if t != nil {
			t.encodeQuery(out)
		}
	case *ListOptions:
		out = url.Values{}
		if t != nil {
			t.encodeQuery(out)
		}
	default:
		if isNilInterface(v) {
			return url.Values{}, nil
		}
		vals, err := query.Values(v)
		if err != nil {
			return nil, fmt.Errorf("instagram: encoding options: %w", err)
		}
		out = vals
	}
	if l := out.Get("limit"); l != "" {
		if n, err := strconv.Atoi(l); err != nil || n < 0 {
			return nil, &ValidationError{Field: "limit", Rule: "must be a non-negative number"}
		}
	}
	return out, nil
}

// GetOptions and ListOptions, the option types nearly every call takes,
// write their own query without reflection. A test checks that each
// writes exactly what go-querystring would.

func (o *GetOptions) encodeQuery(v url.Values) {
	if len(o.Fields) > 0 {
		v.Set("fields", strings.Join(o.Fields, ","))
	}
}

func (o *ListOptions) encodeQuery(v url.Values) {
	if len(o.Fields) > 0 {
		v.Set("fields", strings.Join(o.Fields, ","))
	}
	if o.Limit != 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.After != "" {
		v.Set("after", o.After)
	}
	if o.Before != "" {
		v.Set("before", o.Before)
	}
}
