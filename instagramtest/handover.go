package instagramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Thread control (Conversation Routing, which replaced the Handover
// Protocol for Instagram; G11): POST /{page-id}/pass_thread_control,
// take_thread_control, request_thread_control, release_thread_control,
// extend_thread_control and GET /{page-id}/thread_owner, with a Page
// token. Meta serves them on the Page only: with Instagram Login there is
// no Page to call, and the account node has no such edges.
//
// Each conversation is idle or owned by an app until an expiration (24
// hours after control was gained, or what extend_thread_control set, up
// to 7 days). The server's own app is AppID. Without Conversation Routing
// (the default, Meta's "default behavior") take is refused and request
// works; with it (SetConversationRouting) take works and request is
// refused. Pass needs the caller to own the thread or the thread to be
// idle, release and extend need the owner, and an app cannot take,
// request or pass to itself what it already owns. thread_owner tells the
// owner's app_id (a JSON number, as in Meta's sample) and expiration
// (unix seconds) to the owner and the default app, only the expiration to
// others, and answers {"data": []} for an idle thread. Webhooks
// (messaging_handover) reach the app they are meant for: the new owner of
// a pass, the previous owner of a take, the owner asked by a request;
// SimulateThreadControl makes another app act on the server's app.
//
// Meta documents no error codes for refused thread control calls; they
// are answered with code 100 here.

type handoverState struct {
	routingApp string                // default app of Conversation Routing; "" when off
	control    map[string]*threadCtl // by account + "/" + IGSID
}

type threadCtl struct {
	owner   string
	expires time.Time
}

// defaultControl is how long control lasts once gained.
const defaultControl = 24 * time.Hour

func setupHandover(s *Server) {
	ext[handoverState](s).control = map[string]*threadCtl{}
	for edge, h := range map[string]handler{
		"pass_thread_control":    s.passThreadControl,
		"take_thread_control":    s.takeThreadControl,
		"request_thread_control": s.requestThreadControl,
		"release_thread_control": s.releaseThreadControl,
		"extend_thread_control":  s.extendThreadControl,
	} {
		s.handleEdge(kindPage, http.MethodPost, edge, h)
	}
	s.handleEdge(kindPage, http.MethodGet, "thread_owner", s.getThreadOwner)
}

// threadOwner returns the app owning the thread now and when its
// control lapses; "" when idle.
func (s *Server) threadOwner(account, igsid string) (string, time.Time) {
	tc := ext[handoverState](s).control[account+"/"+igsid]
	if tc == nil || tc.owner == "" || !s.now().Before(tc.expires) {
		return "", time.Time{}
	}
	return tc.owner, tc.expires
}

func (s *Server) setThreadOwner(account, igsid, app string, until time.Time) {
	st := ext[handoverState](s)
	if app == "" {
		delete(st.control, account+"/"+igsid)
		return
	}
	st.control[account+"/"+igsid] = &threadCtl{owner: app, expires: until}
}

// parseRecipient reads recipient: {"id": "..."} as JSON, Meta's sample
// form {id:...}, or a bare IGSID.
func parseRecipient(raw string) string {
	raw = strings.TrimSpace(raw)
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal([]byte(raw), &v) == nil && len(v.ID) > 0 {
		var id string
		if json.Unmarshal(v.ID, &id) == nil {
			return id
		}
		return string(v.ID)
	}
	if inner, ok := strings.CutPrefix(raw, "{"); ok {
		inner = strings.TrimSuffix(inner, "}")
		if _, id, ok := strings.Cut(inner, ":"); ok {
			return strings.Trim(strings.TrimSpace(id), `"`)
		}
	}
	return raw
}

// controlCall checks the caller and the recipient; it answers the error
// itself.
func (c *call) controlCall() (account, igsid string, ok bool) {
	account, ok = c.messagingAccount()
	if !ok {
		return "", "", false
	}
	igsid = parseRecipient(c.param("recipient"))
	if igsid == "" {
		c.fail(errParam("The parameter recipient is required"))
		return "", "", false
	}
	if c.s.threadFor(account, igsid, false) == nil {
		c.fail(errParam("No matching user found for recipient %s", igsid))
		return "", "", false
	}
	return account, igsid, true
}

// emitHandover delivers a messaging_handover item when it is meant for the
// server's app.
func (s *Server) emitHandover(to, account, igsid, action string, payload map[string]any) {
	if to != s.AppID {
		return
	}
	s.emitMessaging(account, map[string]any{
		"sender": map[string]string{"id": igsid}, "recipient": map[string]string{"id": account},
		"timestamp": s.now().UnixMilli(), action: payload,
	})
}

func handoverPayload(previous, next, metadata string) map[string]any {
	p := map[string]any{"previous_owner_app_id": nil, "new_owner_app_id": next}
	if previous != "" {
		p["previous_owner_app_id"] = previous
	}
	if metadata != "" {
		p["metadata"] = metadata
	}
	return p
}

func (s *Server) passThreadControl(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	owner, _ := s.threadOwner(account, igsid)
	st := ext[handoverState](s)
	target := strings.TrimSpace(c.param("target_app_id"))
	switch {
	case owner != "" && owner != s.AppID:
		c.fail(errParam("Only the thread owner can pass thread control; the thread is owned by another app"))
		return
	case target == "" && st.routingApp == "":
		c.fail(errParam("The parameter target_app_id is required when conversation routing is not configured"))
		return
	case target == "":
		target = st.routingApp
	}
	if owner == s.AppID && target == s.AppID {
		c.fail(errParam("The thread owner cannot pass thread control to itself"))
		return
	}
	s.setThreadOwner(account, igsid, target, s.now().Add(defaultControl))
	s.emitHandover(target, account, igsid, "pass_thread_control", handoverPayload(owner, target, c.param("metadata")))
	c.success()
}

func (s *Server) takeThreadControl(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	if ext[handoverState](s).routingApp == "" {
		c.fail(errParam("Take thread control is only available when conversation routing is configured with a default application"))
		return
	}
	owner, _ := s.threadOwner(account, igsid)
	if owner == s.AppID {
		c.fail(errParam("The app already owns the thread"))
		return
	}
	s.setThreadOwner(account, igsid, s.AppID, s.now().Add(defaultControl))
	if owner != "" {
		s.emitHandover(owner, account, igsid, "take_thread_control", handoverPayload(owner, s.AppID, c.param("metadata")))
	}
	c.success()
}

func (s *Server) requestThreadControl(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	if ext[handoverState](s).routingApp != "" {
		c.fail(errParam("Request thread control is not available when conversation routing is configured"))
		return
	}
	owner, _ := s.threadOwner(account, igsid)
	switch owner {
	case s.AppID:
		c.fail(errParam("The app already owns the thread"))
		return
	case "":
		s.setThreadOwner(account, igsid, s.AppID, s.now().Add(defaultControl))
		s.emitHandover(s.AppID, account, igsid, "pass_thread_control", handoverPayload("", s.AppID, c.param("metadata")))
	default:
		p := map[string]any{"requested_owner_app_id": s.AppID}
		if m := c.param("metadata"); m != "" {
			p["metadata"] = m
		}
		s.emitHandover(owner, account, igsid, "request_thread_control", p)
	}
	c.success()
}

func (s *Server) releaseThreadControl(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	if owner, _ := s.threadOwner(account, igsid); owner != s.AppID {
		c.fail(errParam("Only the thread owner can release thread control"))
		return
	}
	s.setThreadOwner(account, igsid, "", time.Time{})
	c.success()
}

func (s *Server) extendThreadControl(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(c.param("duration")), 10, 64)
	if err != nil || secs <= 0 || secs > int64(7*24*time.Hour/time.Second) {
		c.fail(errParam("Param duration must be a number of seconds between 1 and 604800"))
		return
	}
	if owner, _ := s.threadOwner(account, igsid); owner != s.AppID {
		c.fail(errParam("Only the thread owner can extend thread control"))
		return
	}
	s.setThreadOwner(account, igsid, s.AppID, s.now().Add(time.Duration(secs)*time.Second))
	c.success()
}

