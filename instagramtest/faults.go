package instagramtest

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

type faultKind int

const (
	faultNone faultKind = iota
	fault500
	fault502
	faultDelay
	faultDrop
	faultApplyThenDrop
)

// FaultKind is what an injected fault does to a matching request.
type FaultKind struct {
	kind  faultKind
	delay time.Duration
}

// String names the fault kind.
func (k FaultKind) String() string {
	switch k.kind {
	case fault500:
		return "status 500"
	case fault502:
		return "bodiless 502"
	case faultDelay:
		return fmt.Sprintf("delay %v", k.delay)
	case faultDrop:
		return "drop"
	case faultApplyThenDrop:
		return "apply then drop"
	}
	return "none"
}

var (
	// FaultStatus500 answers HTTP 500 with Meta's transient error
	// (code 2, is_transient true) without running the handler.
	FaultStatus500 = FaultKind{kind: fault500}
	// FaultBodiless502 answers HTTP 502 with an empty body, as a proxy in
	// front of the API does, without running the handler.
	FaultBodiless502 = FaultKind{kind: fault502}
	// FaultDrop closes the connection without answering and without
	// running the handler.
	FaultDrop = FaultKind{kind: faultDrop}
	// FaultApplyThenDrop runs the handler, so a write takes effect, then
	// closes the connection without sending the answer.
	FaultApplyThenDrop = FaultKind{kind: faultApplyThenDrop}
)

// FaultDelay holds a matching request for d before it is handled. A request
// whose client gives up during the delay is not handled. Several delays
// that match add up; they combine with one other fault kind.
func FaultDelay(d time.Duration) FaultKind { return FaultKind{kind: faultDelay, delay: d} }

// Fault injects failures into matching requests.
//
// Go's http.Transport resends an idempotent request (GET, HEAD) that fails
// on a reused connection before any answer arrived, so a dropped GET may be
// attempted a second time before a client sees an error; count on Times
// accordingly, or drop POSTs.
type Fault struct {
	// Method matches the HTTP method; "" matches all.
	Method string
	// Path is a path.Match glob matched against the request path without
	// its version, e.g. "/*/media_publish" or "/me"; "" matches all.
	Path string
	// Regexp, when set, is matched against the same path instead of Path.
	Regexp *regexp.Regexp
	// Kind is what happens to a faulted request.
	Kind FaultKind
	// Probability faults each matching request with this chance, drawn
	// from a generator seeded by WithSeed; 0 (or >= 1) faults every one.
	Probability float64
	// Times limits how many requests are faulted; 0 means no limit.
	Times int
}

type faultState struct {
	Fault
	fired int
}

// InjectFault adds a fault. Faults are tried in the order injected; every
// matching delay applies, and the first other kind that fires ends the
// request (or, for FaultApplyThenDrop, its answer).
func (s *Server) InjectFault(f Fault) {
	if f.Kind.kind == faultNone {
		panic("instagramtest: Fault without a Kind")
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.faults = nil
}

type faultAction struct {
	delays []time.Duration
	kind   faultKind
}

func (f *faultState) matches(method, p string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Regexp != nil {
		return f.Regexp.MatchString(p)
	}
	if f.Path == "" {
		return true
	}
	ok, _ := path.Match(f.Path, p)
	return ok
}

// pickFault decides what the injected faults do to a request.
func (s *Server) pickFault(method, p string) faultAction {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.stats.Requests++
	var a faultAction
	for _, f := range s.faults {
		if f.Times > 0 && f.fired >= f.Times {
			continue
		}
		if (f.Kind.kind != faultDelay && a.kind != faultNone) || !f.matches(method, p) {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && s.faultRand.Float64() >= f.Probability {
			continue
		}
		f.fired++
		if f.Kind.kind == faultDelay {
			a.delays = append(a.delays, f.Kind.delay)
		} else {
			a.kind = f.Kind.kind
			s.stats.Faulted++
		}
	}
	return a
}

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
