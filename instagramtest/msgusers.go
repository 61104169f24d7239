package instagramtest

import (
	"net/http"
	"strconv"
	"strings"
)

// The User Profile API (GET /{igsid}, G8) and the Attachment Upload API
// (POST /{ig-user-id}/message_attachments, G9).
//
// A person's profile is served only to the account the person has sent a
// message to (Meta's consent rule); otherwise the answer is error 230. The
// fields are name, username, profile_pic, follower_count,
// is_user_follow_business, is_business_follow_user and is_verified_user.
//
// message_attachments takes platform=instagram and
// message={attachment:{type,payload:{url,is_reusable}}} with type image,
// video, audio or file and answers {attachment_id}.

const kindScopedUser = "ig_scoped_user"

// scopedUser is a person as a business sees them (an IGSID).
type scopedUser struct{ ID string }

func setupMsgUsers(s *Server) {
	k := s.defineKind(kindScopedUser, "User", "User", onBoth)
	k.setDefaults("name", "username", "profile_pic", "id")
	fieldOf(k, "name", onBoth, func(c *call, u *scopedUser) (any, bool) {
		n := c.s.usernameOf(u.ID)
		return strings.ToUpper(n[:1]) + strings.ReplaceAll(n[1:], ".", " "), true
	})
	fieldOf(k, "username", onBoth, func(c *call, u *scopedUser) (any, bool) { return c.s.usernameOf(u.ID), true })
	fieldOf(k, "profile_pic", onBoth, func(c *call, u *scopedUser) (any, bool) {
		return c.s.fileURL("profile-" + u.ID + ".jpg"), true
	})
	fieldOf(k, "follower_count", onBoth, func(_ *call, u *scopedUser) (any, bool) { return weight(u.ID, "followers") * 37, true })
	fieldOf(k, "is_user_follow_business", onBoth, func(_ *call, u *scopedUser) (any, bool) { return weight(u.ID, "follows") > 50, true })
	fieldOf(k, "is_business_follow_user", onBoth, func(_ *call, u *scopedUser) (any, bool) { return weight(u.ID, "followed") > 80, true })
	fieldOf(k, "is_verified_user", onBoth, func(_ *call, u *scopedUser) (any, bool) { return false, true })
	s.handleNode(kindScopedUser, http.MethodGet, s.getScopedUser)

	for _, kind := range []string{kindUser, kindPage} {
		s.handleEdge(kind, http.MethodPost, "message_attachments", s.postMessageAttachment)
	}
}

// registerScopedUser makes the person answer GET /{igsid}; callers hold
// s.mu.
func (s *Server) registerScopedUser(id string) {
	if _, ok := s.objects[id]; !ok {
		s.addObject(kindScopedUser, id, &scopedUser{ID: id})
	}
}

// getScopedUser is G8.
func (s *Server) getScopedUser(c *call) {
	u := c.node.(*scopedUser)
	if c.tok == nil || (c.tok.kind != tokenInstagram && c.tok.kind != tokenPage) {
		c.fail(newError(http.StatusBadRequest, 210, 0, typeOAuth, "(#210) A page access token is required to request this resource."))
		return
	}
	t := s.threadFor(c.tok.account, u.ID, false)
	consent := false
	if t != nil {
		for _, id := range t.Messages {
			if m, ok := objectOf[*dm](s, id); ok && m.FromID == u.ID {
				consent = true
				break
			}
		}
	}
	if !consent {
		c.fail(newError(http.StatusBadRequest, 230, 0, typeOAuth, "(#230) User consent is required to access user profile"))
		return
	}
	c.writeObject(u.ID)
}

// postMessageAttachment is G9.
func (s *Server) postMessageAttachment(c *call) {
	if _, ok := c.messagingAccount(); !ok {
		return
	}
	if p := c.param("platform"); p != "instagram" {
		c.fail(errParam("param platform must be instagram"))
		return
	}
	var msg struct {
		Attachment *struct {
			Type    string `json:"type"`
			Payload *struct {
				URL        string `json:"url"`
				IsReusable bool   `json:"is_reusable"`
			} `json:"payload"`
		} `json:"attachment"`
	}
	if ok, err := c.decodeParam("message", &msg); err != nil || !ok || msg.Attachment == nil {
		c.fail(errParam("param message must be a JSON object with an attachment"))
		return
	}
	a := msg.Attachment
	switch a.Type {
	case "image", "video", "audio", "file":
	default:
		c.fail(errParam("Invalid attachment type %q", a.Type))
		return
	}
	if a.Payload == nil || !strings.HasPrefix(a.Payload.URL, "http") {
		c.fail(errParam("param message[attachment][payload][url] must be an absolute URL"))
		return
	}
	st := ext[msgState](s)
	st.seq++
	id := "18" + strconv.Itoa(1000000000000+st.seq)
	c.writeJSON(http.StatusOK, map[string]string{"attachment_id": id})
}
