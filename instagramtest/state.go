package instagramtest

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// Object kinds of the core.
const (
	kindUser    = "ig_user"    // Instagram business account (IGUser / IG Login User)
	kindMedia   = "ig_media"   // IGMedia, including carousel items and stories
	kindComment = "ig_comment" // IGComment
	kindFBUser  = "fb_user"    // Facebook user of Facebook Login
	kindPage    = "page"       // Facebook Page linked to the account
)

// object is an entry of the id registry.
type object struct {
	kind  string
	value any
}

// addObject registers an object under id; callers hold s.mu or run during
// setup.
func (s *Server) addObject(kind, id string, v any) { s.objects[id] = object{kind, v} }

// removeObject deletes an id from the registry.
func (s *Server) removeObject(id string) { delete(s.objects, id) }

// objectOf returns the object of id when it is of type T.
func objectOf[T any](s *Server, id string) (T, bool) {
	o, ok := s.objects[id]
	v, isT := o.value.(T)
	return v, ok && isT
}

// newID returns an unused numeric id of 17 or 18 digits, like Instagram's
// media and comment ids.
func (s *Server) newID() string {
	for {
		var id string
		if s.idRand.IntN(2) == 0 {
			id = "17" + digits(s.idRand.Uint64(), 15)
		} else {
			id = "18" + digits(s.idRand.Uint64(), 16)
		}
		if _, taken := s.objects[id]; !taken {
			return id
		}
	}
}

// newIDWithPrefix returns an unused numeric id of n digits starting with
// prefix.
func (s *Server) newIDWithPrefix(prefix string, n int) string {
	for {
		id := prefix + digits(s.idRand.Uint64(), n-len(prefix))
		if _, taken := s.objects[id]; !taken {
			return id
		}
	}
}

// digits formats the low n decimal digits of v, zero padded.
func digits(v uint64, n int) string {
	s := strconv.FormatUint(v, 10)
	for len(s) < n {
		s = "0" + s
	}
	return s[len(s)-n:]
}

// igUser is an Instagram professional account.
type igUser struct {
	ID             string
	IGID           int64
	Username       string
	Name           string
	Biography      string
	Website        string
	FollowersCount int
	FollowsCount   int
	AccountType    string
	PageID         string
	Media          []string // feed and reels media, newest first
	Stories        []string // stories, newest first
	Insights       AccountInsights
}

// media is one IG media: a post, a reel, a story or a carousel item.
type media struct {
	ID             string
	IGID           string
	OwnerID        string
	MediaType      string // IMAGE, VIDEO, CAROUSEL_ALBUM
	ProductType    string // FEED, REELS, STORY
	Caption        string
	File           string // file name under /cdn/
	Thumb          string // thumbnail file name under /cdn/ (videos)
	Permalink      string
	Shortcode      string
	Timestamp      time.Time
	LikeCount      int
	CommentEnabled bool
	SharedToFeed   *bool // reels only
	AltText        string
	Children       []string // carousel items, in order
	ParentID       string   // the album of a carousel item
	Comments       []string // top-level comments, oldest first
	Insights       map[string]int
}

// isCarouselItem tells whether m is an item of an album.
func (m *media) isCarouselItem() bool { return m.ParentID != "" }

// comment is an IG comment or reply.
type comment struct {
	ID        string
	Text      string
	Timestamp time.Time
	FromID    string
	Username  string
	LikeCount int
	Hidden    bool
	ParentID  string // the comment replied to, "" for top-level comments
	MediaID   string
	Replies   []string // oldest first
}

// fbUser is the Facebook user of Facebook Login.
type fbUser struct {
	ID   string
	Name string
}

// page is a Facebook Page linked to an Instagram account.
type page struct {
	ID          string
	Name        string
	Category    string
	IGAccountID string
}

// commentsCount counts a media's comments including replies.
func (s *Server) commentsCount(m *media) int {
	n := 0
	for _, id := range m.Comments {
		n++
		if c, ok := objectOf[*comment](s, id); ok {
			n += len(c.Replies)
		}
	}
	return n
}

