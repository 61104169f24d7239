package instagramtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file adds the account's surroundings and the user edges around
// them:
//
//   - other professional accounts, readable through business discovery
//     (GET /{ig-user-id}?fields=business_discovery.username(x){...});
//   - media of those accounts that @mention the account in their caption
//     or a comment (fields=mentioned_media.media_id(x){...} and
//     mentioned_comment.comment_id(x){...}), answered with
//     POST /{ig-user-id}/mentions;
//   - media in which the account is tagged (GET /{ig-user-id}/tags);
//   - stories of the last 24 hours (GET /{ig-user-id}/stories) and live
//     broadcasts started with StartLive (GET /{ig-user-id}/live_media);
//   - the content publishing quota (GET /{ig-user-id}/content_publishing_limit);
//   - collaboration invites (GET and POST /{ig-user-id}/collaboration_invites)
//     and the collaborators of media (see mediaops.go).

// worldState is the seeded state around the account, shared by the
// discovery, media, shopping and insights extensions. Get it with world(s).
type worldState struct {
	ready bool
	// others are the other professional accounts, in seed order.
	others []string
	// byUsername maps a lower-case username to a professional account.
	byUsername map[string]string
	// tagged lists, per account, the media it is tagged in, newest first.
	tagged map[string][]string
	// invites lists, per account, the media it is invited to collaborate
	// on and has not answered, newest first.
	invites map[string][]string
	// collabs lists the collaborators of a media, in invite order.
	collabs map[string][]*collaborator
	// live lists, per account, its broadcasts in progress.
	live map[string][]string
	// viewers is the live viewer count of a broadcast.
	viewers map[string]int
	// mentionMedia and mentionComments are the seeded mentions of the
	// account, for Network.
	mentionMedia    []string
	mentionComments []string
}

// collaborator is an account invited to co-author a media.
type collaborator struct {
	UserID   string
	Username string
	Status   string // Accepted, Pending, Declined
}

// publishingQuota is the content publishing limit. Another extension (the
// publishing one) may set Usage to count its own publications, and Total
// or Window to change the limit; by default every feed, reels or story
// media created after NewServer counts.
type publishingQuota struct {
	Total  int
	Window time.Duration
	// Usage counts the media account published through the API since t.
	Usage func(s *Server, account string, since time.Time) int
}

// Publishing limit defaults: Meta's content publishing guide gives 100
// posts per moving 24 hours.
const (
	defaultPublishQuota  = 100
	defaultPublishWindow = 24 * time.Hour
)

// world returns the shared state, seeding it on first use. Callers hold
// s.mu or run during setup.
func world(s *Server) *worldState {
	w := ext[worldState](s)
	if !w.ready {
		w.ready = true
		seedWorld(s, w)
	}
	return w
}

