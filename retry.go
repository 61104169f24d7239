package instagram

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds automatic retries. Only GET requests that failed with a
// transient error (or a network error), and requests of any method that
// failed before reaching the server, are retried; a POST that may have
// reached Meta is never sent twice. Zero fields take their defaults.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included;
	// 0 means 3, 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff; 0 means 500ms. Each later attempt
	// doubles it, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps one backoff and the Retry-After the client is willing
	// to honour; 0 means 30s.
	MaxDelay time.Duration
}

// NoRetries is a RetryPolicy that sends every request once.
var NoRetries = RetryPolicy{MaxAttempts: 1}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 30 * time.Second
	}
	return p
}

// backoff returns the wait after the given failed attempt (1-based):
// exponential growth, capped, with "equal jitter" (half fixed, half random)
// so that concurrent clients spread out without ever waiting zero.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}
