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

// FuzzUsageScanners: whenever the fast scanners accept a header value,
// encoding/json reads the same figures from it.
func FuzzUsageScanners(f *testing.F) {
	f.Add(`{"call_count":28,"total_time":25,"total_cputime":25}`)
	f.Add(`{"1":[{"type":"instagram","call_count":"100","total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19,"ads_api_access_tier":"standard_access"}],"2":[]}`)
	f.Add(` { "call_count" : -3 , "x" : "y" } `)
	f.Add(`{"CALL_COUNT":5}`)
	f.Fuzz(func(t *testing.T, v string) {
		if got, ok := scanAppUsage(v); ok {
			var w wireUsage
			if err := json.Unmarshal([]byte(v), &w); err != nil {
				t.Fatalf("scanner accepted %q, encoding/json refused it: %v", v, err)
			}
			want := AppUsage{CallCount: int(w.CallCount), TotalTime: int(w.TotalTime), TotalCPUTime: int(w.TotalCPUTime)}
			if *got != want {
				t.Fatalf("%q: scanner %+v, encoding/json %+v", v, *got, want)
			}
		}
		if got, ok := scanBusinessUsage(v); ok {
			var w map[string][]wireBUC
			if err := json.Unmarshal([]byte(v), &w); err != nil {
				t.Fatalf("scanner accepted %q, encoding/json refused it: %v", v, err)
			}
			if len(got) != len(w) {
				t.Fatalf("%q: %d ids, encoding/json %d", v, len(got), len(w))
			}
			for id, entries := range w {
				if len(got[id]) != len(entries) {
					t.Fatalf("%q: id %s has %d entries, encoding/json %d", v, id, len(got[id]), len(entries))
				}
				for i, e := range entries {
					want := BusinessUseCaseUsage{Type: e.Type, CallCount: int(e.CallCount), TotalTime: int(e.TotalTime),
						TotalCPUTime: int(e.TotalCPUTime), EstimatedTimeToRegainAccess: int(e.EstimatedTimeToRegainAccess), AdsAPIAccessTier: e.AdsAPIAccessTier}
					if got[id][i] != want {
						t.Fatalf("%q: %+v, encoding/json %+v", v, got[id][i], want)
					}
				}
			}
		}
	})
}
