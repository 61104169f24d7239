package instagram

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// WebhooksService manages which webhook fields an account or an app
// receives.
//
// Two steps are needed for an event to be delivered, on either login:
//
//  1. The app subscribes to fields of the instagram object, with its
//     callback URL: SubscribeApp (POST /{app-id}/subscriptions,
//     object=instagram, with the app token). This is where the Instagram
//     fields (FieldComments, FieldMentions, FieldStoryInsights,
//     FieldMessages, ...) are chosen.
//  2. The account lets the app in. With Instagram Login: Subscribe("me",
//     fields...) opts the account in to those same Instagram fields
//     (POST /me/subscribed_apps). With Facebook Login: Subscribe(pageID,
//     PageFieldFeed, ...) installs the app on the Page linked to the
//     account (POST /{page-id}/subscribed_apps, with a Page token). That
//     edge takes Page fields only: Meta refuses comments, mentions,
//     live_comments and story_insights there (code 100), so Subscribe
//     refuses them with ErrValidation before any request. Messaging fields
//     are sent under their Page names (messaging_referral as
//     messaging_referrals, messaging_handover as messaging_handovers,
//     message_edit as message_edits, messaging_seen as message_reads).
//
// Deliveries then reach the callback, where a WebhookHandler (or
// ParseWebhook) verifies and decodes them.
type WebhooksService service

// Webhook fields of the instagram object, for Subscribe and SubscribeApp.
// FieldMessageEchoes is the exception: it is a Messenger field, and
// subscribing to it for Instagram fails; Instagram sends the account's own
// messages under FieldMessages with message.is_echo set (decoded as
// webhook.EventMessageEcho).
const (
	FieldComments                   = "comments"
	FieldLiveComments               = "live_comments"
	FieldMentions                   = "mentions"
	FieldStoryInsights              = "story_insights"
	FieldMessages                   = "messages"
	FieldMessageEchoes              = "message_echoes" // Messenger only: Instagram sends echoes under FieldMessages with is_echo
	FieldMessageEdit                = "message_edit"
	FieldMessageReactions           = "message_reactions"
	FieldMessagingPostbacks         = "messaging_postbacks"
	FieldMessagingOptins            = "messaging_optins"
	FieldMessagingReferral          = "messaging_referral"
	FieldMessagingSeen              = "messaging_seen"
	FieldMessagingHandover          = "messaging_handover"
	FieldMessagingPolicyEnforcement = "messaging_policy_enforcement"
	FieldResponseFeedback           = "response_feedback"
	FieldStandby                    = "standby"
)

// PageFieldFeed is the Page webhook field "feed". With Facebook Login,
// Subscribe(pageID, PageFieldFeed) installs the app on the Page linked to
// the Instagram account, so that the Instagram fields of the app's
// instagram subscription (SubscribeApp) are delivered for that account.
const PageFieldFeed = "feed"

// instagramOnlyField reports whether f is an instagram-object field with
// no Page counterpart: a Page's subscribed_apps refuses it.
func instagramOnlyField(f string) bool {
	switch f {
	case FieldComments, FieldLiveComments, FieldMentions, FieldStoryInsights:
		return true
	}
	return false
}

// pageFieldName is the Page name of an instagram-object messaging field,
// where the two differ.
func pageFieldName(f string) string {
	switch f {
	case FieldMessagingReferral:
		return "messaging_referrals"
	case FieldMessagingHandover:
		return "messaging_handovers"
	case FieldMessageEdit:
		return "message_edits"
	case FieldMessagingSeen:
		return "message_reads"
	}
	return f
}

// pageFields checks and renames fields for a Page's subscribed_apps.
func pageFields(fields []string) ([]string, error) {
	out := make([]string, len(fields))
	for i, f := range fields {
		if instagramOnlyField(f) {
			return nil, &ValidationError{Field: "fields", Rule: fmt.Sprintf(
				"%q is a field of the instagram object, which a Page's subscribed_apps refuses: with Facebook Login subscribe the app to it with SubscribeApp (object instagram) and install the app on the Page with Subscribe(pageID, PageFieldFeed)", f)}
		}
		out[i] = pageFieldName(f)
	}
	return out, nil
}

