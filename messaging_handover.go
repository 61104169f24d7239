package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// Thread control decides which of the apps connected to an Instagram
// account answers a conversation. Meta moved Instagram from the Handover
// Protocol to Conversation Routing, which keeps the handover endpoints:
// pass, take, request, release and extend control, and read the owner.
// Meta serves them on the Page linked to the account
// (graph.facebook.com/{page-id}/..., Page token), so they need a Facebook
// Login client; with Instagram Login they fail before any request.
//
// Which calls work depends on the account's setup: with Conversation
// Routing configured (a default app) an app can take control but not
// request it; without (Meta's "default behavior") it can request control
// but not take it. Pass works when the app owns the thread or the thread
// is idle; release and extend only for the owner. Control lapses after 24
// hours without activity, and the thread goes idle.

// Apps Meta names for passing control to a human inbox.
const (
	// PageInboxAppID is the Page Inbox (Meta Business Suite).
	PageInboxAppID = "263902037430900"
	// InstagramInboxAppID is the Instagram app's own inbox.
	InstagramInboxAppID = "1217981644879628"
)

// MaxThreadControlExtension is the longest ExtendThreadControl accepts
// (Meta: up to 7 days).
const MaxThreadControlExtension = 7 * 24 * time.Hour

// errThreadControlNeedsFacebookLogin refuses thread control on Instagram
// Login.
var errThreadControlNeedsFacebookLogin = &ValidationError{Field: "client",
	Rule: "thread control (conversation routing) is served on the linked Page with Facebook Login only; use a client for facebook-login (WithPlatform) with a Page token"}

// threadControlRequest is the body of the thread control writes.
type threadControlRequest struct {
	Recipient   messageRecipientID `json:"recipient"`
	TargetAppID string             `json:"target_app_id,omitempty"`
	Metadata    string             `json:"metadata,omitempty"`
	Duration    int64              `json:"duration,omitempty"`
}

type messageRecipientID struct {
	ID string `json:"id"`
}

// threadControl posts one thread control write to /{page-id}/{edge}.
func (s *MessagingService) threadControl(ctx context.Context, edge, pageID, igsid string, body threadControlRequest) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if s.client.platform != FacebookLogin {
		return errThreadControlNeedsFacebookLogin
	}
	if err := checkID("page id", pageID); err != nil {
		return err
	}
	if err := checkID("recipient id", igsid); err != nil {
		return err
	}
	body.Recipient.ID = igsid
	var out Success
	if err := s.client.post(ctx, pathEscape(pageID)+"/"+edge, nil, JSONBody(body), &out); err != nil {
		return err
	}
	return confirmed(out, edge)
}

// PassThreadControl hands the conversation with the person igsid to the
// app targetAppID (PageInboxAppID or InstagramInboxAppID for a human
// inbox); an empty targetAppID passes it to the default app of
// Conversation Routing. The app must own the thread or the thread must be
// idle. The new owner gets a messaging_handover webhook with metadata
// (optional).
//
// Meta API: POST /{page-id}/pass_thread_control
func (s *MessagingService) PassThreadControl(ctx context.Context, pageID, igsid, targetAppID, metadata string) error {
	return s.threadControl(ctx, "pass_thread_control", pageID, igsid, threadControlRequest{TargetAppID: targetAppID, Metadata: metadata})
}

// TakeThreadControl takes the conversation with igsid from the app that
// owns it, which gets a messaging_handover webhook (none when the thread
// was idle). Meta allows it only with Conversation Routing configured and
// the takeover setting enabled for the app, and not to an app that
// already owns the thread.
//
// Meta API: POST /{page-id}/take_thread_control
func (s *MessagingService) TakeThreadControl(ctx context.Context, pageID, igsid, metadata string) error {
	return s.threadControl(ctx, "take_thread_control", pageID, igsid, threadControlRequest{Metadata: metadata})
}

