package instagramtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Word lists for generated profiles, captions and comments.
var (
	seedAdjectives = []string{"golden", "quiet", "northern", "salt", "wild", "copper", "little", "bright", "harbor", "cedar", "maple", "lunar"}
	seedNouns      = []string{"harbor", "studio", "kitchen", "bakery", "atelier", "garden", "roasters", "ceramics", "workshop", "press", "trail", "florist"}
	seedBios       = []string{
		"Small-batch goods made by hand. Studio visits by appointment.",
		"Fresh every morning since 2014. Tag us to be featured.",
		"Design, light and slow mornings. New drops every Friday.",
		"Independent makers on the coast. Orders via the link below.",
	}
	seedScenes = []string{
		"Morning light over the workbench", "First batch of the season", "Behind the scenes at the studio",
		"Packing orders for the weekend", "A quiet corner we love", "Testing a new glaze",
		"Sunday market set-up", "Fresh from the oven", "Our team on a field trip", "New colours just landed",
		"Sketches for the next collection", "Rainy day in the shop", "Thank you for 10 years",
		"Meet the hands behind the work", "Restocked and ready",
	}
	seedTags   = []string{"#handmade", "#smallbusiness", "#shoplocal", "#makers", "#design", "#coffee", "#studio", "#slowliving", "#craft", "#newcollection"}
	seedEmoji  = []string{"☀️", "✨", "🌿", "☕", "🔥", "💛", "🎉", "📦"}
	seedFirst  = []string{"ana", "ben", "chloe", "dev", "emma", "felix", "gina", "hugo", "ines", "jonas", "kira", "leo", "mara", "nico", "olga", "pablo", "quinn", "rosa", "sami", "tess", "uma", "vik", "wren", "yara"}
	seedLast   = []string{"travels", "makes", "eats", "photo", "studio", "daily", "films", "loves", "writes", "codes"}
	seedPraise = []string{
		"Love this!", "So beautiful", "Where can I buy this?", "Need this in my life", "Stunning colours",
		"Is this available in blue?", "Great work as always", "Wow", "This made my day", "Ordered mine yesterday!",
		"How long does shipping take?", "Obsessed", "Can't wait to visit", "Perfect gift idea",
	}
	seedReplies = []string{
		"Thank you so much!", "Yes, link in bio", "Sending you a DM", "Restocking next week",
		"Glad you like it", "Same here!", "Agreed", "Right?!",
	}
	seedCountries = []string{"US", "GB", "DE", "FR", "BR", "IN", "CA", "AU", "ES", "IT"}
	seedCities    = []string{"London, England", "New York, New York", "Berlin, Berlin", "Paris, Ile-de-France", "Sao Paulo, Sao Paulo", "Toronto, Ontario", "Sydney, New South Wales"}
	seedAges      = []string{"13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
)

const shortcodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

type commenter struct{ ID, Username string }

// seeder builds the initial state from the seed.
type seeder struct {
	s      *Server
	r      *rand.Rand
	people []commenter
}

// seed creates the account, its Page and Facebook user, tokens, media with
// comments, and insight values.
func (s *Server) seed() {
	sd := &seeder{s: s, r: s.rand("seed")}
	r := sd.r

	s.AppID = s.newIDWithPrefix("1", 16)
	s.AppSecret = sd.hex(32)

	adj, noun := pick(r, seedAdjectives), pick(r, seedNouns)
	u := &igUser{
		ID:             s.newIDWithPrefix("17841", 17),
		IGID:           int64(1_000_000_000 + r.IntN(8_000_000_000)),
		Username:       adj + "_" + noun,
		Name:           title(adj) + " " + title(noun),
		Biography:      pick(r, seedBios),
		FollowersCount: 800 + r.IntN(250_000),
		FollowsCount:   40 + r.IntN(1500),
		AccountType:    "BUSINESS",
	}
	u.Website = "https://" + strings.ReplaceAll(u.Username, "_", "") + ".example.com/"
	s.acct = u
	s.UserID = u.ID
	s.addObject(kindUser, u.ID, u)

	fb := &fbUser{ID: s.newIDWithPrefix("10", 17), Name: title(pick(r, seedFirst)) + " " + title(pick(r, seedNouns))}
	s.FacebookUserID = fb.ID
	s.addObject(kindFBUser, fb.ID, fb)
	pg := &page{ID: s.newIDWithPrefix("1", 15), Name: u.Name, Category: "Product/service", IGAccountID: u.ID}
	u.PageID = pg.ID
	s.PageID = pg.ID
	s.addObject(kindPage, pg.ID, pg)

	s.AccessToken = s.issueToken(tokenInstagram, u.ID, u.ID, longLived, nil).value
	s.FacebookAccessToken = s.issueToken(tokenFacebookUser, fb.ID, u.ID, longLived, nil).value
	s.PageAccessToken = s.issueToken(tokenPage, pg.ID, u.ID, 0, nil).value

	for range 24 {
		sd.people = append(sd.people, commenter{
			ID:       s.newIDWithPrefix("17841", 17),
			Username: pick(r, seedFirst) + "." + pick(r, seedLast) + fmt.Sprint(r.IntN(100)),
		})
	}

	// Media lie before the clock's time at creation, newest first, 6 hours
	// to 4 days apart; stories within the last day.
	at := s.start.UTC().Truncate(time.Minute).Add(-time.Duration(30+r.IntN(300)) * time.Minute)
	types := sd.mediaTypes(s.cfg.mediaCount)
	for _, typ := range types {
		m := sd.media(u, typ, at)
		u.Media = append(u.Media, m.ID)
		at = at.Add(-time.Duration(6*60+r.IntN(90*60)) * time.Minute)
	}
	for i, typ := range []string{"VIDEO", "IMAGE"} {
		ts := s.start.UTC().Truncate(time.Minute).Add(-time.Duration(1+i*7+r.IntN(5)) * time.Hour)
		m := sd.story(u, typ, ts)
		u.Stories = append(u.Stories, m.ID)
	}
	u.Insights = sd.accountInsights(u)
}

// mediaTypes picks the kind of each media, guaranteeing that each kind
// appears when there is room: IMAGE, VIDEO (feed), CAROUSEL_ALBUM, REELS.
func (sd *seeder) mediaTypes(n int) []string {
	out := make([]string, n)
	for i := range out {
		switch x := sd.r.IntN(100); {
		case x < 45:
			out[i] = "IMAGE"
		case x < 60:
			out[i] = "VIDEO"
		case x < 82:
			out[i] = "CAROUSEL_ALBUM"
		default:
			out[i] = "REELS"
		}
	}
	for i, t := range []string{"IMAGE", "CAROUSEL_ALBUM", "REELS", "VIDEO"} {
		if n > 4 {
			out[1+i*(n-1)/4] = t
		}
	}
	return out
}

func (sd *seeder) media(u *igUser, typ string, at time.Time) *media {
	s, r := sd.s, sd.r
	m := &media{
		ID: s.newID(), OwnerID: u.ID, MediaType: typ, ProductType: "FEED",
		Caption: sd.caption(), Shortcode: sd.shortcode(), Timestamp: at,
		CommentEnabled: r.IntN(20) != 0,
	}
	m.IGID = digits(r.Uint64(), 19)
	m.Permalink = "https://www.instagram.com/p/" + m.Shortcode + "/"
	switch typ {
	case "IMAGE":
		m.File = m.ID + ".jpg"
		if r.IntN(3) == 0 {
			m.AltText = "Photo of " + strings.ToLower(pick(r, seedScenes))
		}
	case "VIDEO":
		m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
	case "REELS":
		m.MediaType, m.ProductType = "VIDEO", "REELS"
		m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
		m.Permalink = "https://www.instagram.com/reel/" + m.Shortcode + "/"
		shared := r.IntN(4) != 0
		m.SharedToFeed = &shared
	case "CAROUSEL_ALBUM":
		for i := range 2 + r.IntN(9) {
			c := &media{
				ID: s.newID(), OwnerID: u.ID, MediaType: "IMAGE", ProductType: "FEED",
				Timestamp: at, ParentID: m.ID, Permalink: m.Permalink, Shortcode: m.Shortcode,
			}
			c.IGID = digits(r.Uint64(), 19)
			c.File = c.ID + ".jpg"
			if r.IntN(5) == 0 {
				c.MediaType, c.File, c.Thumb = "VIDEO", c.ID+".mp4", c.ID+"_thumb.jpg"
			}
			if i == 0 {
				m.File = c.File
			}
			m.Children = append(m.Children, c.ID)
			s.addObject(kindMedia, c.ID, c)
		}
	}
	m.LikeCount = r.IntN(u.FollowersCount/20 + 30)
	s.addObject(kindMedia, m.ID, m)
	sd.comments(m, at)
	m.Insights = sd.mediaInsights(m)
	return m
}

func (sd *seeder) story(u *igUser, typ string, at time.Time) *media {
	s, r := sd.s, sd.r
	m := &media{
		ID: s.newID(), OwnerID: u.ID, MediaType: typ, ProductType: "STORY",
		Shortcode: sd.shortcode(), Timestamp: at, IGID: digits(r.Uint64(), 19),
	}
	m.Permalink = "https://www.instagram.com/stories/" + u.Username + "/" + m.IGID + "/"
	m.File = m.ID + ".jpg"
	if typ == "VIDEO" {
		m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
	}
	s.addObject(kindMedia, m.ID, m)
	m.Insights = sd.mediaInsights(m)
	return m
}

// comments adds top-level comments with replies, between the media's time
// and the seed time.
func (sd *seeder) comments(m *media, at time.Time) {
	s, r := sd.s, sd.r
	span := s.start.Sub(at)
	if span <= time.Minute || r.IntN(6) == 0 {
		return
	}
	when := func(after time.Time) time.Time {
		d := s.start.Sub(after)
		if d <= time.Minute {
			return after
		}
		return after.Add(time.Duration(r.Int64N(int64(d/time.Minute)/3+1)) * time.Minute)
	}
	t := at
	for range 1 + r.IntN(8) {
		p := sd.people[r.IntN(len(sd.people))]
		t = when(t)
		c := &comment{
			ID: s.newID(), Text: sd.commentText(), Timestamp: t, FromID: p.ID, Username: p.Username,
			LikeCount: r.IntN(25), Hidden: r.IntN(25) == 0, MediaID: m.ID,
		}
		s.addObject(kindComment, c.ID, c)
		m.Comments = append(m.Comments, c.ID)
		rt := t
		for range r.IntN(4) {
			if r.IntN(2) == 0 {
				continue
			}
			from := commenter{ID: s.acct.ID, Username: s.acct.Username}
			text := pick(r, seedReplies)
			if r.IntN(3) == 0 {
				from = sd.people[r.IntN(len(sd.people))]
				text = "@" + c.Username + " " + strings.ToLower(pick(r, seedReplies))
			}
			rt = when(rt)
			rep := &comment{
				ID: s.newID(), Text: text, Timestamp: rt, FromID: from.ID, Username: from.Username,
				LikeCount: r.IntN(5), MediaID: m.ID, ParentID: c.ID,
			}
			s.addObject(kindComment, rep.ID, rep)
			c.Replies = append(c.Replies, rep.ID)
		}
	}
}

func (sd *seeder) mediaInsights(m *media) map[string]int {
	r := sd.r
	likes := m.LikeCount
	comments := sd.s.commentsCount(m)
	reach := likes*(3+r.IntN(6)) + r.IntN(200) + 20
	in := map[string]int{
		"reach":          reach,
		"views":          reach + r.IntN(reach+1),
		"shares":         r.IntN(likes/10 + 3),
		"saved":          r.IntN(likes/8 + 3),
		"profile_visits": r.IntN(reach/20 + 2),
		"follows":        r.IntN(reach/100 + 2),
	}
	if m.ProductType == "STORY" {
		in["replies"] = r.IntN(10)
		in["navigation"] = reach + r.IntN(reach+1)
		in["total_interactions"] = in["replies"] + in["shares"]
		delete(in, "saved")
		return in
	}
	in["likes"] = likes
	in["comments"] = comments
	in["total_interactions"] = likes + comments + in["shares"] + in["saved"]
	if m.ProductType == "REELS" {
		in["ig_reels_avg_watch_time"] = 2000 + r.IntN(20000)
		in["ig_reels_video_view_total_time"] = in["views"] * in["ig_reels_avg_watch_time"]
	}
	return in
}

func (sd *seeder) accountInsights(u *igUser) AccountInsights {
	r := sd.r
	daily := map[string][]int{}
	metrics := []string{"reach", "views", "accounts_engaged", "total_interactions", "likes", "comments",
		"shares", "saves", "replies", "profile_links_taps", "follower_count", "follows_and_unfollows"}
	for _, name := range metrics {
		vals := make([]int, 30)
		for i := range vals {
			base := u.FollowersCount / 50
			switch name {
			case "reach":
				vals[i] = base + r.IntN(base+50)
			case "views":
				vals[i] = 2*base + r.IntN(2*base+100)
			case "follower_count", "follows_and_unfollows":
				vals[i] = r.IntN(40)
			default:
				vals[i] = r.IntN(base/5 + 20)
			}
		}
		daily[name] = vals
	}
	demo := map[string]map[string]int{"age": {}, "gender": {}, "country": {}, "city": {}}
	spread := func(keys []string, into map[string]int) {
		left := u.FollowersCount
		for i, k := range keys {
			if i == len(keys)-1 {
				into[k] = left
				break
			}
			n := r.IntN(left/2 + 1)
			into[k] = n
			left -= n
		}
	}
	spread(seedAges, demo["age"])
	spread([]string{"F", "M", "U"}, demo["gender"])
	spread(seedCountries, demo["country"])
	spread(seedCities, demo["city"])
	return AccountInsights{Daily: daily, Demographics: demo}
}

func (sd *seeder) caption() string {
	r := sd.r
	var b strings.Builder
	b.WriteString(pick(r, seedScenes))
	if r.IntN(2) == 0 {
		b.WriteString(" " + pick(r, seedEmoji))
	}
	if r.IntN(4) == 0 {
		b.WriteString("\n\nPhoto by @" + sd.peopleName())
	}
	if n := r.IntN(4); n > 0 {
		b.WriteString("\n")
		for range n {
			b.WriteString(" " + pick(r, seedTags))
		}
	}
	return b.String()
}

func (sd *seeder) peopleName() string {
	if len(sd.people) == 0 {
		return pick(sd.r, seedFirst)
	}
	return sd.people[sd.r.IntN(len(sd.people))].Username
}

func (sd *seeder) commentText() string {
	t := pick(sd.r, seedPraise)
	if sd.r.IntN(3) == 0 {
		t += " " + pick(sd.r, seedEmoji)
	}
	return t
}

func (sd *seeder) shortcode() string {
	b := make([]byte, 11)
	for i := range b {
		b[i] = shortcodeAlphabet[sd.r.IntN(len(shortcodeAlphabet))]
	}
	return string(b)
}

func (sd *seeder) hex(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[sd.r.IntN(16)]
	}
	return string(b)
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
