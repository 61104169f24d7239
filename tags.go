package instagram

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"sync"
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
// ErrHashtagLimit. HashtagQuota tracks the limit on the client side, to
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
// account's 30 unique hashtags per 7 days. A name Meta knows no hashtag for
// gives an error matching ErrNotFound.
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

// HashtagQuota counts, per account, the unique hashtags queried in the
// rolling window, so that a program can refuse the 31st before Meta does.
// Key hashtags consistently (by name, or by id for RecentMedia calls made
// with a stored id). The zero value is not usable: build it with
// NewHashtagQuota. A HashtagQuota is safe for concurrent use; its state is
// in memory only, so queries made by other processes are not seen.
type HashtagQuota struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]map[string]time.Time // account -> hashtag -> first query
}

// NewHashtagQuota returns a quota of HashtagSearchLimit unique hashtags per
// HashtagSearchWindow, on the wall clock.
func NewHashtagQuota() *HashtagQuota {
	return &HashtagQuota{limit: HashtagSearchLimit, window: HashtagSearchWindow, now: time.Now,
		seen: map[string]map[string]time.Time{}}
}

// WithClock returns q reading time from now instead of the wall clock
// (for tests and replays).
func (q *HashtagQuota) WithClock(now func() time.Time) *HashtagQuota {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.now = now
	return q
}

func hashtagKey(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "#"))
}

// prune drops hashtags that left the window; q.mu is held.
func (q *HashtagQuota) prune(tags map[string]time.Time, now time.Time) {
	for k, at := range tags {
		if !now.Before(at.Add(q.window)) {
			delete(tags, k)
		}
	}
}

// Reserve records a query of hashtag for userID. A hashtag already queried
// within the window is always allowed and does not move its window; a new
// one is refused with a *HashtagLimitError when the account's limit is
// used up.
func (q *HashtagQuota) Reserve(userID, hashtag string) error {
	key := hashtagKey(hashtag)
	if key == "" {
		return &ValidationError{Field: "hashtag", Rule: "must not be empty"}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	tags := q.seen[userID]
	if tags == nil {
		tags = map[string]time.Time{}
		q.seen[userID] = tags
	}
	q.prune(tags, now)
	if _, ok := tags[key]; ok {
		return nil
	}
	if len(tags) >= q.limit {
		oldest := now
		for _, at := range tags {
			if at.Before(oldest) {
				oldest = at
			}
		}
		return &HashtagLimitError{UserID: userID, Hashtag: key, Limit: q.limit, Window: q.window, RetryAt: oldest.Add(q.window)}
	}
	tags[key] = now
	return nil
}

// Release forgets a reservation, for a query that failed before Meta
// counted it (a network error, an invalid name).
func (q *HashtagQuota) Release(userID, hashtag string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.seen[userID], hashtagKey(hashtag))
}

// Remaining is how many new unique hashtags userID may still query now.
func (q *HashtagQuota) Remaining(userID string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	tags := q.seen[userID]
	q.prune(tags, q.now())
	return max(0, q.limit-len(tags))
}

// Load records hashtags the account already queried, such as those of
// RecentlySearched, as queried at the given time (use the current time when
// unknown; the window then starts later than Meta's, which errs on the safe
// side).
func (q *HashtagQuota) Load(userID string, at time.Time, hashtags ...string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	tags := q.seen[userID]
	if tags == nil {
		tags = map[string]time.Time{}
		q.seen[userID] = tags
	}
	for _, h := range hashtags {
		if k := hashtagKey(h); k != "" {
			if prev, ok := tags[k]; !ok || at.Before(prev) {
				tags[k] = at
			}
		}
	}
}

// SearchWithQuota is Search guarded by quota: a new hashtag beyond the
// account's limit fails with a *HashtagLimitError without calling the API.
// A call that fails without an answer about the name (network, token or
// limit errors) is not counted; a name Meta answered for, even with no
// hashtag, is.
//
// Meta API: GET /ig_hashtag_search
func (s *TagsService) SearchWithQuota(ctx context.Context, quota *HashtagQuota, userID, name string) (*Hashtag, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if quota == nil {
		return s.Search(ctx, userID, name)
	}
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	n, err := normalizeHashtag(name)
	if err != nil {
		return nil, err
	}
	if err := quota.Reserve(userID, n); err != nil {
		return nil, err
	}
	h, err := s.Search(ctx, userID, n)
	if err != nil && !errors.Is(err, ErrNotFound) {
		quota.Release(userID, n)
	}
	return h, err
}