// RequestThreadControl asks the app that owns the conversation with igsid
// to pass it; that app gets a messaging_handover webhook. An idle thread
// passes to the caller at once. Meta offers it only without Conversation
// Routing (default behavior), and not to the owner.
//
// Meta API: POST /{page-id}/request_thread_control
func (s *MessagingService) RequestThreadControl(ctx context.Context, pageID, igsid, metadata string) error {
	return s.threadControl(ctx, "request_thread_control", pageID, igsid, threadControlRequest{Metadata: metadata})
}

// ReleaseThreadControl ends the app's control of the conversation with
// igsid, which goes idle; only the owner may. No webhook is sent.
//
// Meta API: POST /{page-id}/release_thread_control
func (s *MessagingService) ReleaseThreadControl(ctx context.Context, pageID, igsid, metadata string) error {
	return s.threadControl(ctx, "release_thread_control", pageID, igsid, threadControlRequest{Metadata: metadata})
}

// ExtendThreadControl keeps the app in control of the conversation with
// igsid for d (whole seconds, at most MaxThreadControlExtension) instead
// of the 24 hours after the last activity; only the owner may. Meta does
// not say that it also widens the window in which messages may be sent.
//
// Meta API: POST /{page-id}/extend_thread_control
func (s *MessagingService) ExtendThreadControl(ctx context.Context, pageID, igsid string, d time.Duration) error {
	switch {
	case d < time.Second:
		return &ValidationError{Field: "duration", Rule: "must be at least one second"}
	case d > MaxThreadControlExtension:
		return &ValidationError{Field: "duration", Rule: "must be at most 7 days"}
	case d%time.Second != 0:
		return &ValidationError{Field: "duration", Rule: "must be whole seconds"}
	}
	return s.threadControl(ctx, "extend_thread_control", pageID, igsid, threadControlRequest{Duration: int64(d / time.Second)})
}

// ThreadOwner is who controls a conversation, as far as Meta tells the
// caller.
type ThreadOwner struct {
	// AppID is the owner's app id, told only to the owner and to the
	// default app; empty otherwise.
	AppID string
	// Expiration is when control lapses; zero when the thread is idle.
	Expiration time.Time
}

// Idle reports whether Meta named no owner and no expiration: the thread
// is idle (or the answer was empty).
func (o *ThreadOwner) Idle() bool { return o.AppID == "" && o.Expiration.IsZero() }

// ThreadOwner reads which app controls the conversation with igsid. Meta
// tells the app id and the expiration to the owner and to the default
// app, only the expiration to other apps while the thread is owned, and
// nothing for an idle thread (ThreadOwner.Idle).
//
// Meta API: GET /{page-id}/thread_owner
func (s *MessagingService) ThreadOwner(ctx context.Context, pageID, igsid string) (*ThreadOwner, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if s.client.platform != FacebookLogin {
		return nil, errThreadControlNeedsFacebookLogin
	}
	if err := checkID("page id", pageID); err != nil {
		return nil, err
	}
	if err := checkID("recipient id", igsid); err != nil {
		return nil, err
	}
	var out struct {
		Data []struct {
			ThreadOwner *struct {
				AppID      ID              `json:"app_id"`
				Expiration json.RawMessage `json:"expiration"`
			} `json:"thread_owner"`
		} `json:"data"`
	}
	if err := s.client.get(ctx, pathEscape(pageID)+"/thread_owner", url.Values{"recipient": {igsid}}, &out); err != nil {
		return nil, err
	}
	owner := new(ThreadOwner)
	for _, d := range out.Data {
		if d.ThreadOwner == nil {
			continue
		}
		owner.AppID = string(d.ThreadOwner.AppID)
		if exp := d.ThreadOwner.Expiration; len(exp) > 0 && string(exp) != "null" {
			var t Time
			if err := json.Unmarshal(exp, &t); err != nil {
				return nil, &DecodeError{Method: "GET", Path: pageID + "/thread_owner", Err: fmt.Errorf("expiration: %w", err)}
			}
			owner.Expiration = t.Time
		}
		break
	}
	return owner, nil
}
