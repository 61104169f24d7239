package instagram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// publishedFields are read back from a new media.
const publishedFields = "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username"

// publishSkew is how much earlier than the client's clock at the publish
// a media's timestamp may be and still be taken for the media a lost
// publish created (client and server clocks differ, timestamps are in
// whole seconds).
const publishSkew = 2 * time.Minute

// maxPublishSends bounds how many times one container is sent to
// media_publish: only ever again after Meta answered "not ready" or the
// container was seen unpublished.
const maxPublishSends = 4

// publishHint describes the media a container becomes, to recognise it
// among the account's media when the answer to media_publish was lost.
type publishHint struct {
	known       bool // the fields below are set
	story       bool
	mediaType   MediaType
	productType MediaProductType
	caption     string
}

// isNotReady recognises Meta's answer to publishing a container that is not
// FINISHED yet (9007/2207027, "Media ID is not available").
func isNotReady(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == 9007 || e.Subcode == 2207027)
}

// refused recognises answers after which Meta certainly did not publish.
func refused(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve) || errors.Is(err, ErrRateLimited) || errors.Is(err, ErrPublishLimit) ||
		errors.Is(err, ErrSpamRestricted) || errors.Is(err, ErrTokenExpired) ||
		errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrPermission)
}

// definite recognises a refusal by Meta: a 4xx Graph error not marked
// transient.
func definite(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.HTTPStatus >= 400 && e.HTTPStatus < 500 && !e.isTransient()
}

func (s *MediaService) publish(ctx context.Context, userID, containerID string, hint publishHint, w WaitOptions) (*Media, error) {
	start := time.Now()
	path := pathEscape(userID) + "/media_publish"
	for sends := 1; ; sends++ {
		var out struct {
			ID ID `json:"id"`
		}
		err := s.client.post(ctx, path, nil, url.Values{"creation_id": {containerID}}, &out)
		if err == nil && out.ID != "" {
			// A recovery of another publish must not take this media.
			s.client.claims.claim(string(out.ID), containerID, time.Now())
			return s.readBack(ctx, string(out.ID))
		}
		if err == nil {
			err = &DecodeError{Method: http.MethodPost, Path: "/" + userID + "/media_publish", Err: errors.New("answer carries no media id")}
		}
		if ctx.Err() != nil {
			// The request may have reached Meta; nothing can be checked now.
			return nil, &UnconfirmedPublishError{ContainerID: containerID, Err: err}
		}
		if isNotReady(err) {
			if sends >= maxPublishSends {
				return nil, err
			}
			if _, werr := s.waitFor(ctx, containerID, w); werr != nil {
				return nil, werr
			}
			continue
		}
		if refused(err) {
			return nil, err
		}

		// The publish may have happened: the container knows.
		if serr := sleepCtx(ctx, w.Interval); serr != nil {
			return nil, &UnconfirmedPublishError{ContainerID: containerID, Err: err}
		}
		st, werr := s.waitFor(ctx, containerID, w)
		var ce *ContainerError
		switch {
		case errors.As(werr, &ce) && (ce.StatusCode == ContainerFailed || ce.StatusCode == ContainerExpired):
			return nil, werr
		case werr != nil:
			if definite(err) {
				return nil, err
			}
			return nil, &UnconfirmedPublishError{ContainerID: containerID, Err: errors.Join(err, werr)}
		case st.StatusCode == ContainerPublished:
			id, ferr := s.findPublished(ctx, userID, containerID, hint, start, w)
			if ferr != nil {
				return nil, &UnconfirmedPublishError{ContainerID: containerID, Published: true, Err: ferr}
			}
			return s.readBack(ctx, id)
		}
		// FINISHED: Meta did not publish it; sending again cannot duplicate.
		if definite(err) || sends >= maxPublishSends {
			return nil, err
		}
		s.client.logger.LogAttrs(ctx, slog.LevelInfo, "instagram: container not published after a failed publish; publishing again",
			slog.String("container", containerID), slog.String("error", err.Error()))
	}
}

// findPublished looks for the media a container became among the
// account's latest media (or stories): Meta offers no field linking a
// container to its media. A candidate is newer than the publish call
// (less publishSkew) and, when known, has the container's type, product
// type and caption; the oldest candidate not yet returned by another
// recovery of the Client wins, so one media is never given to two callers.
func (s *MediaService) findPublished(ctx context.Context, userID, containerID string, hint publishHint, start time.Time, w WaitOptions) (string, error) {
	edges := []string{"media", "stories"}
	switch {
	case hint.known && hint.story:
		edges = []string{"stories"}
	case hint.known:
		edges = []string{"media"}
	}
	since := start.Add(-publishSkew)
	q := url.Values{"fields": {"id,caption,media_type,media_product_type,timestamp"}, "limit": {"25"}}
	pause := w.Interval
	var lastErr error
	for try := 0; try < 3; try++ {
		if try > 0 {
			if err := sleepCtx(ctx, pause); err != nil {
				return "", err
			}
			pause = min(pause*2, w.MaxInterval)
		}
		for _, edge := range edges {
			page, err := listPage[Media](ctx, s.client, pathEscape(userID)+"/"+edge, q)
			if err != nil {
				lastErr = err
				continue
			}
			// Newest first: keep the matches since the call started, then
			// take the oldest one no other recovery of this Client has
			// returned (a media published after ours would have had to
			// appear between the lost answer and this look-up).
			var found []string
			for _, m := range page.Data {
				if !m.Timestamp.IsZero() && m.Timestamp.Before(since) {
					break // the rest is older still
				}
				if hint.matches(&m) {
					found = append(found, m.ID)
				}
			}
			for i := len(found) - 1; i >= 0; i-- {
				if s.client.claims.claim(found[i], containerID, time.Now()) {
					return found[i], nil
				}
			}
		}
	}
	if lastErr != nil {
		return "", lastErr
	}
	return "", errors.New("no media created since the publish call matches the container")
}

func (h publishHint) matches(m *Media) bool {
	if !h.known {
		return true
	}
	if m.MediaType != "" && h.mediaType != "" && m.MediaType != h.mediaType {
		return false
	}
	if m.MediaProductType != "" && h.productType != "" && m.MediaProductType != h.productType {
		return false
	}
	return h.story || strings.TrimSpace(m.Caption) == strings.TrimSpace(h.caption)
}

// readBack reads a new media. On failure it still returns the media's id,
// with a *ReadBackError.
func (s *MediaService) readBack(ctx context.Context, mediaID string) (*Media, error) {
	m := new(Media)
	if err := s.client.get(ctx, pathEscape(mediaID), fieldsQuery(publishedFields), m); err != nil {
		return &Media{ID: mediaID}, &ReadBackError{MediaID: mediaID, Err: err}
	}
	if m.ID == "" {
		m.ID = mediaID
	}
	return m, nil
}
