package instagram

import (
	"sync"
	"time"
)

// mediaClaims are the media ids a lost-answer recovery of this Client
// returned, so that two recoveries running together never hand the same
// media to two callers. Entries older than claimTTL are dropped: by then
// no running recovery's look-back window reaches them.
type mediaClaims struct {
	mu  sync.Mutex
	ids map[string]mediaClaim
}

type mediaClaim struct {
	container string
	at        time.Time
}

const claimTTL = time.Hour

// claim takes media id for the publish of container; false when the
// media was taken for another container.
func (c *mediaClaims) claim(id, container string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]mediaClaim{}
	}
	if cl, taken := c.ids[id]; taken {
		return cl.container == container
	}
	for k, cl := range c.ids {
		if now.Sub(cl.at) > claimTTL {
			delete(c.ids, k)
		}
	}
	c.ids[id] = mediaClaim{container: container, at: now}
	return true
}

// maxContainerSends bounds the attempts of one container creation: a
// creation whose answer was lost may still have made a container (Meta
// caps them at 400 per account per 24 hours), so two lost answers end the
// call instead of making a third.
const maxContainerSends = 2