// seedWorld creates three other business accounts with media, mentions of
// the account in captions and comments, tags of the account, a pending
// collaboration invite, and collaborators on two of the account's media.
func seedWorld(s *Server, w *worldState) {
	w.byUsername = map[string]string{}
	w.tagged = map[string][]string{}
	w.invites = map[string][]string{}
	w.collabs = map[string][]*collaborator{}
	w.live = map[string][]string{}
	w.viewers = map[string]int{}

	acct := s.acct
	w.byUsername[strings.ToLower(acct.Username)] = acct.ID
	sd := &seeder{s: s, r: s.rand("world")}
	r := sd.r
	for i := 0; len(w.others) < 3; i++ {
		adj, noun := seedAdjectives[(i*5+3)%len(seedAdjectives)], seedNouns[(i*7+2)%len(seedNouns)]
		name := noun + "." + adj
		if _, taken := w.byUsername[name]; taken {
			continue
		}
		u := &igUser{
			ID:             s.newIDWithPrefix("17841", 17),
			IGID:           int64(1_000_000_000 + r.IntN(8_000_000_000)),
			Username:       name,
			Name:           title(adj) + " " + title(noun) + " Co.",
			Biography:      pick(r, seedBios),
			FollowersCount: 2000 + r.IntN(400_000),
			FollowsCount:   10 + r.IntN(900),
			AccountType:    "BUSINESS",
		}
		u.Website = "https://" + noun + adj + ".example.org/"
		s.addObject(kindUser, u.ID, u)
		w.byUsername[name] = u.ID
		w.others = append(w.others, u.ID)

		at := s.start.UTC().Truncate(time.Minute).Add(-time.Duration(60+r.IntN(600)) * time.Minute)
		for j := range 8 + r.IntN(6) {
			typ := []string{"IMAGE", "IMAGE", "VIDEO", "REELS"}[r.IntN(4)]
			m := newWorldMedia(s, sd, u, typ, at)
			u.Media = append(u.Media, m.ID)
			switch {
			case j == 1 || j == 4 && i == 0:
				m.Caption += " with @" + acct.Username
				w.mentionMedia = append(w.mentionMedia, m.ID)
			case j == 2 || j == 6:
				w.tagged[acct.ID] = append(w.tagged[acct.ID], m.ID)
			case j == 3:
				p := pick(r, seedFirst) + "." + pick(r, seedLast) + strconv.Itoa(r.IntN(100))
				c := &comment{
					ID: s.newID(), Text: "@" + acct.Username + " " + strings.ToLower(pick(r, seedPraise)),
					Timestamp: m.Timestamp.Add(time.Duration(1+r.IntN(90)) * time.Minute),
					FromID:    s.newIDWithPrefix("17841", 17), Username: p, MediaID: m.ID,
				}
				s.addObject(kindComment, c.ID, c)
				m.Comments = append(m.Comments, c.ID)
				w.mentionComments = append(w.mentionComments, c.ID)
			case j == 5 && i == 0:
				w.invites[acct.ID] = append(w.invites[acct.ID], m.ID)
				w.collabs[m.ID] = append(w.collabs[m.ID], &collaborator{UserID: acct.ID, Username: acct.Username, Status: "Pending"})
			}
			at = at.Add(-time.Duration(8*60+r.IntN(48*60)) * time.Minute)
		}
	}
	// Collaborators on two of the account's own posts.
	statuses := []string{"Accepted", "Pending"}
	for k, idx := range []int{2, 5} {
		if idx >= len(acct.Media) {
			break
		}
		mid := acct.Media[idx]
		for n, oid := range w.others[:2] {
			o, _ := objectOf[*igUser](s, oid)
			w.collabs[mid] = append(w.collabs[mid], &collaborator{UserID: o.ID, Username: o.Username, Status: statuses[(k+n)%2]})
		}
	}
}

// newWorldMedia creates and registers a public media of another account.
func newWorldMedia(s *Server, sd *seeder, u *igUser, typ string, at time.Time) *media {
	r := sd.r
	m := &media{
		ID: s.newID(), OwnerID: u.ID, MediaType: typ, ProductType: "FEED",
		Caption: sd.caption(), Shortcode: sd.shortcode(), Timestamp: at, CommentEnabled: true,
		IGID: digits(r.Uint64(), 19), LikeCount: r.IntN(u.FollowersCount/30 + 20),
	}
	m.Permalink = "https://www.instagram.com/p/" + m.Shortcode + "/"
	switch typ {
	case "IMAGE":
		m.File = m.ID + ".jpg"
	case "VIDEO":
		m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
	case "REELS":
		m.MediaType, m.ProductType = "VIDEO", "REELS"
		m.File, m.Thumb = m.ID+".mp4", m.ID+"_thumb.jpg"
		m.Permalink = "https://www.instagram.com/reel/" + m.Shortcode + "/"
	}
	s.addObject(kindMedia, m.ID, m)
	return m
}

// Network is a snapshot of what surrounds the seeded account.
type Network struct {
	// Accounts are other professional accounts, readable with business
	// discovery by username.
	Accounts []Account
	// MentionedMedia are media of other accounts whose caption
	// @mentions the account.
	MentionedMedia []string
	// MentionedComments are comments of other people that @mention the
	// account.
	MentionedComments []string
	// TaggedMedia are media the account is tagged in, newest first.
	TaggedMedia []string
	// PendingInvites are media the account is invited to collaborate on.
	PendingInvites []string
	// CollabMedia are the account's own media with collaborators.
	CollabMedia []string
	// Live are the account's broadcasts in progress.
	Live []string
}

