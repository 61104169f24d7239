package instagram

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// TagsService searches hashtags and reads their top and recent media. The
// hashtag API exists with Facebook Login only, and needs the Instagram
// Public Content Access feature.
//
// Meta lets one account query at most 30 unique hashtags in a rolling
// 7 days (HashtagSearchLimit, HashtagSearchWindow); repeating a hashtag does
// not count again. Past the limit, calls fail with an error that matches
// ErrHashtagLimit. The client tracks the limit (Limits.HashtagLimit), to
// fail before calling.
type TagsService service

// Hashtag is an Instagram hashtag (Meta's ShadowIGHashtag). Hashtag ids are
// global and never change.
type Hashtag struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// The hashtag query limit Meta applies to each account.
const (
	// HashtagSearchLimit is the number of unique hashtags an account may
	// query within HashtagSearchWindow.
	HashtagSearchLimit = 30
	// HashtagSearchWindow is the rolling window of the limit.
	HashtagSearchWindow = 7 * 24 * time.Hour
	// MaxHashtagMediaLimit is the largest page Meta serves on the hashtag
	// media edges.
	MaxHashtagMediaLimit = 50
)

// hashtagMediaFields are the default fields of hashtag media. username
// cannot be asked for on these edges.
const hashtagMediaFields = "id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count"

// normalizeHashtag returns name without a leading '#', or a validation
// error when it cannot be a hashtag.
func normalizeHashtag(name string) (string, error) {
	n := strings.TrimPrefix(strings.TrimSpace(name), "#")
	if n == "" {
		return "", &ValidationError{Field: "hashtag", Rule: "must not be empty"}
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && !unicode.Is(unicode.Mn, r) {
			return "", &ValidationError{Field: "hashtag", Rule: fmt.Sprintf("%q holds %q; a hashtag is letters, digits and underscores", name, r)}
		}
	}
	return n, nil
}

// Search finds a hashtag's id by its name (with or without '#'). userID is
// the professional account the query is made for; it counts against that
// account's 30 unique hashtags per 7 days. The client keeps that quota (see
// Limits.HashtagLimit): a new hashtag past it fails with a
// *HashtagLimitError, matching ErrHashtagLimit, without calling the API; a
// hashtag already searched in the window costs nothing. A name Meta knows
// no hashtag for gives an error matching ErrNotFound.
//
// Meta API: GET /ig_hashtag_search
func (s *TagsService) Search(ctx context.Context, userID, name string) (*Hashtag, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	n, err := normalizeHashtag(name)
	if err != nil {
		return nil, err
	}
	if err := s.client.limits.useHashtag(ctx, userID, strings.ToLower(n)); err != nil {
		return nil, err
	}
	var page Page[Hashtag]
	q := url.Values{"user_id": {userID}, "q": {n}}
	if err := s.client.get(ctx, "ig_hashtag_search", q, &page); err != nil {
		return nil, err
	}
	if len(page.Data) == 0 || page.Data[0].ID == "" {
		return nil, fmt.Errorf("instagram: no hashtag named %q: %w", n, ErrNotFound)
	}
	h := page.Data[0]
	if h.Name == "" {
		h.Name = n
	}
	return &h, nil
}

// Get reads a hashtag by id (fields id and name by default).
//
// Meta API: GET /{ig-hashtag-id}
func (s *TagsService) Get(ctx context.Context, hashtagID string, opts *GetOptions) (*Hashtag, error) {
	if err := checkID("hashtag id", hashtagID); err != nil {
		return nil, err
	}
	q, err := withFields(opts, "id,name")
	if err != nil {
		return nil, err
	}
	h := new(Hashtag)
	if err := s.client.get(ctx, pathEscape(hashtagID), q, h); err != nil {
		return nil, err
	}
	return h, nil
}

// hashtagMediaQuery is the query of the hashtag media edges.
type hashtagMediaQuery struct {
	ListOptions
	UserID string `url:"user_id"`
}

func hashtagMediaQueryOf(hashtagID, userID string, opts *ListOptions) (url.Values, error) {
	if err := checkID("hashtag id", hashtagID); err != nil {
		return nil, err
	}
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	q := hashtagMediaQuery{UserID: userID}
	if opts != nil {
		q.ListOptions = *opts
	}
	if q.Limit > MaxHashtagMediaLimit {
		return nil, &ValidationError{Field: "limit", Rule: fmt.Sprintf("must be at most %d on hashtag media", MaxHashtagMediaLimit)}
	}
	for _, f := range q.Fields {
		if f == "username" {
			return nil, &ValidationError{Field: "fields", Rule: "username cannot be read on hashtag media"}
		}
	}
	return withFields(q, hashtagMediaFields)
}

