package instagram

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzOAuthAnswer: token answers in any shape decode or fail cleanly; user
// ids keep their digits and permissions never contain separators.
func FuzzOAuthAnswer(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"IGQVJ","user_id":27640875392278831,"permissions":["instagram_business_basic"]}`,
		`{"data":[{"access_token":"EAAC","user_id":"1020","permissions":"instagram_business_basic,instagram_business_manage_messages"}]}`,
		`{"access_token":"x","token_type":"bearer","expires_in":5183944}`,
		`{"access_token":"x","expires_in":"5183944","user_id":null,"permissions":null}`,
		`{"data":{"access_token":"y"}}`,
		`{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a tokenAnswer
		if err := json.Unmarshal(b, &a); err != nil {
			return
		}
		for _, p := range a.Permissions {
			if p == "" || strings.ContainsAny(p, ", ") {
				t.Fatalf("permission %q", p)
			}
		}
		tok := a.token(time.Unix(1700000000, 0), time.Hour)
		if tok == nil {
			t.Fatal("nil token")
		}
		if strings.Contains(tok.String(), a.AccessToken) && len(a.AccessToken) > 8 {
			t.Fatalf("String() shows the token")
		}
	})
}

// FuzzFlatAppUsage: whenever the plain reader of app usage headers accepts
// a header, encoding/json reads the same figures from it.
func FuzzFlatAppUsage(f *testing.F) {
	for _, s := range []string{`{"call_count":28,"total_time":25,"total_cputime":25}`, `{"call_volume":3,"cpu_time":1}`,
		`{"call_count":1,"call_count":2}`, `{"x":1}`, `{}`, `{"call_count":-1}`, `{"call_count":"7"}`, `{"a\"b":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := flatAppUsage(v)
		if !ok {
			return
		}
		var w wireAppUsage
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			t.Fatalf("plain reader accepted %q, encoding/json refuses it: %v", v, err)
		}
		want := AppUsage{CallCount: int(w.CallCount), TotalTime: int(w.TotalTime), TotalCPUTime: int(w.TotalCPUTime),
			CallVolume: int(w.CallVolume), CPUTime: int(w.CPUTime)}
		if *got != want {
			t.Fatalf("%q: plain reader %+v, encoding/json %+v", v, *got, want)
		}
	})
}
