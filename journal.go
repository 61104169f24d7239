package instagram

import (
	"context"
	"encoding/json"
	"errors"
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

// ErrLeaseLost is returned by PublishJournal.Put when the holder's lease
// on the key lapsed and another holder took it.
var ErrLeaseLost = errors.New("instagram: publish journal lease lost")

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
