package instagram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/igsdk/instagram/message"
)

// Welcome message flows are the first messages a person gets after
// tapping an ad that clicks to Instagram Direct: a partner app stores
// them with Meta, and the advertiser picks one by its flow id in Ads
// Manager or the Marketing API.
//
// With Instagram Login they live on the Instagram account
// (/{ig-user-id}/welcome_message_flows or /me/...) and Meta supports only
// the instagram platform. With Facebook Login Meta serves them on the
// Page the account is linked to (the Messenger Platform's welcome message
// flows), for instagram and/or messenger; pass the Page id as accountID.

// WelcomePlatform is a platform a welcome message flow may be shown on
// (Meta's eligible_platforms).
type WelcomePlatform string

// Welcome message flow platforms.
const (
	// WelcomeInstagram is Instagram Direct; the only platform Meta takes
	// with Instagram Login.
	WelcomeInstagram WelcomePlatform = "instagram"
	// WelcomeMessenger is Messenger, for flows of a Page (Facebook Login).
	WelcomeMessenger WelcomePlatform = "messenger"
)

// WelcomeMessage is one message of a welcome message flow. Meta documents
// text with quick replies; its guide says other Send API message types
// may follow, but names no other fields, so only these are modelled.
type WelcomeMessage struct {
	Text string `json:"text"`
	// QuickReplies are text quick replies (message.TextQuickReply), each
	// with a title and a payload; an empty content type is sent as text.
	QuickReplies []message.QuickReply `json:"quick_replies,omitempty"`
}

// welcomeStep is the wire form of one message of a flow: {"message": {...}}.
type welcomeStep struct {
	Message WelcomeMessage `json:"message"`
}

// WelcomeFlow is a stored welcome message flow (Meta's
// CTXPartnerAppWelcomeMessageFlow).
type WelcomeFlow struct {
	// ID is the flow id an ad refers to.
	ID   string `json:"id"`
	Name string `json:"name"`
	// EligiblePlatforms are the platforms the flow can be shown on, as
	// Meta answers them (upper case, such as "INSTAGRAM").
	EligiblePlatforms []string `json:"eligible_platforms"`
	// Messages are the flow's messages, decoded from Flow.
	Messages []WelcomeMessage `json:"-"`
	// Flow is the flow's JSON as Meta stored it (an array of
	// {"message": ...} objects); Meta answers it as a JSON-encoded string.
	Flow json.RawMessage `json:"-"`
	// LastUpdateTime is when the flow last changed.
	LastUpdateTime Time `json:"last_update_time"`
	// IsUsedInAd is true while an ad uses the flow: Meta then refuses to
	// update or delete it.
	IsUsedInAd bool `json:"is_used_in_ad"`
	// CompatiblePlatforms and IsIGOnlyFlow are set when asked for in
	// fields.
	CompatiblePlatforms []string `json:"compatible_platforms,omitempty"`
	IsIGOnlyFlow        bool     `json:"is_ig_only_flow,omitempty"`
}

// UnmarshalJSON reads Meta's answer. welcome_message_flow comes as a
// string holding the flow's JSON (Meta's Postman collection) or, in older
// samples, as the array itself or under welcome_message; each form is
// read.
func (f *WelcomeFlow) UnmarshalJSON(b []byte) error {
	type plain WelcomeFlow
	var v struct {
		*plain
		FlowField json.RawMessage `json:"welcome_message_flow"`
		Legacy    json.RawMessage `json:"welcome_message"`
	}
	v.plain = (*plain)(f)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	raw := v.FlowField
	if len(raw) == 0 || string(raw) == "null" {
		raw = v.Legacy
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		raw = bytes.TrimSpace([]byte(s))
	}
	f.Flow, f.Messages = nil, nil
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	f.Flow = json.RawMessage(raw)
	var steps []welcomeStep
	if raw[0] == '[' && json.Unmarshal(raw, &steps) == nil {
		f.Messages = make([]WelcomeMessage, len(steps))
		for i, s := range steps {
			f.Messages[i] = s.Message
		}
	}
	return nil
}

// WelcomeFlowSpec is what CreateWelcomeFlow stores and UpdateWelcomeFlow
// changes.
type WelcomeFlowSpec struct {
	// Name names the flow; required to create one.
	Name string
	// Platforms are the eligible platforms. Empty means instagram when
	// creating and unchanged when updating. With Instagram Login only
	// WelcomeInstagram is accepted; with Facebook Login also
	// WelcomeMessenger. Meta checks each message against each platform.
	Platforms []WelcomePlatform
	// Messages are the flow's messages, at least one to create a flow;
	// empty leaves them unchanged when updating.
	Messages []WelcomeMessage
}

