package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/igsdk/instagram/message"
)

// IceBreaker is one frequently asked question offered to a person who opens
// a conversation with the account. Tapping it sends payload to the
// messaging_postbacks webhook.
type IceBreaker struct {
	Question string `json:"question"`
	Payload  string `json:"payload"`
}

// IceBreakers are the questions for one locale ("default" is required;
// other locales such as "en_GB" are optional).
type IceBreakers struct {
	// Locale is "default" when empty.
	Locale        string       `json:"locale"`
	CallToActions []IceBreaker `json:"call_to_actions"`
}

// MenuItem is an entry of the persistent menu.
type MenuItem struct {
	// Type is message.ButtonPostback or message.ButtonWebURL.
	Type    message.ButtonType `json:"type"`
	Title   string             `json:"title"`
	Payload string             `json:"payload,omitempty"`
	URL     string             `json:"url,omitempty"`
	// WebviewHeightRatio is compact, tall or full (web_url items). Meta
	// does not take it with Instagram Login, where SetMessengerProfile
	// refuses it.
	WebviewHeightRatio string `json:"webview_height_ratio,omitempty"`
}

// PersistentMenu is the menu of conversations for one locale ("default"
// is required).
type PersistentMenu struct {
	// Locale is "default" when empty.
	Locale string `json:"locale"`
	// ComposerInputDisabled hides the composer. Meta does not take it with
	// Instagram Login, where SetMessengerProfile refuses it.
	ComposerInputDisabled bool       `json:"composer_input_disabled,omitempty"`
	CallToActions         []MenuItem `json:"call_to_actions"`
}

// MessengerProfile holds the conversation settings of an account (Meta's
// IGUserMessengerProfile).
type MessengerProfile struct {
	IceBreakers    []IceBreakers    `json:"ice_breakers,omitempty"`
	PersistentMenu []PersistentMenu `json:"persistent_menu,omitempty"`
}

// MessengerProfileField names a setting of the messenger profile.
type MessengerProfileField string

// Messenger profile fields.
const (
	ProfileIceBreakers    MessengerProfileField = "ice_breakers"
	ProfilePersistentMenu MessengerProfileField = "persistent_menu"
)

func profileFields(fields []MessengerProfileField) ([]string, error) {
	if len(fields) == 0 {
		fields = []MessengerProfileField{ProfileIceBreakers, ProfilePersistentMenu}
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if f != ProfileIceBreakers && f != ProfilePersistentMenu {
			return nil, &ValidationError{Field: "fields", Rule: fmt.Sprintf("unknown messenger profile field %q", f)}
		}
		out = append(out, string(f))
	}
	return out, nil
}

// MessengerProfile returns the account's ice breakers and persistent menu
// (or only the fields named).
//
// Meta API: GET /{ig-user-id}/messenger_profile
func (s *MessagingService) MessengerProfile(ctx context.Context, accountID string, fields ...MessengerProfileField) (*MessengerProfile, error) {
	if err := checkID("account id", accountID); err != nil {
		return nil, err
	}
	names, err := profileFields(fields)
	if err != nil {
		return nil, err
	}
	q := url.Values{"fields": {strings.Join(names, ",")}, "platform": {"instagram"}}
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := s.client.get(ctx, pathEscape(accountID)+"/messenger_profile", q, &out); err != nil {
		return nil, err
	}
	p := new(MessengerProfile)
	for _, raw := range out.Data {
		if err := p.merge(raw); err != nil {
			return nil, &DecodeError{Method: "GET", Path: accountID + "/messenger_profile", Err: err}
		}
	}
	return p, nil
}

// merge adds one entry of the GET answer. Meta answers either one object
// per profile ({"ice_breakers": [...], "persistent_menu": [...]}) or, for
// ice breakers alone, one object per locale ({"call_to_actions": [...],
// "locale": ...}); older setups list questions without locales.
func (p *MessengerProfile) merge(raw json.RawMessage) error {
	var entry struct {
		IceBreakers    []json.RawMessage `json:"ice_breakers"`
		PersistentMenu []PersistentMenu  `json:"persistent_menu"`
		CallToActions  []IceBreaker      `json:"call_to_actions"`
		Locale         string            `json:"locale"`
	}
	if err := json.Unmarshal(raw, &entry); err != nil {
		return err
	}
	if entry.CallToActions != nil {
		p.IceBreakers = append(p.IceBreakers, IceBreakers{Locale: entry.Locale, CallToActions: entry.CallToActions})
	}
	var legacy []IceBreaker
	for _, ib := range entry.IceBreakers {
		var v struct {
			IceBreakers
			IceBreaker
		}
		if err := json.Unmarshal(ib, &v); err != nil {
			return err
		}
		if v.CallToActions != nil {
			p.IceBreakers = append(p.IceBreakers, v.IceBreakers)
		} else if v.Question != "" {
			legacy = append(legacy, v.IceBreaker)
		}
	}
	if len(legacy) > 0 {
		p.IceBreakers = append(p.IceBreakers, IceBreakers{Locale: "default", CallToActions: legacy})
	}
	p.PersistentMenu = append(p.PersistentMenu, entry.PersistentMenu...)
	return nil
}

