package instagramtest

import "testing"

// FuzzParseFields: the fields= parser never panics, and a list it accepts
// formats to a string that parses back to the same list.
func FuzzParseFields(f *testing.F) {
	for _, s := range []string{"id,caption", "children.limit(3){id,media_type}", "a{b{c{d}}}", "x.limit(5).after(q)", "", ",", "{", "a(", "a.limit(", "id,,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, gerr := parseFields(s)
		if gerr != nil {
			return
		}
		out := formatFields(list)
		again, gerr := parseFields(out)
		if gerr != nil {
			t.Fatalf("parseFields(%q) ok, but its format %q does not parse: %v", s, out, gerr.Message)
		}
		if back := formatFields(again); back != out {
			t.Fatalf("round trip of %q: %q then %q", s, out, back)
		}
	})
}
