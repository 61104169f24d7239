package instagram

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// journalSpec is what a PublishRecord's Spec holds: enough to create the
// container again and to recognise its media.
type journalSpec struct {
	Opts    ContainerOptions `json:"opts"`
	FileURL string           `json:"file_url,omitempty"`
	Hint    struct {
		Known       bool             `json:"known,omitempty"`
		Story       bool             `json:"story,omitempty"`
		MediaType   MediaType        `json:"media_type,omitempty"`
		ProductType MediaProductType `json:"product_type,omitempty"`
		Caption     string           `json:"caption,omitempty"`
	} `json:"hint"`
}

func newHolder() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// runJournaled is run for a publish with PublishOptions.Journal and Key.
func (s *MediaService) runJournaled(ctx context.Context, userID string, st *step, hint publishHint, w WaitOptions) (*Media, error) {
	if st.video != nil && st.video.Reader != nil {
		return nil, &ValidationError{Field: "video.Reader", Rule: "a journaled publish takes its video by URL or FileURL, which another worker can send again"}
	}
	j, key := st.journal, st.key
	holder := newHolder()
	rec, ok, err := j.Claim(ctx, key, holder, DefaultPublishLease)
	if err != nil {
		return nil, fmt.Errorf("instagram: publish journal: %w", err)
	}
	if !ok {
		if rec != nil && rec.State == PublishDone {
			return s.readBack(ctx, rec.MediaID)
		}
		return nil, ErrPublishInProgress
	}
	defer j.Release(context.WithoutCancel(ctx), key, holder)
	if rec == nil {
		var spec journalSpec
		spec.Opts = st.opts
		if st.video != nil {
			spec.FileURL = st.video.FileURL
		}
		spec.Hint.Known, spec.Hint.Story, spec.Hint.MediaType = hint.known, hint.story, hint.mediaType
		spec.Hint.ProductType, spec.Hint.Caption = hint.productType, hint.caption
		b, err := json.Marshal(spec)
		if err != nil {
			return nil, err
		}
		rec = &PublishRecord{Key: key, Account: userID, Spec: b, State: PublishCreating}
	}
	return s.drive(ctx, j, holder, *rec, st, hint, w)
}

// drive takes a journaled publish from rec's state to Done or Failed,
// recording each step before it is taken.
func (s *MediaService) drive(ctx context.Context, j PublishJournal, holder string, rec PublishRecord, st *step, hint publishHint, w WaitOptions) (*Media, error) {
	put := func() error {
		if err := j.Put(ctx, holder, rec, DefaultPublishLease); err != nil {
			return fmt.Errorf("instagram: publish journal: %w", err)
		}
		return nil
	}
	fail := func(err error) (*Media, error) {
		rec.State, rec.Error = PublishFailed, err.Error()
		if perr := put(); perr != nil {
			return nil, errors.Join(err, perr)
		}
		return nil, err
	}
	for {
		switch rec.State {
		case PublishDone:
			return s.readBack(ctx, rec.MediaID)
		case PublishFailed:
			return nil, fmt.Errorf("instagram: publish %q failed: %s", rec.Key, rec.Error)
		case PublishCreating, "":
			rec.State, rec.ContainerID = PublishCreating, ""
			if err := put(); err != nil {
				return nil, err
			}
			c, err := s.create(ctx, rec.Account, st)
			if err != nil {
				if definite(err) || refused(err) {
					return fail(err)
				}
				return nil, err // left Creating: resumed later
			}
			rec.State, rec.ContainerID = PublishCreated, c.ID
			if err := put(); err != nil {
				return nil, err
			}
		case PublishCreated:
			if _, err := s.waitFor(ctx, rec.ContainerID, w); err != nil {
				var ce *ContainerError
				switch {
				case errors.As(err, &ce) && ce.StatusCode == ContainerExpired:
					rec.State = PublishCreating // never posted: make a new one
					continue
				case errors.As(err, &ce) && ce.StatusCode == ContainerFailed:
					return fail(err)
				}
				return nil, err
			}
			rec.State = PublishPublishing
			if err := put(); err != nil {
				return nil, err
			}
			m, err := s.publish(ctx, rec.Account, rec.ContainerID, hint, w)
			if m, done, err := s.finish(&rec, m, err, put, fail); done {
				return m, err
			}
		case PublishPublishing:
			// A worker died with media_publish perhaps sent: the container
			// tells whether it was published.
			c, err := s.ContainerStatus(ctx, rec.ContainerID)
			if err != nil {
				return nil, err
			}
			var m *Media
			switch c.StatusCode {
			case ContainerPublished:
				id, ferr := s.findPublished(ctx, rec.Account, rec.ContainerID, hint, rec.Updated, w)
				if ferr != nil {
					return nil, &UnconfirmedPublishError{ContainerID: rec.ContainerID, Published: true, Err: ferr}
				}
				m, err = s.readBack(ctx, id)
			case ContainerExpired:
				rec.State = PublishCreating
				continue
			case ContainerFailed:
				return fail(&ContainerError{ContainerID: rec.ContainerID, StatusCode: c.StatusCode, Status: c.Status})
			default:
				m, err = s.publish(ctx, rec.Account, rec.ContainerID, hint, w)
			}
			if m, done, err := s.finish(&rec, m, err, put, fail); done {
				return m, err
			}
		default:
			return nil, fmt.Errorf("instagram: publish journal: unknown state %q", rec.State)
		}
	}
}

