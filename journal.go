package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"
)

// PublishState is where one journaled publish stands.
type PublishState string

// The states of a journaled publish, in the order a publish passes them.
const (
	// PublishCreating: the container request is about to be sent; no
	// container id is known yet.
	PublishCreating PublishState = "creating"
	// PublishCreated: the container id is known, media_publish not sent.
	PublishCreated PublishState = "created"
	// PublishPublishing: media_publish is about to be sent (or was sent
	// and its answer is unknown).
	PublishPublishing PublishState = "publishing"
	// PublishDone: the post exists and MediaID names it.
	PublishDone PublishState = "done"
	// PublishFailed: Meta refused the publish for good; Error says why.
	PublishFailed PublishState = "failed"
)

// Final reports whether the state is Done or Failed.
func (s PublishState) Final() bool { return s == PublishDone || s == PublishFailed }

// PublishRecord is the journal entry of one publish, keyed by the caller's
// publish key.
type PublishRecord struct {
	// Key is the caller's publish key.
	Key string `json:"key"`
	// Account is the Instagram user id that publishes.
	Account string `json:"account"`
	// Spec is the container request, to create it again if it never got
	// an id.
	Spec json.RawMessage `json:"spec,omitempty"`
	// ContainerID is the container, once known.
	ContainerID string `json:"container_id,omitempty"`
	// State is where the publish stands.
	State PublishState `json:"state"`
	// MediaID is the post, for PublishDone.
	MediaID string `json:"media_id,omitempty"`
	// Error says why the publish failed, for PublishFailed.
	Error string `json:"error,omitempty"`
	// Updated is the time of the last Put.
	Updated time.Time `json:"updated"`
}

// PublishJournal records publishes so that another worker can finish one
// a dead worker started, and a repeated publish key never posts twice.
// Implementations must be safe for concurrent use by many processes when
// they are shared (see the redisstore module); MemoryPublishJournal serves
// one process.
type PublishJournal interface {
	// Claim takes the lease on key for holder. It returns the stored
	// record (nil when the key is new) and ok=false (nothing taken) while
	// another holder's lease is live. One round trip.
	Claim(ctx context.Context, key, holder string, lease time.Duration) (rec *PublishRecord, ok bool, err error)
	// Put stores rec (by rec.Key) and renews holder's lease; ErrLeaseLost
	// when holder no longer holds it. Done and Failed records are kept for
	// the journal's retention, then dropped. One round trip.
	Put(ctx context.Context, holder string, rec PublishRecord, lease time.Duration) error
	// Release drops holder's lease and keeps the record. One round trip.
	Release(ctx context.Context, key, holder string) error
	// Pending returns up to limit records that are neither Done nor
	// Failed and whose lease lapsed. One round trip.
	Pending(ctx context.Context, limit int) ([]PublishRecord, error)
}

// MemoryPublishJournal is a PublishJournal for one process. The zero
// value is not usable: call NewMemoryPublishJournal.
type MemoryPublishJournal struct {
	// Retention is how long Done and Failed records are kept (default 48h).
	Retention time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu     sync.Mutex
	recs   map[string]PublishRecord
	leases map[string]journalLease
}

type journalLease struct {
	holder string
	until  time.Time
}

// NewMemoryPublishJournal returns an empty in-memory journal.
func NewMemoryPublishJournal() *MemoryPublishJournal {
	return &MemoryPublishJournal{recs: map[string]PublishRecord{}, leases: map[string]journalLease{}}
}

func (j *MemoryPublishJournal) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}

func (j *MemoryPublishJournal) prune(now time.Time) {
	keep := j.Retention
	if keep <= 0 {
		keep = 48 * time.Hour
	}
	for k, r := range j.recs {
		if r.State.Final() && now.Sub(r.Updated) > keep {
			delete(j.recs, k)
		}
	}
}

// Claim takes the lease on key for holder; see PublishJournal.
func (j *MemoryPublishJournal) Claim(ctx context.Context, key, holder string, lease time.Duration) (*PublishRecord, bool, error) {
	if ctx == nil {
		return nil, false, fmt.Errorf("%w: nil context", ErrValidation)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	j.prune(now)
	var out *PublishRecord
	if r, ok := j.recs[key]; ok {
		cp := r
		out = &cp
	}
	if l, ok := j.leases[key]; ok && l.holder != holder && now.Before(l.until) {
		return out, false, nil
	}
	j.leases[key] = journalLease{holder: holder, until: now.Add(lease)}
	return out, true, nil
}

// Put stores rec and renews holder's lease; see PublishJournal.
func (j *MemoryPublishJournal) Put(ctx context.Context, holder string, rec PublishRecord, lease time.Duration) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrValidation)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	if l, ok := j.leases[rec.Key]; !ok || l.holder != holder || !now.Before(l.until) {
		return ErrLeaseLost
	}
	rec.Updated = now
	j.recs[rec.Key] = rec
	j.leases[rec.Key] = journalLease{holder: holder, until: now.Add(lease)}
	return nil
}

// Release drops holder's lease on key; see PublishJournal.
func (j *MemoryPublishJournal) Release(ctx context.Context, key, holder string) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrValidation)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if l, ok := j.leases[key]; ok && l.holder == holder {
		delete(j.leases, key)
	}
	return nil
}

// Pending returns unfinished records without a live lease; see
// PublishJournal.
func (j *MemoryPublishJournal) Pending(ctx context.Context, limit int) ([]PublishRecord, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrValidation)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	var out []PublishRecord
	for k, r := range j.recs {
		if r.State.Final() {
			continue
		}
		if l, ok := j.leases[k]; ok && now.Before(l.until) {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Updated.Before(out[b].Updated) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
