package instagramtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Comment writes and the people who comment and write.
//
// The account comments on its media (POST /{ig-media-id}/comments),
// replies (POST /{ig-comment-id}/replies), hides and unhides comments on
// its media (POST /{ig-comment-id} hide=true|false) and deletes them
// (DELETE /{ig-comment-id}, replies included). Reads are the core's (GET
// /{ig-comment-id}, the comments and replies edges); comments_count of a
// media follows every write. SimulateComment and SimulateReply make other
// people comment, with a "comments" webhook to subscribed callbacks.

// peopleState maps the usernames of people other than the account to their
// Instagram-scoped ids, the same id in comments (from.id) and messages
// (sender.id).
type peopleState struct {
	byName map[string]string
	byID   map[string]string
}

// people returns the people state, indexing the seeded commenters on first
// use; callers hold s.mu.
func (s *Server) people() *peopleState {
	st := ext[peopleState](s)
	if st.byName != nil {
		return st
	}
	st.byName, st.byID = map[string]string{}, map[string]string{}
	add := func(id string) {
		cm, ok := objectOf[*comment](s, id)
		if !ok || cm.FromID == s.acct.ID || cm.Username == "" {
			return
		}
		if _, seen := st.byName[cm.Username]; !seen {
			st.byName[cm.Username] = cm.FromID
		}
		if _, seen := st.byID[cm.FromID]; !seen {
			st.byID[cm.FromID] = cm.Username
		}
	}
	for _, mid := range s.acct.Media {
		if m, ok := objectOf[*media](s, mid); ok {
			for _, cid := range m.Comments {
				add(cid)
				if cm, ok := objectOf[*comment](s, cid); ok {
					for _, r := range cm.Replies {
						add(r)
					}
				}
			}
		}
	}
	return st
}

// contact returns the id of the person with username, creating one; the
// account's own username gives the account id. Callers hold s.mu.
func (s *Server) contact(username string) string {
	if username == s.acct.Username {
		return s.acct.ID
	}
	st := s.people()
	if id, ok := st.byName[username]; ok {
		return id
	}
	var id string
	for {
		id = s.newIDWithPrefix("6", 16)
		if _, taken := st.byID[id]; !taken {
			break
		}
	}
	st.byName[username], st.byID[id] = id, username
	return id
}

// usernameOf returns the username of a person id, making one up for ids
// the server has not seen. Callers hold s.mu.
func (s *Server) usernameOf(id string) string {
	if id == s.acct.ID {
		return s.acct.Username
	}
	st := s.people()
	if name, ok := st.byID[id]; ok {
		return name
	}
	name := "user_" + id[max(0, len(id)-6):]
	st.byName[name], st.byID[id] = id, name
	return name
}

// ContactID returns the Instagram-scoped id of the person with username,
// creating the person when new. It is the id their comments carry in
// from.id and their messages in sender.id.
func (s *Server) ContactID(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contact(username)
}

func (s *Server) setupComments() {
	s.handleEdge(kindMedia, http.MethodPost, "comments", s.postComment)
	s.handleEdge(kindComment, http.MethodPost, "replies", s.postReply)
	s.handleNode(kindComment, http.MethodPost, s.updateComment)
	s.handleNode(kindComment, http.MethodDelete, s.deleteComment)
}

func errNoPermission() *graphError {
	return newError(http.StatusForbidden, 10, 0, typeOAuth, "(#10) Application does not have permission for this action")
}

// commentable checks that the caller's account owns m and that m takes
// comments.
func (c *call) commentable(m *media) *graphError {
	if c.tok.account != m.OwnerID {
		return errNoPermission()
	}
	if m.isCarouselItem() || m.ProductType == "STORY" {
		return errParam("Comments are not supported on this media")
	}
	if !m.CommentEnabled {
		return errParam("Comments on this media are turned off")
	}
	return nil
}

// commentText reads the message parameter of a comment or reply.
func (c *call) commentText() (string, *graphError) {
	text := c.param("message")
	if strings.TrimSpace(text) == "" {
		return "", errParam("The parameter message is required")
	}
	return text, nil
}

// addComment stores a new comment (parent "") or reply and returns it;
// callers hold s.mu.
func (s *Server) addComment(m *media, parent *comment, fromID, username, text string) *comment {
	cm := &comment{
		ID: s.newID(), Text: text, Timestamp: s.now().UTC(), FromID: fromID, Username: username, MediaID: m.ID,
	}
	s.addObject(kindComment, cm.ID, cm)
	if parent == nil {
		m.Comments = append(m.Comments, cm.ID)
	} else {
		cm.ParentID = parent.ID
		parent.Replies = append(parent.Replies, cm.ID)
	}
	return cm
}

// postComment serves POST /{ig-media-id}/comments.
func (s *Server) postComment(c *call) {
	m := c.node.(*media)
	if err := c.commentable(m); err != nil {
		c.fail(err)
		return
	}
	text, err := c.commentText()
	if err != nil {
		c.fail(err)
		return
	}
	cm := s.addComment(m, nil, s.acct.ID, s.acct.Username, text)
	c.writeJSON(http.StatusOK, map[string]string{"id": cm.ID})
}

// topComment returns the top-level comment of a thread: replies to a reply
// join the thread of its parent, as on Instagram.
func (s *Server) topComment(cm *comment) *comment {
	if cm.ParentID == "" {
		return cm
	}
	if p, ok := objectOf[*comment](s, cm.ParentID); ok {
		return p
	}
	return cm
}