// Network returns a snapshot of the accounts, mentions, tags and
// collaborations around the seeded account.
func (s *Server) Network() Network {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := world(s)
	var n Network
	for _, id := range w.others {
		u, _ := objectOf[*igUser](s, id)
		n.Accounts = append(n.Accounts, Account{
			ID: u.ID, IGID: u.IGID, Username: u.Username, Name: u.Name, Biography: u.Biography,
			Website: u.Website, ProfilePictureURL: s.fileURL(profileFile(u)), FollowersCount: u.FollowersCount,
			FollowsCount: u.FollowsCount, MediaCount: len(u.Media), AccountType: u.AccountType,
		})
	}
	n.MentionedMedia = slices.Clone(w.mentionMedia)
	n.MentionedComments = slices.Clone(w.mentionComments)
	n.TaggedMedia = slices.Clone(w.tagged[s.acct.ID])
	n.PendingInvites = slices.Clone(w.invites[s.acct.ID])
	for _, id := range s.acct.Media {
		if len(w.collabs[id]) > 0 {
			n.CollabMedia = append(n.CollabMedia, id)
		}
	}
	n.Live = slices.Clone(w.live[s.acct.ID])
	return n
}

// StartLive starts a live broadcast of the seeded account with the given
// number of viewers; it shows in GET /{ig-user-id}/live_media until
// EndLive. It returns the media id.
func (s *Server) StartLive(viewers int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := world(s)
	u := s.acct
	m := &media{
		ID: s.newID(), OwnerID: u.ID, MediaType: "BROADCAST", ProductType: "LIVE",
		Timestamp: s.now().UTC().Truncate(time.Second), CommentEnabled: true,
	}
	m.Shortcode = digits(s.idRand.Uint64(), 11)
	m.Permalink = "https://www.instagram.com/" + u.Username + "/live/"
	s.addObject(kindMedia, m.ID, m)
	w.live[u.ID] = append([]string{m.ID}, w.live[u.ID]...)
	w.viewers[m.ID] = viewers
	return m.ID
}

// EndLive ends a broadcast started with StartLive; like Meta's, the media
// can no longer be read.
func (s *Server) EndLive(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := world(s)
	for acct, ids := range w.live {
		w.live[acct] = slices.DeleteFunc(ids, func(x string) bool { return x == id })
	}
	delete(w.viewers, id)
	s.removeObject(id)
}

// ownAccount answers 100/33 unless the call addresses the token's own
// account, as Meta does for another account's private edges.
func ownAccount(c *call) bool {
	if c.tok == nil || c.id != c.tok.account {
		c.fail(errNoSuchObject(c.method, c.id))
		return false
	}
	return true
}

// facebookOnly answers like an unknown edge for Instagram Login callers.
func facebookOnly(c *call) bool {
	if c.host() != onFacebook {
		c.fail(errUnknownPath("/" + c.edge))
		return false
	}
	return true
}

// discoveryFields are the fields business discovery serves.
var discoveryFields = map[string]bool{
	"id": true, "ig_id": true, "username": true, "name": true, "biography": true, "website": true,
	"profile_picture_url": true, "followers_count": true, "follows_count": true, "media_count": true, "media": true,
}

func errUnknownUsername(name string) *graphError {
	return newError(http.StatusBadRequest, 110, 2207013, typeOAuth, "Invalid user id").
		userMessage("Cannot find User", "The user with username: "+name+" cannot be found.")
}