// setupCore declares the core kinds and routes.
func (s *Server) setupCore() {
	s.setupUsers()
	s.setupMedia()
	s.setupCommentReads()
	s.setupCDN()
}

// AccountInsights holds the seeded insight values of the account.
type AccountInsights struct {
	// Daily maps a metric (reach, views, accounts_engaged, ...) to one
	// value per day, the most recent day first (30 days).
	Daily map[string][]int
	// Demographics maps a breakdown (age, city, country, gender) to
	// follower counts per value.
	Demographics map[string]map[string]int
}

func (in AccountInsights) clone() AccountInsights {
	out := AccountInsights{Daily: map[string][]int{}, Demographics: map[string]map[string]int{}}
	for k, v := range in.Daily {
		out.Daily[k] = slices.Clone(v)
	}
	for k, v := range in.Demographics {
		out.Demographics[k] = maps.Clone(v)
	}
	return out
}

// Account is a snapshot of the seeded business account.
type Account struct {
	ID                string
	IGID              int64
	Username          string
	Name              string
	Biography         string
	Website           string
	ProfilePictureURL string
	FollowersCount    int
	FollowsCount      int
	MediaCount        int
	AccountType       string
	PageID            string
	Insights          AccountInsights
}

// Media is a snapshot of one seeded or created media.
type Media struct {
	ID               string
	MediaType        string
	MediaProductType string
	Caption          string
	MediaURL         string
	ThumbnailURL     string
	Permalink        string
	Shortcode        string
	Timestamp        time.Time
	LikeCount        int
	CommentsCount    int
	IsCommentEnabled bool
	// Children lists the items of a carousel album, in order.
	Children []string
	// ParentID is the album of a carousel item.
	ParentID string
	// Comments lists the top-level comment ids, oldest first.
	Comments []string
	Insights map[string]int
}

// Account returns a snapshot of the seeded business account.
func (s *Server) Account() Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.acct
	return Account{
		ID: u.ID, IGID: u.IGID, Username: u.Username, Name: u.Name, Biography: u.Biography,
		Website: u.Website, ProfilePictureURL: s.fileURL(profileFile(u)),
		FollowersCount: u.FollowersCount, FollowsCount: u.FollowsCount, MediaCount: len(u.Media),
		AccountType: u.AccountType, PageID: u.PageID, Insights: u.Insights.clone(),
	}
}

// Media returns snapshots of the account's feed and reels media, newest
// first, as GET /{ig-user-id}/media lists them.
func (s *Server) Media() []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshots(s.acct.Media)
}

// Stories returns snapshots of the account's stories, newest first.
func (s *Server) Stories() []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshots(s.acct.Stories)
}

// MediaByID returns a snapshot of any media, carousel items included.
func (s *Server) MediaByID(id string) (Media, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.snapshots([]string{id})
	if len(out) == 0 {
		return Media{}, false
	}
	return out[0], true
}

func (s *Server) snapshots(ids []string) []Media {
	out := make([]Media, 0, len(ids))
	for _, id := range ids {
		m, ok := objectOf[*media](s, id)
		if !ok {
			continue
		}
		snap := Media{
			ID: m.ID, MediaType: m.MediaType, MediaProductType: m.ProductType, Caption: m.Caption,
			MediaURL: s.fileURL(m.File), Permalink: m.Permalink, Shortcode: m.Shortcode,
			Timestamp: m.Timestamp, LikeCount: m.LikeCount, CommentsCount: s.commentsCount(m),
			IsCommentEnabled: m.CommentEnabled, Children: append([]string(nil), m.Children...),
			ParentID: m.ParentID, Comments: append([]string(nil), m.Comments...),
			Insights: maps.Clone(m.Insights),
		}
		if m.Thumb != "" {
			snap.ThumbnailURL = s.fileURL(m.Thumb)
		}
		out = append(out, snap)
	}
	return out
}
