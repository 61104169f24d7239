// Package asynqpublish runs journaled Instagram publishes as tasks of
// github.com/hibiken/asynq, the Redis task queue: a web process enqueues
// a publish and returns, a pool of asynq workers publishes it, and the
// SDK's publish journal makes every task safe to run again. A task that a
// worker did not finish (it died, or its call failed) is retried by asynq
// with the same publish key, so the journal resumes it where it stood
// instead of posting twice; the resume task finishes the journaled
// publishes that no task will retry, such as those a process started
// outside the queue.
//
// It is a module of its own, so that the SDK does not depend on asynq.
//
//	mux := asynq.NewServeMux()
//	h, _ := asynqpublish.NewHandler(client, redisstore.NewPublishJournal(rdb, prefix, 0))
//	h.Register(mux)
//	task, _ := asynqpublish.NewImageTask(asynqpublish.Image{Account: id, ImageURL: u, Caption: c, Key: "post-42"})
//	_, err := queue.Enqueue(task)
package asynqpublish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	instagram "github.com/igsdk/instagram"
)

// Task types handled by Handler.
const (
	// TypeImage publishes one image post (Image is its payload).
	TypeImage = "instagram:publish:image"
	// TypeResume finishes the publishes the journal holds unfinished
	// (no payload); enqueue it periodically, for instance with asynq's
	// scheduler.
	TypeResume = "instagram:publish:resume"
)

// Image is the payload of a TypeImage task.
type Image struct {
	// Account is the Instagram user id that publishes.
	Account string `json:"account"`
	// ImageURL is the public URL of the image.
	ImageURL string `json:"image_url"`
	// Caption of the post.
	Caption string `json:"caption,omitempty"`
	// AltText describes the image.
	AltText string `json:"alt_text,omitempty"`
	// Key names the publish in the journal: the caller's id for this
	// post. The same key never posts twice.
	Key string `json:"key"`
}

// TaskID is the asynq task id NewImageTask gives a publish key: enqueuing
// the same key again while its task is kept fails with
// asynq.ErrTaskIDConflict.
func TaskID(key string) string { return "instagram-publish:" + key }

// NewImageTask returns the TypeImage task publishing p, with asynq's task
// id set from p.Key (opts come after it and may replace it). Account,
// ImageURL and Key must be set.
func NewImageTask(p Image, opts ...asynq.Option) (*asynq.Task, error) {
	switch {
	case p.Account == "":
		return nil, &instagram.ValidationError{Field: "Account", Rule: "must not be empty"}
	case p.ImageURL == "":
		return nil, &instagram.ValidationError{Field: "ImageURL", Rule: "must not be empty"}
	case p.Key == "":
		return nil, &instagram.ValidationError{Field: "Key", Rule: "must not be empty: the journal needs it to publish once"}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeImage, b, append([]asynq.Option{asynq.TaskID(TaskID(p.Key))}, opts...)...), nil
}

// NewResumeTask returns a TypeResume task.
func NewResumeTask(opts ...asynq.Option) *asynq.Task {
	return asynq.NewTask(TypeResume, nil, opts...)
}

// Handler runs the tasks of this package with one Client and one journal,
// shared by every asynq worker process (use a shared journal, such as the
// redisstore module's).
type Handler struct {
	client  *instagram.Client
	journal instagram.PublishJournal
	// Resume tunes the TypeResume task; nil takes the SDK's defaults.
	Resume *instagram.ResumeOptions
}

// NewHandler returns a Handler publishing through client and journal.
func NewHandler(client *instagram.Client, journal instagram.PublishJournal) (*Handler, error) {
	if client == nil {
		return nil, &instagram.ValidationError{Field: "client", Rule: "must not be nil"}
	}
	if journal == nil {
		return nil, &instagram.ValidationError{Field: "journal", Rule: "must not be nil"}
	}
	return &Handler{client: client, journal: journal}, nil
}

// Register adds the handler's task types to mux.
func (h *Handler) Register(mux *asynq.ServeMux) {
	mux.Handle(TypeImage, h)
	mux.Handle(TypeResume, h)
}

// ProcessTask runs one task. A publish whose key another worker holds, or
// that failed for a temporary reason, returns an error so that asynq
// retries it later; a payload or a request the SDK refuses returns an
// error wrapping asynq.SkipRetry (running it again cannot succeed).
func (h *Handler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	switch t.Type() {
	case TypeImage:
		var p Image
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return fmt.Errorf("asynqpublish: payload of %s: %v: %w", t.Type(), err, asynq.SkipRetry)
		}
		if p.Key == "" {
			return fmt.Errorf("asynqpublish: %s without a key: %w", t.Type(), asynq.SkipRetry)
		}
		_, err := h.client.Media.PublishImage(ctx, p.Account, p.ImageURL, &instagram.PublishOptions{
			Caption: p.Caption, AltText: p.AltText, Journal: h.journal, Key: p.Key})
		switch {
		case err == nil:
			return nil
		case errors.Is(err, instagram.ErrPublishInProgress):
			return fmt.Errorf("asynqpublish: %s: %w (retried later)", p.Key, err)
		case errors.Is(err, instagram.ErrValidation):
			return fmt.Errorf("asynqpublish: %s: %w: %w", p.Key, err, asynq.SkipRetry)
		}
		return fmt.Errorf("asynqpublish: %s: %w", p.Key, err)
	case TypeResume:
		_, err := h.client.Media.ResumePublishes(ctx, h.journal, h.Resume)
		return err
	}
	return fmt.Errorf("asynqpublish: unknown task type %q: %w", t.Type(), asynq.SkipRetry)
}