// SubscribedApp is an app subscribed to an account's webhooks. With
// Instagram Login the app is identified by AppID; with Facebook Login (a
// Page's subscribed_apps) by ID and Name.
type SubscribedApp struct {
	AppID            string   `json:"app_id,omitempty"`
	ID               string   `json:"id,omitempty"`
	Name             string   `json:"name,omitempty"`
	Link             string   `json:"link,omitempty"`
	Category         string   `json:"category,omitempty"`
	SubscribedFields []string `json:"subscribed_fields"`
}

// SubscribedApps lists the apps subscribed to the account's webhooks and
// their fields: with Instagram Login, accountID is the Instagram account
// (or "me"); with Facebook Login, the linked Page, called with a Page token.
//
// Meta API: GET /{ig-user-id}/subscribed_apps
// Meta API: GET /{page-id}/subscribed_apps
func (s *WebhooksService) SubscribedApps(ctx context.Context, accountID string) ([]SubscribedApp, error) {
	if err := checkID("accountID", accountID); err != nil {
		return nil, err
	}
	var out Page[SubscribedApp]
	if err := s.client.get(ctx, pathEscape(accountID)+"/subscribed_apps", nil, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// Subscribe lets the calling app receive the account's webhooks (POST on
// the subscribed_apps edge), replacing the fields subscribed before.
//
// With Instagram Login, accountID is the Instagram account (or "me") and
// fields are Instagram fields (FieldComments, FieldMessages, ...). With
// Facebook Login, accountID is the linked Page, the client carries a Page
// token, and fields are Page fields: PageFieldFeed installs the app, and
// messaging fields are renamed to their Page names. Instagram-only fields
// (comments, mentions, live_comments, story_insights) are refused with
// ErrValidation on Facebook Login: set them with SubscribeApp. See
// WebhooksService for the two steps.
//
// Meta API: POST /{ig-user-id}/subscribed_apps
// Meta API: POST /{page-id}/subscribed_apps
func (s *WebhooksService) Subscribe(ctx context.Context, accountID string, fields ...string) error {
	if err := checkID("accountID", accountID); err != nil {
		return err
	}
	if s.client.platform == FacebookLogin {
		if _, err := fieldList("fields", fields); err != nil {
			return err
		}
		renamed, err := pageFields(fields)
		if err != nil {
			return err
		}
		fields = renamed
	}
	list, err := fieldList("fields", fields)
	if err != nil {
		return err
	}
	var out Success
	if err := s.client.post(ctx, pathEscape(accountID)+"/subscribed_apps", nil,
		url.Values{"subscribed_fields": {list}}, &out); err != nil {
		return err
	}
	return confirmed(out, "subscribed_apps")
}

// Unsubscribe removes the calling app's subscription from the account
// (DELETE on the same edge). accountID is as for SubscribedApps.
//
// Meta API: DELETE /{ig-user-id}/subscribed_apps
// Meta API: DELETE /{page-id}/subscribed_apps
func (s *WebhooksService) Unsubscribe(ctx context.Context, accountID string) error {
	if err := checkID("accountID", accountID); err != nil {
		return err
	}
	var out Success
	if err := s.client.delete(ctx, pathEscape(accountID)+"/subscribed_apps", nil, &out); err != nil {
		return err
	}
	return confirmed(out, "subscribed_apps")
}

// AppSubscription is one object's webhook subscription of an app.
type AppSubscription struct {
	// Object is what the subscription is for: "instagram", "page", ...
	Object      string `json:"object"`
	CallbackURL string `json:"callback_url"`
	Active      Bool   `json:"active"`
	// Fields are the subscribed fields with the API version each was
	// subscribed with.
	Fields []AppSubscriptionField `json:"fields"`
}

// AppSubscriptionField is one subscribed field.
type AppSubscriptionField struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// SubscribeAppOptions is an app-level subscription to create or extend.
type SubscribeAppOptions struct {
	// Object is the object subscribed to; "instagram" when empty.
	Object string `url:"object"`
	// CallbackURL is the HTTPS endpoint deliveries go to. Meta sends a
	// verification request to it before accepting the subscription.
	CallbackURL string `url:"callback_url"`
	// VerifyToken is echoed in the verification request
	// (WithVerifyToken on the handler's side).
	VerifyToken string `url:"verify_token"`
	// Fields are the fields to subscribe to.
	Fields []string `url:"fields,comma"`
	// IncludeValues asks for the changed values in deliveries, not only
	// the names of the changed fields.
	IncludeValues *bool `url:"include_values,omitempty"`
}

// appTokenValues carries an app token as the access_token parameter and
// marks the request to go without the client's own token.
func appTokenValues(appToken string) url.Values { return url.Values{"access_token": {appToken}} }

// AppSubscriptions lists the app's webhook subscriptions (GET on the
// subscriptions edge). appToken is the
// app token, "app-id|app-secret"; it replaces the client's token for this call.
//
// Meta API: GET /{app-id}/subscriptions
func (s *WebhooksService) AppSubscriptions(ctx context.Context, appID, appToken string) ([]AppSubscription, error) {
	if err := checkAppCall(appID, appToken); err != nil {
		return nil, err
	}
	var out Page[AppSubscription]
	if err := s.appCall(ctx, "GET", appID, appTokenValues(appToken), nil, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// SubscribeApp creates or extends the app's subscription to an object's
// fields (fields add to those subscribed before; the callback URL and
// verify token replace the earlier ones). Meta first verifies the callback
// URL; the call fails when the callback does not answer the challenge.
// appToken is as for AppSubscriptions. Meta may answer success as the
// string "true"; both forms are accepted.
//
// Meta API: POST /{app-id}/subscriptions
func (s *WebhooksService) SubscribeApp(ctx context.Context, appID, appToken string, opts SubscribeAppOptions) error {
	if err := checkAppCall(appID, appToken); err != nil {
		return err
	}
	if opts.Object == "" {
		opts.Object = "instagram"
	}
	if strings.TrimSpace(opts.CallbackURL) == "" {
		return &ValidationError{Field: "CallbackURL", Rule: "must not be empty"}
	}
	if u, err := url.Parse(opts.CallbackURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &ValidationError{Field: "CallbackURL", Rule: "must be an absolute http(s) URL"}
	}
	if opts.VerifyToken == "" {
		return &ValidationError{Field: "VerifyToken", Rule: "must not be empty"}
	}
	if _, err := fieldList("Fields", opts.Fields); err != nil {
		return err
	}
	var out Success
	if err := s.appCall(ctx, "POST", appID, appTokenValues(appToken), opts, &out); err != nil {
		return err
	}
	return confirmed(out, "subscriptions")
}

// UnsubscribeApp removes fields from the app's subscription to object, or
// the whole subscription to object when no fields are given (DELETE on the
// subscriptions edge). appToken is as for AppSubscriptions.
//
// Meta API: DELETE /{app-id}/subscriptions
func (s *WebhooksService) UnsubscribeApp(ctx context.Context, appID, appToken, object string, fields ...string) error {
	if err := checkAppCall(appID, appToken); err != nil {
		return err
	}
	if object == "" {
		return &ValidationError{Field: "object", Rule: "must not be empty"}
	}
	q := appTokenValues(appToken)
	q.Set("object", object)
	if len(fields) > 0 {
		list, err := fieldList("fields", fields)
		if err != nil {
			return err
		}
		q.Set("fields", list)
	}
	var out Success
	if err := s.appCall(ctx, "DELETE", appID, q, nil, &out); err != nil {
		return err
	}
	return confirmed(out, "subscriptions")
}

// appCall sends a request on /{app-id}/subscriptions with the app token
// instead of the client's token.
func (s *WebhooksService) appCall(ctx context.Context, method, appID string, q url.Values, body, v any) error {
	_, err := s.client.do(ctx, &request{method: method, path: pathEscape(appID) + "/subscriptions", query: q, body: body, noAuth: true}, v)
	return err
}

func checkAppCall(appID, appToken string) error {
	if err := checkID("appID", appID); err != nil {
		return err
	}
	if id, secret, ok := strings.Cut(appToken, "|"); !ok || id == "" || secret == "" {
		return &ValidationError{Field: "appToken", Rule: `must be an app token "app-id|app-secret"`}
	}
	return nil
}

// fieldList joins webhook field names with commas, refusing empty lists
// and names that are empty or hold a comma.
func fieldList(what string, fields []string) (string, error) {
	if len(fields) == 0 {
		return "", &ValidationError{Field: what, Rule: "must name at least one field"}
	}
	for _, f := range fields {
		if f == "" || strings.ContainsAny(f, ", ") {
			return "", &ValidationError{Field: what, Rule: "field names must be non-empty and hold no comma or space"}
		}
	}
	return strings.Join(fields, ","), nil
}