// validate checks p against Meta's rules and fills empty locales with
// "default".
func (p *MessengerProfile) validate() (*MessengerProfile, error) {
	if p == nil || (p.IceBreakers == nil && p.PersistentMenu == nil) {
		return nil, &ValidationError{Field: "messenger_profile", Rule: "must set ice_breakers or persistent_menu"}
	}
	out := &MessengerProfile{}
	if p.IceBreakers != nil {
		hasDefault := false
		for i, ib := range p.IceBreakers {
			field := fmt.Sprintf("ice_breakers[%d]", i)
			if ib.Locale == "" {
				ib.Locale = "default"
			}
			hasDefault = hasDefault || ib.Locale == "default"
			if n := len(ib.CallToActions); n == 0 || n > MaxIceBreakers {
				return nil, &ValidationError{Field: field + ".call_to_actions", Rule: fmt.Sprintf("must hold 1 to %d questions, got %d", MaxIceBreakers, n)}
			}
			for j, q := range ib.CallToActions {
				if strings.TrimSpace(q.Question) == "" {
					return nil, &ValidationError{Field: fmt.Sprintf("%s.call_to_actions[%d].question", field, j), Rule: "must not be empty"}
				}
			}
			out.IceBreakers = append(out.IceBreakers, ib)
		}
		if !hasDefault {
			return nil, &ValidationError{Field: "ice_breakers", Rule: `must include the "default" locale`}
		}
	}
	if p.PersistentMenu != nil {
		hasDefault := false
		for i, m := range p.PersistentMenu {
			field := fmt.Sprintf("persistent_menu[%d]", i)
			if m.Locale == "" {
				m.Locale = "default"
			}
			hasDefault = hasDefault || m.Locale == "default"
			if len(m.CallToActions) == 0 {
				return nil, &ValidationError{Field: field + ".call_to_actions", Rule: "must not be empty"}
			}
			for j, it := range m.CallToActions {
				if err := (message.Button{Type: it.Type, Title: it.Title, URL: it.URL, Payload: it.Payload}).Validate(); err != nil {
					return nil, messageRule(fmt.Sprintf("%s.call_to_actions[%d].", field, j), err)
				}
			}
			out.PersistentMenu = append(out.PersistentMenu, m)
		}
		if !hasDefault {
			return nil, &ValidationError{Field: "persistent_menu", Rule: `must include the "default" locale`}
		}
	}
	return out, nil
}

// checkInstagramLogin refuses the persistent menu options Meta does not
// offer with Instagram Login.
func (p *MessengerProfile) checkInstagramLogin() error {
	for i, m := range p.PersistentMenu {
		field := fmt.Sprintf("persistent_menu[%d]", i)
		if m.ComposerInputDisabled {
			return &ValidationError{Field: field + ".composer_input_disabled", Rule: "is not available with Instagram Login"}
		}
		for j, it := range m.CallToActions {
			if it.WebviewHeightRatio != "" {
				return &ValidationError{Field: fmt.Sprintf("%s.call_to_actions[%d].webview_height_ratio", field, j), Rule: "is not available with Instagram Login"}
			}
		}
	}
	return nil
}

// profileResult is Meta's answer to messenger profile writes.
type profileResult struct {
	Result string `json:"result"`
}

// SetMessengerProfile sets the ice breakers and/or the persistent menu of
// the account; a nil field is left as it is. It is validated first: at
// most MaxIceBreakers questions per locale, a "default" locale, menu items
// with a title and a payload or URL. It is a POST on the messenger_profile
// edge.
//
// Meta API: POST /{ig-user-id}/messenger_profile
func (s *MessagingService) SetMessengerProfile(ctx context.Context, accountID string, p *MessengerProfile) error {
	if err := checkID("account id", accountID); err != nil {
		return err
	}
	clean, err := p.validate()
	if err != nil {
		return err
	}
	if s.client.Platform() == InstagramLogin {
		if err := clean.checkInstagramLogin(); err != nil {
			return err
		}
	}
	body := struct {
		Platform string `json:"platform"`
		*MessengerProfile
	}{"instagram", clean}
	var out profileResult
	return s.client.post(ctx, pathEscape(accountID)+"/messenger_profile", url.Values{"platform": {"instagram"}}, JSONBody(body), &out)
}

// SetIceBreakers replaces the account's ice breakers (a POST on the
// messenger_profile edge).
//
// Meta API: POST /{ig-user-id}/messenger_profile
func (s *MessagingService) SetIceBreakers(ctx context.Context, accountID string, iceBreakers ...IceBreakers) error {
	if iceBreakers == nil {
		iceBreakers = []IceBreakers{}
	}
	return s.SetMessengerProfile(ctx, accountID, &MessengerProfile{IceBreakers: iceBreakers})
}

// SetPersistentMenu replaces the account's persistent menu (a POST on the
// messenger_profile edge).
//
// Meta API: POST /{ig-user-id}/messenger_profile
func (s *MessagingService) SetPersistentMenu(ctx context.Context, accountID string, menus ...PersistentMenu) error {
	if menus == nil {
		menus = []PersistentMenu{}
	}
	return s.SetMessengerProfile(ctx, accountID, &MessengerProfile{PersistentMenu: menus})
}

// DeleteMessengerProfile removes the named settings (all of them when none
// is named) from the account, with a DELETE on the messenger_profile edge.
//
// Meta API: DELETE /{ig-user-id}/messenger_profile
func (s *MessagingService) DeleteMessengerProfile(ctx context.Context, accountID string, fields ...MessengerProfileField) error {
	if err := checkID("account id", accountID); err != nil {
		return err
	}
	names, err := profileFields(fields)
	if err != nil {
		return err
	}
	body := struct {
		Fields []string `json:"fields"`
	}{names}
	var out profileResult
	return s.client.call(ctx, "DELETE", pathEscape(accountID)+"/messenger_profile", url.Values{"platform": {"instagram"}}, JSONBody(body), &out)
}