// welcomeBody is the JSON body of a create or update.
type welcomeBody struct {
	Name              string            `json:"name,omitempty"`
	EligiblePlatforms []WelcomePlatform `json:"eligible_platforms,omitempty"`
	Flow              []welcomeStep     `json:"welcome_message_flow,omitempty"`
}

// welcomeBody validates spec and builds the request body; create requires a
// name and messages and defaults the platforms to instagram.
func (s *MessagingService) welcomeBody(spec *WelcomeFlowSpec, create bool) (*welcomeBody, error) {
	if spec == nil {
		return nil, &ValidationError{Field: "flow", Rule: "must not be nil"}
	}
	out := &welcomeBody{Name: strings.TrimSpace(spec.Name)}
	if create && out.Name == "" {
		return nil, &ValidationError{Field: "name", Rule: "must not be empty"}
	}
	if create && len(spec.Messages) == 0 {
		return nil, &ValidationError{Field: "welcome_message_flow", Rule: "must hold at least one message"}
	}
	for i, m := range spec.Messages {
		field := fmt.Sprintf("welcome_message_flow[%d].message", i)
		if strings.TrimSpace(m.Text) == "" {
			return nil, &ValidationError{Field: field + ".text", Rule: "must not be empty"}
		}
		qrs := make([]message.QuickReply, len(m.QuickReplies))
		for j, qr := range m.QuickReplies {
			qf := fmt.Sprintf("%s.quick_replies[%d]", field, j)
			if qr.ContentType == "" {
				qr.ContentType = message.QuickReplyText
			}
			switch {
			case qr.ContentType != message.QuickReplyText:
				return nil, &ValidationError{Field: qf + ".content_type", Rule: `must be "text"`}
			case strings.TrimSpace(qr.Title) == "":
				return nil, &ValidationError{Field: qf + ".title", Rule: "must not be empty"}
			case strings.TrimSpace(qr.Payload) == "":
				return nil, &ValidationError{Field: qf + ".payload", Rule: "must not be empty"}
			}
			qrs[j] = qr
		}
		if len(qrs) == 0 {
			qrs = nil
		}
		out.Flow = append(out.Flow, welcomeStep{Message: WelcomeMessage{Text: m.Text, QuickReplies: qrs}})
	}
	platforms := spec.Platforms
	if create && len(platforms) == 0 {
		platforms = []WelcomePlatform{WelcomeInstagram}
	}
	seen := map[WelcomePlatform]bool{}
	for i, p := range platforms {
		field := fmt.Sprintf("eligible_platforms[%d]", i)
		switch {
		case p == WelcomeInstagram:
		case p == WelcomeMessenger && s.client.platform == FacebookLogin:
		case p == WelcomeMessenger:
			return nil, &ValidationError{Field: field, Rule: "only instagram is supported with Instagram Login (messenger flows belong to a Page: use Facebook Login)"}
		default:
			return nil, &ValidationError{Field: field, Rule: "must be instagram or messenger"}
		}
		if seen[p] {
			return nil, &ValidationError{Field: field, Rule: fmt.Sprintf("%s is listed twice", p)}
		}
		seen[p] = true
		out.EligiblePlatforms = append(out.EligiblePlatforms, p)
	}
	if !create && out.Name == "" && len(out.Flow) == 0 && len(out.EligiblePlatforms) == 0 {
		return nil, &ValidationError{Field: "flow", Rule: "an update must change the name, the platforms or the messages"}
	}
	return out, nil
}

// WelcomeFlows returns one page of the account's welcome message flows.
// accountID is the Instagram account id or "me" (Instagram Login) or the
// Page id (Facebook Login). opts.Limit sets the page size; opts.Fields
// picks fields (Meta's defaults when empty).
//
// Meta API: GET /{ig-user-id}/welcome_message_flows
func (s *MessagingService) WelcomeFlows(ctx context.Context, accountID string, opts *ListOptions) (*Page[WelcomeFlow], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	return edgePage[WelcomeFlow](ctx, s.client, "account id", accountID, "welcome_message_flows", opts, "")
}