// TopMedia returns one page of a hashtag's most popular public media, in
// Meta's order (not chronological). userID is the account the query is
// made for.
//
// Meta API: GET /{ig-hashtag-id}/top_media
func (s *TagsService) TopMedia(ctx context.Context, hashtagID, userID string, opts *ListOptions) (*Page[Media], error) {
	q, err := hashtagMediaQueryOf(hashtagID, userID, opts)
	if err != nil {
		return nil, err
	}
	return listPage[Media](ctx, s.client, pathEscape(hashtagID)+"/top_media", q)
}

// AllTopMedia iterates over a hashtag's top media.
//
// Meta API: GET /{ig-hashtag-id}/top_media
func (s *TagsService) AllTopMedia(ctx context.Context, hashtagID, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	q, err := hashtagMediaQueryOf(hashtagID, userID, opts)
	if err != nil {
		return errSeq[Media](err)
	}
	return iterate[Media](ctx, s.client, pathEscape(hashtagID)+"/top_media", q)
}

// RecentMedia returns one page of the public media tagged with a hashtag
// in the last 24 hours. The call counts against the account's hashtag
// limit even when the id is already known.
//
// Meta API: GET /{ig-hashtag-id}/recent_media
func (s *TagsService) RecentMedia(ctx context.Context, hashtagID, userID string, opts *ListOptions) (*Page[Media], error) {
	q, err := hashtagMediaQueryOf(hashtagID, userID, opts)
	if err != nil {
		return nil, err
	}
	return listPage[Media](ctx, s.client, pathEscape(hashtagID)+"/recent_media", q)
}

// AllRecentMedia iterates over a hashtag's media of the last 24 hours.
//
// Meta API: GET /{ig-hashtag-id}/recent_media
func (s *TagsService) AllRecentMedia(ctx context.Context, hashtagID, userID string, opts *ListOptions) iter.Seq2[Media, error] {
	q, err := hashtagMediaQueryOf(hashtagID, userID, opts)
	if err != nil {
		return errSeq[Media](err)
	}
	return iterate[Media](ctx, s.client, pathEscape(hashtagID)+"/recent_media", q)
}

// RecentlySearched returns one page of the hashtags the account queried in
// the last 7 days: what counts against its limit.
//
// Meta API: GET /{ig-user-id}/recently_searched_hashtags
func (s *TagsService) RecentlySearched(ctx context.Context, userID string, opts *ListOptions) (*Page[Hashtag], error) {
	return edgePage[Hashtag](ctx, s.client, "user id", userID, "recently_searched_hashtags", opts, "id,name")
}

// AllRecentlySearched iterates over the hashtags the account queried in
// the last 7 days.
//
// Meta API: GET /{ig-user-id}/recently_searched_hashtags
func (s *TagsService) AllRecentlySearched(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Hashtag, error] {
	return edgeAll[Hashtag](ctx, s.client, "user id", userID, "recently_searched_hashtags", opts, "id,name")
}

// HashtagLimitError reports that a hashtag query would exceed the
// account's limit of unique hashtags. It matches ErrHashtagLimit; Meta's own
// answer to such a query is an *Error that matches ErrHashtagLimit too.
type HashtagLimitError struct {
	// UserID is the account whose limit is used up.
	UserID string
	// Hashtag is the hashtag (name or id) that was refused.
	Hashtag string
	// Limit and Window are the limit that applies.
	Limit  int
	Window time.Duration
	// RetryAt is when the oldest counted hashtag leaves the window.
	RetryAt time.Time
}

// Error describes the limit.
func (e *HashtagLimitError) Error() string {
	return fmt.Sprintf("instagram: hashtag limit: account %s already queried %d unique hashtags in %s; %q may be queried from %s",
		e.UserID, e.Limit, e.Window, e.Hashtag, e.RetryAt.UTC().Format(time.RFC3339))
}

// Is matches ErrHashtagLimit.
func (e *HashtagLimitError) Is(target error) bool { return target == ErrHashtagLimit }