func (s *Server) getThreadOwner(c *call) {
	account, igsid, ok := c.controlCall()
	if !ok {
		return
	}
	owner, expires := s.threadOwner(account, igsid)
	data := []any{}
	if owner != "" {
		to := newObject()
		if owner == s.AppID || s.AppID == ext[handoverState](s).routingApp {
			to.set("app_id", json.Number(owner))
		}
		to.set("expiration", expires.Unix())
		data = append(data, newObject().set("thread_owner", to))
	}
	c.writeJSON(http.StatusOK, map[string]any{"data": data})
}

// SetConversationRouting configures Conversation Routing for the seeded
// account with defaultAppID as its default app (take_thread_control then
// works and request_thread_control is refused), or turns it off with "".
func (s *Server) SetConversationRouting(defaultAppID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ext[handoverState](s).routingApp = defaultAppID
}

// ThreadControl returns the app that controls the conversation with the
// person igsid and when its control lapses; "" when the thread is idle.
func (s *Server) ThreadControl(igsid string) (appID string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.threadOwner(s.acct.ID, igsid)
}

// SimulateThreadControl makes another app, appID, act on the conversation
// with igsid as Meta would let it, and delivers the messaging_handover
// webhook the server's app gets: action "pass_thread_control" passes
// control to the server's app (appID must own the thread or the thread be
// idle), "take_thread_control" takes it from the server's app (needs
// Conversation Routing and the server's app as owner) and
// "request_thread_control" asks the server's app, the owner, for it
// (needs routing off). metadata is sent along.
func (s *Server) SimulateThreadControl(action, igsid, appID, metadata string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	account := s.acct.ID
	if appID == "" || appID == s.AppID {
		return errors.New("instagramtest: SimulateThreadControl: appID must be another app's id")
	}
	if s.threadFor(account, igsid, false) == nil {
		return fmt.Errorf("instagramtest: SimulateThreadControl: no conversation with %s", igsid)
	}
	owner, _ := s.threadOwner(account, igsid)
	st := ext[handoverState](s)
	switch action {
	case "pass_thread_control":
		if owner != "" && owner != appID {
			return fmt.Errorf("instagramtest: SimulateThreadControl: the thread is owned by %s", owner)
		}
		s.setThreadOwner(account, igsid, s.AppID, s.now().Add(defaultControl))
		s.emitHandover(s.AppID, account, igsid, action, handoverPayload(owner, s.AppID, metadata))
	case "take_thread_control":
		if st.routingApp == "" || owner != s.AppID {
			return errors.New("instagramtest: SimulateThreadControl: take needs conversation routing and the server's app as owner")
		}
		s.setThreadOwner(account, igsid, appID, s.now().Add(defaultControl))
		s.emitHandover(s.AppID, account, igsid, action, handoverPayload(s.AppID, appID, metadata))
	case "request_thread_control":
		if st.routingApp != "" || owner != s.AppID {
			return errors.New("instagramtest: SimulateThreadControl: request needs routing off and the server's app as owner")
		}
		p := map[string]any{"requested_owner_app_id": appID}
		if metadata != "" {
			p["metadata"] = metadata
		}
		s.emitHandover(s.AppID, account, igsid, action, p)
	default:
		return fmt.Errorf("instagramtest: SimulateThreadControl: unknown action %q", action)
	}
	return nil
}
