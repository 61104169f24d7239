// Package instagramtest provides a fake Instagram Graph API that runs in
// the test process, the way net/http/httptest provides HTTP servers.
//
//	srv := instagramtest.NewServer()
//	defer srv.Close()
//	// call srv.URL + "/v25.0/me?fields=username" with srv.AccessToken
//
// The server holds one seeded Instagram business account (UserID) with a
// linked Facebook Page (PageID), media of every type with comments and
// replies, and insight values, all derived from WithSeed. What a client
// writes is what it reads back.
//
// # Wire format
//
// Paths are versioned, /vNN.N/..., any version; the version used comes back
// in the facebook-api-version header, with x-fb-trace-id and
// x-fb-request-id. An unversioned or malformed path answers code 2500
// ("Unknown path components"). Bodies are JSON escaped the way Meta's are
// ("\/" and \uXXXX). Edges answer {data, paging:{cursors:{before, after},
// previous, next}}: pages hold 25 items unless limit says otherwise (at most
// 100); next and previous are absolute URLs carrying access_token, limit and
// the cursor, and next is absent on the last page. Timestamps read
// 2006-01-02T15:04:05+0000. fields= selects fields, including expansions
// such as children{id,media_type} and owner{username}; an unknown field
// answers "(#100) Tried accessing nonexisting field (x) on node type (T)".
// Without fields= an object answers only its id (comments edges answer
// timestamp, text and id, as Meta's do). An id that does not exist answers
// code 100, subcode 33.
//
// # Tokens and host styles
//
// Tokens are read from the Authorization header (Bearer or OAuth scheme) or
// the access_token parameter. AccessToken is an Instagram Login token:
// calls with it see graph.instagram.com (/me is the account, with user_id
// and account_type). FacebookAccessToken and PageAccessToken are Facebook
// Login tokens: calls with them see graph.facebook.com (/me is the Facebook
// user or the Page; the account is an IGUser with ig_id). AppID|AppSecret is
// the app token. An unknown token answers code 190, an expired one 190/463
// (ExpiredToken, IssueToken with a short lifetime and WithClock), a missing
// one code 104. An appsecret_proof, when sent, must be the hex HMAC-SHA256
// of the token keyed with AppSecret, or of token|appsecret_time for the
// time-bound variant (valid five minutes); WithRequireAppSecretProof makes
// it mandatory.
//
// # Rate limits
//
// Every answer carries X-App-Usage and X-Business-Use-Case-Usage (for the
// account, type "instagram") with integer percentages of the budget used in
// the current fixed window. Over the account budget a call answers HTTP 403
// code 80002, over the app budget HTTP 403 code 4 (is_transient true).
// estimated_time_to_regain_access is in whole minutes, rounded up, and is
// non-zero while the account budget is used up. Throttled answers also carry
// Retry-After with the seconds, rounded up, until the window resets: use it
// with short test windows, where minutes are too coarse. Stats reports
// counters.
//
// # Faults and the request log
//
// InjectFault makes matching requests answer HTTP 500 (code 2, transient),
// a bodiless 502, wait, lose the connection, or run and then lose the
// connection (the write happens, the answer does not), for the first N
// matching calls and/or with a seeded probability. Requests returns what
// arrived, with tokens, proofs, secrets and codes replaced by "REDACTED".
//
// # What else it serves
//
//   - OAuth for both logins: authorize (auto-approving redirect, or a
//     refusal with DenyAuthorization), single-use codes that expire after an
//     hour, long-lived exchange, refresh (not before 24 hours), debug_token
//     and /me/accounts; OAuthConfig returns a configuration pointed here.
//   - Publishing: containers go IN_PROGRESS then FINISHED
//     (WithContainerPolls, WithContainerProcessingTime), expire after 24
//     hours, fail on request (FailContainer, an URL containing "error");
//     media_publish creates media that every list shows, counts against
//     WithPublishLimit and content_publishing_limit; resumable uploads keep
//     their offset and can break on purpose (InjectUploadFailure).
//   - Comments and moderation, mentions, business discovery of three other
//     seeded accounts, hashtag search with the 30-per-7-days limit
//     (answered with code 24), insights, catalogs and product tags, live
//     media (StartLive, EndLive), collaboration invites.
//   - Messaging with the 24-hour window (7 days with HUMAN_AGENT), private
//     replies, unavailable recipients (SetRecipientUnavailable), messenger
//     profile and per-account messaging limits; SimulateComment and
//     SimulateIncomingMessage make things happen. Welcome message flows for
//     click-to-Direct ads (SetWelcomeFlowUsedInAd), thread control on the
//     Page with Conversation Routing on or off (SetConversationRouting,
//     SimulateThreadControl, messaging_handover webhooks) and self
//     messaging (SelfID, SimulateSelfMessage, SimulateSelfPostback, is_self
//     on deliveries).
//   - Webhooks: app and account subscriptions (the app subscription verifies
//     its callback first), signed deliveries of every event that happens
//     (DeliverWebhook for any payload, WaitWebhooks, WebhookDeliveries).
//   - Batch requests (POST / with batch=[...], up to 50 operations, named
//     operations and JSONPath references; Facebook Login tokens only, as on
//     Meta). Multi-id lookups (GET /?ids=...) are refused with code 100, as
//     Meta refuses them to apps created since 2026-11-04.
//
// # Determinism
//
// Two servers with the same seed, media count and clock hold the same ids,
// texts, counts and times. Seeded times lie before the clock's time at
// NewServer (stories within the last day), so pass WithClock for state that
// does not move with the wall clock.
package instagramtest