// finish records the outcome of a media_publish.
func (s *MediaService) finish(rec *PublishRecord, m *Media, err error, put func() error, fail func(error) (*Media, error)) (*Media, bool, error) {
	var rb *ReadBackError
	if err == nil || errors.As(err, &rb) {
		rec.State, rec.MediaID = PublishDone, m.ID
		if perr := put(); perr != nil {
			return m, true, perr
		}
		return m, true, err
	}
	if errors.Is(err, ErrPublishUnconfirmed) || !(definite(err) || refused(err)) {
		return nil, true, err // left Publishing: resumed later
	}
	m, err = fail(err)
	return m, true, err
}

// ResumeOptions tune ResumePublishes.
type ResumeOptions struct {
	// Limit is how many pending records one call takes (default 50).
	Limit int
	// Wait bounds the polling of each container.
	Wait WaitOptions
}

// ResumePublishes finishes the journaled publishes that a worker left
// unfinished (it died, or its call failed for a temporary reason) once
// their lease lapsed: a record still Creating gets its container (again),
// one Created is published, one Publishing is published only when its
// container is not PUBLISHED already, and then its media is looked up. Each
// post appears once. It returns the records it took, in their final
// state for those it finished, and the errors of the others joined.
//
// Meta API: POST /{ig-user-id}/media
// Meta API: GET /{ig-container-id}
// Meta API: POST /{ig-user-id}/media_publish
// Meta API: GET /{ig-user-id}/media
// Meta API: GET /{ig-user-id}/stories
// Meta API: GET /{ig-media-id}
func (s *MediaService) ResumePublishes(ctx context.Context, j PublishJournal, opts *ResumeOptions) ([]PublishRecord, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrValidation)
	}
	if j == nil {
		return nil, &ValidationError{Field: "journal", Rule: "must not be nil"}
	}
	var o ResumeOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit <= 0 {
		o.Limit = 50
	}
	w := o.Wait.withDefaults()
	pending, err := j.Pending(ctx, o.Limit)
	if err != nil {
		return nil, fmt.Errorf("instagram: publish journal: %w", err)
	}
	var out []PublishRecord
	var errs []error
	for _, p := range pending {
		holder := newHolder()
		rec, ok, err := j.Claim(ctx, p.Key, holder, DefaultPublishLease)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok || rec == nil || rec.State.Final() {
			if ok {
				_ = j.Release(ctx, p.Key, holder)
			}
			continue
		}
		var spec journalSpec
		if err := json.Unmarshal(rec.Spec, &spec); err != nil {
			_ = j.Release(ctx, p.Key, holder)
			errs = append(errs, fmt.Errorf("instagram: publish %q: unreadable spec: %w", rec.Key, err))
			continue
		}
		st := &step{opts: spec.Opts}
		if spec.FileURL != "" {
			st.video = &VideoSource{FileURL: spec.FileURL}
		}
		hint := publishHint{known: spec.Hint.Known, story: spec.Hint.Story, mediaType: spec.Hint.MediaType,
			productType: spec.Hint.ProductType, caption: spec.Hint.Caption}
		final := *rec
		_, derr := s.drive(ctx, j, holder, *rec, st, hint, w)
		_ = j.Release(context.WithoutCancel(ctx), p.Key, holder)
		if derr != nil {
			errs = append(errs, fmt.Errorf("instagram: publish %q: %w", rec.Key, derr))
		}
		if got, _, _ := j.Claim(ctx, p.Key, holder, 0); got != nil {
			final = *got
		}
		out = append(out, final)
	}
	return out, errors.Join(errs...)
}