// AllWelcomeFlows iterates over every welcome message flow of the account,
// fetching pages as the loop consumes them.
//
// Meta API: GET /{ig-user-id}/welcome_message_flows
func (s *MessagingService) AllWelcomeFlows(ctx context.Context, accountID string, opts *ListOptions) iter.Seq2[WelcomeFlow, error] {
	if err := checkCtx(ctx); err != nil {
		return errSeq[WelcomeFlow](err)
	}
	return edgeAll[WelcomeFlow](ctx, s.client, "account id", accountID, "welcome_message_flows", opts, "")
}

// WelcomeFlow reads one welcome message flow by its id (the edge with
// flow_id). A flow Meta does not list gives an error matching
// ErrNotFound.
//
// Meta API: GET /{ig-user-id}/welcome_message_flows
func (s *MessagingService) WelcomeFlow(ctx context.Context, accountID, flowID string) (*WelcomeFlow, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := checkID("account id", accountID); err != nil {
		return nil, err
	}
	if err := checkID("flow id", flowID); err != nil {
		return nil, err
	}
	var out Page[WelcomeFlow]
	if err := s.client.get(ctx, pathEscape(accountID)+"/welcome_message_flows", url.Values{"flow_id": {flowID}}, &out); err != nil {
		return nil, err
	}
	for i := range out.Data {
		if out.Data[i].ID == flowID || len(out.Data) == 1 {
			return &out.Data[i], nil
		}
	}
	return nil, fmt.Errorf("instagram: welcome message flow %s: %w", flowID, ErrNotFound)
}

// CreateWelcomeFlow stores a new welcome message flow and returns its id
// (flow_id). spec is validated first: a name, at least one message with
// text, quick replies of content type text with a title and a payload, and
// platforms the client's login allows.
//
// Meta API: POST /{ig-user-id}/welcome_message_flows
func (s *MessagingService) CreateWelcomeFlow(ctx context.Context, accountID string, spec *WelcomeFlowSpec) (string, error) {
	if err := checkCtx(ctx); err != nil {
		return "", err
	}
	if err := checkID("account id", accountID); err != nil {
		return "", err
	}
	body, err := s.welcomeBody(spec, true)
	if err != nil {
		return "", err
	}
	var out struct {
		FlowID ID `json:"flow_id"`
	}
	if err := s.client.post(ctx, pathEscape(accountID)+"/welcome_message_flows", nil, JSONBody(body), &out); err != nil {
		return "", err
	}
	if out.FlowID == "" {
		return "", fmt.Errorf("%w: welcome_message_flows answered no flow_id", ErrNotConfirmed)
	}
	return string(out.FlowID), nil
}

// UpdateWelcomeFlow changes the name, the platforms and/or the messages
// of a flow; what spec leaves empty stays as it is. Meta refuses to change
// a flow an ad uses (WelcomeFlow.IsUsedInAd). The request carries the
// parameter names of the create call (name, eligible_platforms,
// welcome_message_flow), as Meta's Graph API spec and Postman collection
// do; the prose of Meta's guide calls them welcome_message and platforms.
//
// Meta API: POST /{ig-user-id}/welcome_message_flows
func (s *MessagingService) UpdateWelcomeFlow(ctx context.Context, accountID, flowID string, spec *WelcomeFlowSpec) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if err := checkID("account id", accountID); err != nil {
		return err
	}
	if err := checkID("flow id", flowID); err != nil {
		return err
	}
	body, err := s.welcomeBody(spec, false)
	if err != nil {
		return err
	}
	var out Success
	if err := s.client.post(ctx, pathEscape(accountID)+"/welcome_message_flows", url.Values{"flow_id": {flowID}}, JSONBody(body), &out); err != nil {
		return err
	}
	return confirmed(out, "welcome message flow update")
}

// DeleteWelcomeFlow deletes a flow. Meta refuses to delete a flow an ad
// uses (WelcomeFlow.IsUsedInAd).
//
// Meta API: DELETE /{ig-user-id}/welcome_message_flows
func (s *MessagingService) DeleteWelcomeFlow(ctx context.Context, accountID, flowID string) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if err := checkID("account id", accountID); err != nil {
		return err
	}
	if err := checkID("flow id", flowID); err != nil {
		return err
	}
	var out Success
	if err := s.client.delete(ctx, pathEscape(accountID)+"/welcome_message_flows", url.Values{"flow_id": {flowID}}, &out); err != nil {
		return err
	}
	return confirmed(out, "welcome message flow delete")
}