func setupDiscovery(s *Server) {
	w := world(s)
	uk := s.kind(kindUser)

	uk.field("business_discovery", onFacebook, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		name := strings.TrimPrefix(strings.TrimSpace(f.args["username"]), "@")
		if name == "" {
			return nil, false, errParam("business_discovery requires a username, as business_discovery.username(name){fields}")
		}
		id, ok := w.byUsername[strings.ToLower(name)]
		if !ok {
			return nil, false, errUnknownUsername(name)
		}
		sel := f.sub
		if !f.hasSub || len(sel) == 0 {
			sel = names("id")
		}
		for _, sf := range sel {
			if !discoveryFields[sf.name] {
				return nil, false, errUnknownField(sf.name, "BusinessDiscovery")
			}
		}
		o, err := c.render(id, sel)
		if err != nil {
			return nil, false, err
		}
		return o, true, nil
	})

	mention := func(c *call, text string) bool {
		return strings.Contains(strings.ToLower(text), "@"+strings.ToLower(c.s.acct.Username))
	}
	uk.field("mentioned_media", onFacebook, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		id := f.args["media_id"]
		m, ok := objectOf[*media](c.s, id)
		if !ok || v.(*igUser).ID != c.s.acct.ID || !mention(c, m.Caption) {
			return nil, false, errParam("The media %s does not mention this account or cannot be loaded", id)
		}
		o, err := c.render(id, f.sub)
		return o, err == nil, err
	})
	uk.field("mentioned_comment", onFacebook, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		id := f.args["comment_id"]
		cm, ok := objectOf[*comment](c.s, id)
		if !ok || v.(*igUser).ID != c.s.acct.ID || !mention(c, cm.Text) {
			return nil, false, errParam("The comment %s does not mention this account or cannot be loaded", id)
		}
		o, err := c.render(id, f.sub)
		return o, err == nil, err
	})

	s.handleEdge(kindUser, http.MethodPost, "mentions", func(c *call) {
		if !ownAccount(c) {
			return
		}
		mediaID, msg, commentID := c.param("media_id"), strings.TrimSpace(c.param("message")), c.param("comment_id")
		if mediaID == "" {
			c.fail(errParam("The parameter media_id is required"))
			return
		}
		if msg == "" {
			c.fail(errParam("The parameter message is required"))
			return
		}
		m, ok := objectOf[*media](c.s, mediaID)
		if !ok {
			c.fail(errNoSuchObject(http.MethodGet, mediaID))
			return
		}
		now := c.s.now().UTC().Truncate(time.Second)
		reply := &comment{ID: c.s.newID(), Text: msg, Timestamp: now, FromID: c.s.acct.ID, Username: c.s.acct.Username, MediaID: m.ID}
		if commentID != "" {
			parent, ok := objectOf[*comment](c.s, commentID)
			if !ok || parent.MediaID != m.ID || !mention(c, parent.Text) {
				c.fail(errParam("The comment %s on media %s does not mention this account", commentID, mediaID))
				return
			}
			if parent.ParentID != "" {
				parent, _ = objectOf[*comment](c.s, parent.ParentID)
			}
			reply.ParentID = parent.ID
			parent.Replies = append(parent.Replies, reply.ID)
		} else {
			if !mention(c, m.Caption) {
				c.fail(errParam("The media %s does not mention this account", mediaID))
				return
			}
			m.Comments = append(m.Comments, reply.ID)
		}
		c.s.addObject(kindComment, reply.ID, reply)
		c.writeJSON(http.StatusOK, map[string]string{"id": reply.ID})
	})

	s.listEdge(kindUser, "stories", onBoth, func(c *call, id string) ([]string, *graphError) {
		if c.tok == nil || id != c.tok.account {
			return nil, errNoSuchObject(http.MethodGet, id)
		}
		u, _ := objectOf[*igUser](c.s, id)
		cutoff := c.s.now().Add(-24 * time.Hour)
		var out []string
		for _, mid := range u.Stories {
			if m, ok := objectOf[*media](c.s, mid); ok && m.Timestamp.After(cutoff) {
				out = append(out, mid)
			}
		}
		return out, nil
	})
	s.listEdge(kindUser, "tags", onBoth, func(c *call, id string) ([]string, *graphError) {
		if c.tok == nil || id != c.tok.account {
			return nil, errNoSuchObject(http.MethodGet, id)
		}
		return existing(c.s, w.tagged[id]), nil
	})
	s.listEdge(kindUser, "live_media", onBoth, func(c *call, id string) ([]string, *graphError) {
		if c.tok == nil || id != c.tok.account {
			return nil, errNoSuchObject(http.MethodGet, id)
		}
		since, err := unixParam(c, "since")
		if err != nil {
			return nil, err
		}
		until, err := unixParam(c, "until")
		if err != nil {
			return nil, err
		}
		var out []string
		for _, mid := range existing(c.s, w.live[id]) {
			m, _ := objectOf[*media](c.s, mid)
			if !since.IsZero() && m.Timestamp.Before(since) || !until.IsZero() && m.Timestamp.After(until) {
				continue
			}
			out = append(out, mid)
		}
		return out, nil
	})
	fieldOf(s.kind(kindMedia), "current_live_viewer_count", onBoth, func(c *call, m *media) (any, bool) {
		n, ok := world(c.s).viewers[m.ID]
		return n, ok
	})

	s.handleEdge(kindUser, http.MethodGet, "content_publishing_limit", func(c *call) {
		if !ownAccount(c) {
			return
		}
		q := ext[publishingQuota](c.s)
		total, window := q.Total, q.Window
		if total <= 0 {
			total = defaultPublishQuota
		}
		if window <= 0 {
			window = defaultPublishWindow
		}
		now := c.s.now()
		since, err := unixParam(c, "since")
		if err != nil {
			c.fail(err)
			return
		}
		if since.IsZero() {
			since = now.Add(-window)
		} else if since.Before(now.Add(-window)) {
			c.fail(errParam("The parameter since must be within the last %d hours", int(window/time.Hour)))
			return
		}
		var used int
		if q.Usage != nil {
			used = q.Usage(c.s, c.id, since)
		} else {
			used = publishedSince(c.s, c.id, since)
		}
		sel, gerr := c.selection()
		if gerr != nil {
			c.fail(gerr)
			return
		}
		if len(sel) == 0 {
			sel = names("quota_usage")
		}
		out := newObject()
		for _, f := range sel {
			switch f.name {
			case "quota_usage":
				out.set("quota_usage", used)
			case "config":
				out.set("config", newObject().set("quota_total", total).set("quota_duration", int(window/time.Second)))
			default:
				c.fail(errUnknownField(f.name, "ContentPublishingLimitResponse"))
				return
			}
		}
		c.writeJSON(http.StatusOK, newObject().set("data", []any{out}))
	})

	s.handleEdge(kindUser, http.MethodGet, "collaboration_invites", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		sel, err := c.selection()
		if err != nil {
			c.fail(err)
			return
		}
		if len(sel) == 0 {
			sel = names("media_id", "media_owner_username", "caption", "media_url")
		}
		ids := existing(c.s, w.invites[c.id])
		writePage(c, ids, func(id string) string { return id }, func(id string) (any, *graphError) {
			m, _ := objectOf[*media](c.s, id)
			owner, _ := objectOf[*igUser](c.s, m.OwnerID)
			o := newObject()
			for _, f := range sel {
				switch f.name {
				case "media_id":
					o.set("media_id", m.ID)
				case "media_owner_username":
					if owner != nil {
						o.set("media_owner_username", owner.Username)
					}
				case "caption":
					o.set("caption", m.Caption)
				case "media_url":
					o.set("media_url", c.s.fileURL(m.File))
				default:
					return nil, errUnknownField(f.name, "ShadowIGUserCollaborationInvites")
				}
			}
			return o, nil
		})
	})
	s.handleEdge(kindUser, http.MethodPost, "collaboration_invites", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		mediaID := c.param("media_id")
		accept, ok := c.boolParam("accept")
		if mediaID == "" || !ok {
			c.fail(errParam("The parameters media_id and accept (true or false) are required"))
			return
		}
		pending := w.invites[c.id]
		i := slices.Index(pending, mediaID)
		if i < 0 {
			c.fail(errParam("There is no pending collaboration invite for media %s", mediaID))
			return
		}
		w.invites[c.id] = slices.Delete(slices.Clone(pending), i, i+1)
		for _, co := range w.collabs[mediaID] {
			if co.UserID == c.id {
				co.Status = "Declined"
				if accept {
					co.Status = "Accepted"
				}
			}
		}
		c.success()
	})
}

// existing keeps the ids still registered (deleted media disappear).
func existing(s *Server, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := s.objects[id]; ok {
			out = append(out, id)
		}
	}
	return out
}

// publishedSince counts the account's feed, reels and story media created
// after the server started, at or after since. Carousel items are not
// counted (an album counts once).
func publishedSince(s *Server, account string, since time.Time) int {
	u, ok := objectOf[*igUser](s, account)
	if !ok {
		return 0
	}
	n := 0
	for _, ids := range [][]string{u.Media, u.Stories} {
		for _, id := range ids {
			m, ok := objectOf[*media](s, id)
			if ok && !m.Timestamp.Before(s.start) && !m.Timestamp.Before(since) {
				n++
			}
		}
	}
	return n
}
