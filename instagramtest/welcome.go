package instagramtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Welcome message flows (GET, POST and DELETE
// /{ig-user-id}/welcome_message_flows, G10).
//
// With an Instagram Login token the edge is on the account and takes only
// the instagram platform. With Facebook Login Meta serves the flows on the
// Page (the Messenger Platform's welcome message flows, instagram and/or
// messenger, with a Page token); the account node answers GET only, as in
// Meta's IGUser spec.
//
// POST without flow_id creates a flow from name, eligible_platforms and
// welcome_message_flow (an array of {"message": {"text", "quick_replies":
// [{content_type "text", title, payload}]}}) and answers {"flow_id"}.
// POST with flow_id updates what it carries and DELETE with flow_id
// deletes; both answer {"success": true} and are refused while the flow is
// used in an ad (SetWelcomeFlowUsedInAd). GET lists the flows, newest
// first, paged, each as {name, eligible_platforms (upper case),
// welcome_message_flow (the flow as a JSON string), last_update_time,
// is_used_in_ad, id}; with flow_id it lists that flow only.
//
// Meta does not document the error codes of these refusals (an unknown
// flow, a flow used in an ad, a bad platform); the server answers them
// with code 100, Meta's code for invalid parameters.

type welcomeState struct {
	flows map[string]*welcomeFlow // by flow id
	order map[string][]string     // account -> flow ids, oldest first
}

type welcomeFlow struct {
	ID        string
	Account   string
	Name      string
	Platforms []string // upper case, as Meta answers them
	Flow      string   // JSON text of the messages
	Updated   time.Time
	UsedInAd  bool
}

// welcomeQuickReply and welcomeStep are the stored flow's JSON, in the
// key order of Meta's answers.
type welcomeQuickReply struct {
	Title       string `json:"title"`
	ContentType string `json:"content_type"`
	Payload     string `json:"payload"`
}

type welcomeStep struct {
	Message struct {
		Text         string              `json:"text"`
		QuickReplies []welcomeQuickReply `json:"quick_replies,omitempty"`
	} `json:"message"`
}

func setupWelcomeFlows(s *Server) {
	st := ext[welcomeState](s)
	st.flows = map[string]*welcomeFlow{}
	st.order = map[string][]string{}
	for _, kind := range []string{kindUser, kindPage} {
		s.handleEdge(kind, http.MethodGet, "welcome_message_flows", s.getWelcomeFlows)
		s.handleEdge(kind, http.MethodPost, "welcome_message_flows", s.postWelcomeFlow)
		s.handleEdge(kind, http.MethodDelete, "welcome_message_flows", s.deleteWelcomeFlow)
	}
}

// welcomeAccount checks the caller may manage the flows of the node and
// returns the account they belong to. With Facebook Login the account
// node only reads them.
func (c *call) welcomeAccount() (string, bool) {
	if _, onAccount := c.node.(*igUser); onAccount && c.host() == onFacebook && c.method != http.MethodGet {
		c.fail(errNoSuchObject(c.method, c.id))
		return "", false
	}
	return c.messagingAccount()
}

// welcomeFlowOf returns the flow named by flow_id, answering the error
// itself when it is not one of the account's.
func (c *call) welcomeFlowOf(account string) (*welcomeFlow, bool) {
	id := strings.TrimSpace(c.param("flow_id"))
	if id == "" {
		c.fail(errParam("The parameter flow_id is required"))
		return nil, false
	}
	f := ext[welcomeState](c.s).flows[id]
	if f == nil || f.Account != account {
		c.fail(errParam("Invalid flow_id: no welcome message flow %s", id))
		return nil, false
	}
	return f, true
}

func (s *Server) getWelcomeFlows(c *call) {
	account, ok := c.welcomeAccount()
	if !ok {
		return
	}
	sel, gerr := c.selection()
	if gerr != nil {
		c.fail(gerr)
		return
	}
	st := ext[welcomeState](s)
	var items []*welcomeFlow
	if c.hasParam("flow_id") {
		f, ok := c.welcomeFlowOf(account)
		if !ok {
			return
		}
		items = []*welcomeFlow{f}
	} else {
		ids := st.order[account]
		for i := len(ids) - 1; i >= 0; i-- {
			items = append(items, st.flows[ids[i]])
		}
	}
	writePage(c, items, func(f *welcomeFlow) string { return f.ID }, func(f *welcomeFlow) (any, *graphError) {
		return renderWelcomeFlow(f, sel)
	})
}

// renderWelcomeFlow renders a flow with the fields asked (Meta's default
// set when none).
func renderWelcomeFlow(f *welcomeFlow, sel []fieldReq) (any, *graphError) {
	if len(sel) == 0 {
		sel = names("name", "eligible_platforms", "welcome_message_flow", "last_update_time", "is_used_in_ad", "id")
	}
	out := newObject()
	for _, r := range sel {
		switch r.name {
		case "id":
			out.set("id", f.ID)
		case "name":
			out.set("name", f.Name)
		case "eligible_platforms", "compatible_platforms":
			out.set(r.name, slices.Clone(f.Platforms))
		case "welcome_message_flow":
			out.set("welcome_message_flow", f.Flow)
		case "last_update_time":
			out.set("last_update_time", formatTime(f.Updated))
		case "is_used_in_ad":
			out.set("is_used_in_ad", f.UsedInAd)
		case "is_ig_only_flow":
			out.set("is_ig_only_flow", len(f.Platforms) == 1 && f.Platforms[0] == "INSTAGRAM")
		case "welcome_message_sequence":
			// Listed in Meta's spec without a description: no value here,
			// and Graph leaves out fields without a value.
		default:
			return nil, errUnknownField(r.name, "CTXPartnerAppWelcomeMessageFlow")
		}
	}
	if _, ok := out.vals["id"]; !ok {
		out.set("id", f.ID)
	}
	return out, nil
}

// welcomePlatforms reads eligible_platforms: only instagram with
// Instagram Login, instagram and messenger with Facebook Login.
func (c *call) welcomePlatforms() ([]string, bool) {
	list, gerr := listParam(c, "eligible_platforms")
	if gerr != nil {
		c.fail(gerr)
		return nil, false
	}
	var out []string
	for _, p := range list {
		p = strings.ToLower(strings.Trim(p, `"' `))
		switch {
		case p == "instagram":
		case p == "messenger" && c.host() == onFacebook:
		case c.host() == onInstagram:
			c.fail(errParam("Invalid eligible_platforms %q: only instagram is supported", p))
			return nil, false
		default:
			c.fail(errParam("Invalid eligible_platforms %q: use instagram or messenger", p))
			return nil, false
		}
		if up := strings.ToUpper(p); !slices.Contains(out, up) {
			out = append(out, up)
		}
	}
	return out, true
}

// welcomeMessages reads welcome_message_flow and returns it as stored
// JSON text; "" when absent.
func (c *call) welcomeMessages() (string, bool) {
	var steps []struct {
		Message *struct {
			Text         string `json:"text"`
			QuickReplies []struct {
				ContentType string `json:"content_type"`
				Title       string `json:"title"`
				Payload     string `json:"payload"`
			} `json:"quick_replies"`
		} `json:"message"`
	}
	present, err := c.decodeParam("welcome_message_flow", &steps)
	if !present {
		return "", true
	}
	if err != nil || len(steps) == 0 {
		c.fail(errParam("Param welcome_message_flow must be a non-empty array of message objects"))
		return "", false
	}
	out := make([]welcomeStep, len(steps))
	for i, st := range steps {
		if st.Message == nil || strings.TrimSpace(st.Message.Text) == "" {
			c.fail(errParam("welcome_message_flow[%d]: message.text is required", i))
			return "", false
		}
		out[i].Message.Text = st.Message.Text
		for j, qr := range st.Message.QuickReplies {
			if qr.ContentType != "text" || strings.TrimSpace(qr.Title) == "" || strings.TrimSpace(qr.Payload) == "" {
				c.fail(errParam("welcome_message_flow[%d]: quick_replies[%d] needs content_type text, a title and a payload", i, j))
				return "", false
			}
			out[i].Message.QuickReplies = append(out[i].Message.QuickReplies, welcomeQuickReply{Title: qr.Title, ContentType: qr.ContentType, Payload: qr.Payload})
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		c.fail(errUnexpected())
		return "", false
	}
	return string(b), true
}

func (s *Server) postWelcomeFlow(c *call) {
	account, ok := c.welcomeAccount()
	if !ok {
		return
	}
	platforms, ok := c.welcomePlatforms()
	if !ok {
		return
	}
	flow, ok := c.welcomeMessages()
	if !ok {
		return
	}
	name := strings.Trim(strings.TrimSpace(c.param("name")), `"`)
	st := ext[welcomeState](s)
	if c.hasParam("flow_id") {
		f, ok := c.welcomeFlowOf(account)
		if !ok {
			return
		}
		if f.UsedInAd {
			c.fail(errParam("The welcome message flow %s is used in an ad and cannot be updated", f.ID))
			return
		}
		if name == "" && flow == "" && len(platforms) == 0 {
			c.fail(errParam("Nothing to update: send name, eligible_platforms or welcome_message_flow"))
			return
		}
		if name != "" {
			f.Name = name
		}
		if flow != "" {
			f.Flow = flow
		}
		if len(platforms) > 0 {
			f.Platforms = platforms
		}
		f.Updated = s.now()
		c.success()
		return
	}
	switch {
	case name == "":
		c.fail(errParam("The parameter name is required"))
		return
	case flow == "":
		c.fail(errParam("The parameter welcome_message_flow is required"))
		return
	case len(platforms) == 0:
		c.fail(errParam("The parameter eligible_platforms is required"))
		return
	}
	f := &welcomeFlow{ID: s.newID(), Account: account, Name: name, Platforms: platforms, Flow: flow, Updated: s.now()}
	st.flows[f.ID] = f
	st.order[account] = append(st.order[account], f.ID)
	c.writeJSON(http.StatusOK, map[string]string{"flow_id": f.ID})
}

func (s *Server) deleteWelcomeFlow(c *call) {
	account, ok := c.welcomeAccount()
	if !ok {
		return
	}
	f, ok := c.welcomeFlowOf(account)
	if !ok {
		return
	}
	if f.UsedInAd {
		c.fail(errParam("The welcome message flow %s is used in an ad and cannot be deleted", f.ID))
		return
	}
	st := ext[welcomeState](s)
	delete(st.flows, f.ID)
	st.order[account] = slices.DeleteFunc(st.order[account], func(id string) bool { return id == f.ID })
	c.success()
}

// SetWelcomeFlowUsedInAd marks a welcome message flow as used by an ad
// (is_used_in_ad), which makes updates and deletes of it fail, or clears
// the mark. It reports false when no flow has that id.
func (s *Server) SetWelcomeFlowUsedInAd(flowID string, used bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := ext[welcomeState](s).flows[flowID]
	if f == nil {
		return false
	}
	f.UsedInAd = used
	return true
}