// postReply serves POST /{ig-comment-id}/replies.
func (s *Server) postReply(c *call) {
	parent := s.topComment(c.node.(*comment))
	m, ok := objectOf[*media](s, parent.MediaID)
	if !ok {
		c.fail(errNoSuchObject(c.method, c.id))
		return
	}
	if err := c.commentable(m); err != nil {
		c.fail(err)
		return
	}
	text, err := c.commentText()
	if err != nil {
		c.fail(err)
		return
	}
	cm := s.addComment(m, parent, s.acct.ID, s.acct.Username, text)
	c.writeJSON(http.StatusOK, map[string]string{"id": cm.ID})
}

// updateComment serves POST /{ig-comment-id} with hide=true|false.
func (s *Server) updateComment(c *call) {
	cm := c.node.(*comment)
	m, ok := objectOf[*media](s, cm.MediaID)
	if !ok || m.OwnerID != c.tok.account {
		c.fail(errNoPermission())
		return
	}
	if !c.hasParam("hide") {
		c.fail(errParam("The parameter hide is required"))
		return
	}
	hide, ok := c.boolParam("hide")
	if !ok {
		c.fail(errParam("Param hide must be a boolean"))
		return
	}
	cm.Hidden = hide
	c.success()
}

// deleteComment serves DELETE /{ig-comment-id}. The account may delete
// comments on its media and comments it made; a top-level comment takes
// its replies with it.
func (s *Server) deleteComment(c *call) {
	cm := c.node.(*comment)
	m, ok := objectOf[*media](s, cm.MediaID)
	if cm.FromID != c.tok.account && (!ok || m.OwnerID != c.tok.account) {
		c.fail(errNoPermission())
		return
	}
	s.removeComment(cm, m)
	c.success()
}

// removeComment unlinks a comment (and its replies) from the registry and
// from its media or parent; callers hold s.mu.
func (s *Server) removeComment(cm *comment, m *media) {
	if cm.ParentID != "" {
		if p, ok := objectOf[*comment](s, cm.ParentID); ok {
			p.Replies = slices.DeleteFunc(p.Replies, func(id string) bool { return id == cm.ID })
		}
	} else if m != nil {
		m.Comments = slices.DeleteFunc(m.Comments, func(id string) bool { return id == cm.ID })
	}
	for _, r := range cm.Replies {
		s.removeObject(r)
	}
	s.removeObject(cm.ID)
}

// commentWebhook delivers the "comments" change (live_comments on a live
// broadcast) of a comment made by someone else on the account's media;
// callers hold s.mu.
func (s *Server) commentWebhook(m *media, cm *comment) {
	value := map[string]any{
		"from":  map[string]string{"id": cm.FromID, "username": cm.Username},
		"media": map[string]string{"id": m.ID, "media_product_type": m.ProductType},
		"id":    cm.ID,
		"text":  cm.Text,
	}
	if cm.ParentID != "" {
		value["parent_id"] = cm.ParentID
	}
	field := "comments"
	if m.ProductType == "LIVE" {
		field = "live_comments"
	}
	s.emitChange(m.OwnerID, field, value)
}

// SimulateComment makes the person fromUsername comment text on a media of
// the account, as if from the Instagram app: the comment is listed, counts
// in comments_count, and a "comments" webhook ("live_comments" on a live
// broadcast, see StartLive) goes to subscribed callbacks.
// It returns the comment id. It panics when mediaID is not a media that
// takes comments.
func (s *Server) SimulateComment(mediaID, fromUsername, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := objectOf[*media](s, mediaID)
	if !ok || m.isCarouselItem() || m.ProductType == "STORY" {
		panic(fmt.Sprintf("instagramtest: SimulateComment: %q is not a media that takes comments", mediaID))
	}
	cm := s.addComment(m, nil, s.contact(fromUsername), fromUsername, text)
	s.commentWebhook(m, cm)
	return cm.ID
}

// SimulateReply makes the person fromUsername reply text to a comment (a
// reply to a reply joins the thread of its top-level comment), with a
// "comments" webhook carrying parent_id. It returns the reply id and
// panics when commentID is unknown.
func (s *Server) SimulateReply(commentID, fromUsername, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	cm, ok := objectOf[*comment](s, commentID)
	if !ok {
		panic(fmt.Sprintf("instagramtest: SimulateReply: no comment %q", commentID))
	}
	parent := s.topComment(cm)
	m, ok := objectOf[*media](s, parent.MediaID)
	if !ok {
		panic(fmt.Sprintf("instagramtest: SimulateReply: comment %q has no media", commentID))
	}
	r := s.addComment(m, parent, s.contact(fromUsername), fromUsername, text)
	s.commentWebhook(m, r)
	return r.ID
}

// Comment is a snapshot of a comment or reply.
type Comment struct {
	ID        string
	Text      string
	Timestamp time.Time
	// FromID and Username are the author's.
	FromID    string
	Username  string
	LikeCount int
	Hidden    bool
	MediaID   string
	// ParentID is the comment replied to, "" for top-level comments.
	ParentID string
	// Replies lists reply ids, oldest first.
	Replies []string
}

// Comment returns a snapshot of a comment or reply; ok is false when it
// does not exist (or was deleted).
func (s *Server) Comment(id string) (Comment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cm, ok := objectOf[*comment](s, id)
	if !ok {
		return Comment{}, false
	}
	return Comment{
		ID: cm.ID, Text: cm.Text, Timestamp: cm.Timestamp, FromID: cm.FromID, Username: cm.Username,
		LikeCount: cm.LikeCount, Hidden: cm.Hidden, MediaID: cm.MediaID, ParentID: cm.ParentID,
		Replies: slices.Clone(cm.Replies),
	}, true
}
