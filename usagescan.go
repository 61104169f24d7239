package instagram

import "strings"

// Every answer carries usage headers, so reading them is on the hot path of
// every call. These scanners read the usual shapes, flat objects of plain
// integers and strings, without reflection and without copying; anything
// else (escapes, floats, nested values, odd key case) makes them give up, and
// ParseUsage falls back to encoding/json, which decides what is valid.

type usageScanner struct {
	s string
	i int
}

func (p *usageScanner) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// eat consumes c after optional white space.
func (p *usageScanner) eat(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// peek reports whether c comes next after optional white space.
func (p *usageScanner) peek(c byte) bool {
	p.ws()
	return p.i < len(p.s) && p.s[p.i] == c
}

// str reads a JSON string of plain ASCII without escapes.
func (p *usageScanner) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			v := p.s[start:p.i]
			p.i++
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false // escapes, control bytes, non-ASCII: encoding/json
		}
		p.i++
	}
	return "", false
}

// integer reads a JSON integer, or a string holding one.
func (p *usageScanner) integer() (int, bool) {
	p.ws()
	quoted := p.i < len(p.s) && p.s[p.i] == '"'
	if quoted {
		p.i++
	}
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	digits := strings.TrimPrefix(p.s[start:p.i], "-")
	if !quoted && len(digits) > 1 && digits[0] == '0' {
		return 0, false // JSON has no leading zeros
	}
	n, ok := parseInt([]byte(p.s[start:p.i]))
	if !ok {
		return 0, false
	}
	if quoted && !p.eat('"') {
		return 0, false
	}
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case '.', 'e', 'E':
			return 0, false // a float: leave it to encoding/json
		}
	}
	return int(n), true
}

// usageKeys are the fields the scanners know; any other key spelled like
// one of them in another case makes them give up.
var usageKeys = []string{"call_count", "total_time", "total_cputime", "type",
	"estimated_time_to_regain_access", "ads_api_access_tier"}

// flatObject reads {"key": value, ...}, calling field for every key; field
// reads the value and reports success.
func (p *usageScanner) flatObject(field func(key string) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	for {
		k, ok := p.str()
		if !ok || !p.eat(':') || !field(k) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

// scalar skips a string or an integer value of an unknown key.
func (p *usageScanner) scalar(key string) bool {
	for _, known := range usageKeys {
		if strings.EqualFold(key, known) {
			return false
		}
	}
	if p.peek('"') {
		_, ok := p.str()
		return ok
	}
	_, ok := p.integer()
	return ok
}

func (p *usageScanner) done() bool {
	p.ws()
	return p.i == len(p.s)
}

// scanAppUsage reads an X-App-Usage (or X-Page-Usage) value.
func scanAppUsage(v string) (*AppUsage, bool) {
	p := usageScanner{s: v}
	u := new(AppUsage)
	ok := p.flatObject(func(k string) (ok bool) {
		switch k {
		case "call_count":
			u.CallCount, ok = p.integer()
		case "total_time":
			u.TotalTime, ok = p.integer()
		case "total_cputime":
			u.TotalCPUTime, ok = p.integer()
		default:
			ok = p.scalar(k)
		}
		return ok
	})
	return u, ok && p.done()
}

// scanBusinessUsage reads an X-Business-Use-Case-Usage value.
func scanBusinessUsage(v string) (map[string][]BusinessUseCaseUsage, bool) {
	p := usageScanner{s: v}
	out := map[string][]BusinessUseCaseUsage{}
	ok := p.flatObject(func(id string) bool {
		if !p.eat('[') {
			return false
		}
		var entries []BusinessUseCaseUsage
		if !p.eat(']') {
			for {
				var e BusinessUseCaseUsage
				ok := p.flatObject(func(k string) (ok bool) {
					switch k {
					case "type":
						e.Type, ok = p.str()
					case "ads_api_access_tier":
						e.AdsAPIAccessTier, ok = p.str()
					case "call_count":
						e.CallCount, ok = p.integer()
					case "total_time":
						e.TotalTime, ok = p.integer()
					case "total_cputime":
						e.TotalCPUTime, ok = p.integer()
					case "estimated_time_to_regain_access":
						e.EstimatedTimeToRegainAccess, ok = p.integer()
					default:
						ok = p.scalar(k)
					}
					return ok
				})
				if !ok {
					return false
				}
				entries = append(entries, e)
				if p.eat(',') {
					continue
				}
				if !p.eat(']') {
					return false
				}
				break
			}
		}
		if entries == nil {
			entries = []BusinessUseCaseUsage{}
		}
		out[id] = entries
		return true
	})
	return out, ok && p.done()
}
