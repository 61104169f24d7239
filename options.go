package instagram

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
