package webhook_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

const (
	whAccount = "17841463720011512"
	whIGSID   = "7219432017765481"
)

func decodeFixture(t *testing.T, name string) []webhook.Event {
	t.Helper()
	events, err := webhook.Decode(fixture(t, filepath.Join("webhooks", name)))
	require.NoError(t, err)
	return events
}

// only decodes a fixture holding one event of type T.
func only[T webhook.Event](t *testing.T, name string) T {
	t.Helper()
	events := decodeFixture(t, name)
	require.Len(t, events, 1)
	e, ok := events[0].(T)
	require.Truef(t, ok, "event is %T", events[0])
	return e
}

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func TestDecodeComment(t *testing.T) {
	e := only[*webhook.CommentEvent](t, "comments.json")
	assert.Equal(t, webhook.EventComment, e.Kind())
	assert.Equal(t, "instagram", e.Object)
	assert.Equal(t, whAccount, e.AccountID)
	assert.Equal(t, time.Unix(1746100800, 0).UTC(), e.Time.UTC())
	assert.Equal(t, "comments", e.Field)
	assert.Equal(t, "18327746104015297", e.ID)
	assert.Empty(t, e.ParentID)
	assert.Equal(t, "Saving this recipe for Sunday \U0001F35E", e.Text)
	assert.Equal(t, webhook.From{ID: "6120483375561182", Username: "harbor.bakery.fan"}, e.From)
	assert.Equal(t, webhook.Media{ID: "18052217733190584", MediaProductType: "FEED"}, e.Media)
	assert.JSONEq(t, `{"from":{"id":"6120483375561182","username":"harbor.bakery.fan"},"media":{"id":"18052217733190584","media_product_type":"FEED"},"id":"18327746104015297","text":"Saving this recipe for Sunday \ud83c\udf5e"}`, string(e.Raw))
	assert.Same(t, &e.Entry, e.Base())
}

func TestDecodeCommentReplyOnAd(t *testing.T) {
	e := only[*webhook.CommentEvent](t, "comments_reply_ad.json")
	assert.Equal(t, "17990042318855012", e.ID)
	assert.Equal(t, "18327746104015297", e.ParentID)
	assert.Equal(t, "1029384756473829", e.From.SelfIGScopedID)
	assert.Equal(t, webhook.Media{ID: "18060011223344556", MediaProductType: "AD", AdID: "120214455667788990",
		AdTitle: "Spring loaves / weekend offer", OriginalMediaID: "18052217733190584"}, e.Media)
}

func TestDecodeCommentIDFallback(t *testing.T) {
	body := `{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"comment_id":"42","text":"x","from":{"id":"9"},"media":{"id":"7"}}}]}]}`
	events, err := webhook.Decode([]byte(body))
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, "42", events[0].(*webhook.CommentEvent).ID)
}

func TestDecodeLiveComment(t *testing.T) {
	e := only[*webhook.CommentEvent](t, "live_comments.json")
	assert.Equal(t, webhook.EventLiveComment, e.Kind())
	assert.Equal(t, "17875512009934561", e.ID)
	assert.Equal(t, "Hello from the live!", e.Text)
	assert.Equal(t, "crumb.and.co", e.From.Username)
	assert.Equal(t, "17905566112233447", e.Media.ID)
}

func TestDecodeMentions(t *testing.T) {
	events := decodeFixture(t, "mentions.json")
	require.Len(t, events, 2)
	caption := events[0].(*webhook.MentionEvent)
	comment := events[1].(*webhook.MentionEvent)
	assert.Equal(t, webhook.EventMention, caption.Kind())
	assert.Equal(t, "17933300485721004", caption.MediaID)
	assert.Empty(t, caption.CommentID)
	assert.Equal(t, "17933300485721004", comment.MediaID)
	assert.Equal(t, "17861244390087755", comment.CommentID)
	assert.NotEqual(t, caption.DedupKey(), comment.DedupKey())
}

func TestDecodeStoryInsights(t *testing.T) {
	e := only[*webhook.StoryInsightsEvent](t, "story_insights.json")
	assert.Equal(t, webhook.EventStoryInsights, e.Kind())
	assert.Equal(t, "18011849206354127", e.MediaID)
	assert.Equal(t, [6]int{311, 240, 2, 3, 57, 9}, [6]int{e.Impressions, e.Reach, e.Replies, e.Exits, e.TapsForward, e.TapsBack})
}

func TestDecodeTextMessage(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages.json")
	assert.Equal(t, webhook.EventMessage, e.Kind())
	assert.Equal(t, "messages", e.Field)
	assert.Equal(t, whAccount, e.AccountID)
	assert.Equal(t, ms(1746100900412), e.Time.UTC())
	assert.Equal(t, whIGSID, e.SenderID)
	assert.Equal(t, whAccount, e.RecipientID)
	assert.Equal(t, ms(1746100900120), e.Timestamp.UTC())
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDYzNzIwMDExNTEyOjEwMDAx", e.Message.MID)
	assert.Equal(t, "Hi! Are you open on bank holidays?", e.Message.Text)
	assert.False(t, e.Message.IsEcho || e.Message.IsDeleted || e.Message.IsUnsupported)
	assert.Nil(t, e.Message.QuickReply)
	assert.Nil(t, e.Message.ReplyTo)
	assert.Equal(t, "messages:"+e.Message.MID, e.DedupKey())
}

func TestDecodeAttachments(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages_attachments.json")
	require.Len(t, e.Message.Attachments, 3)
	a := e.Message.Attachments
	assert.Equal(t, "image", a[0].Type)
	assert.Equal(t, "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18400011122233344&signature=AbCdEf012", a[0].Payload.URL)
	assert.Equal(t, "ig_reel", a[1].Type)
	assert.Equal(t, "18033445566778899", a[1].Payload.ReelVideoID)
	assert.Equal(t, "Shaping a batard in 30 seconds", a[1].Payload.Title)
	assert.Equal(t, "share", a[2].Type)
	assert.Equal(t, "https://www.instagram.com/p/C7xYz12AbCd/", a[2].Payload.URL)
	assert.Empty(t, e.Message.Text)
}

func TestDecodeQuickReply(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages_quick_reply.json")
	require.NotNil(t, e.Message.QuickReply)
	assert.Equal(t, "HOURS_PAYLOAD", e.Message.QuickReply.Payload)
	assert.Equal(t, "Opening hours", e.Message.Text)
}

func TestDecodeMessageReferral(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages_referral.json")
	r := e.Message.Referral
	require.NotNil(t, r)
	assert.Equal(t, "spring_kit", r.Ref)
	assert.Equal(t, "120214455667788990", r.AdID)
	assert.Equal(t, "ADS", r.Source)
	assert.Equal(t, "OPEN_THREAD", r.Type)
	require.NotNil(t, r.AdsContextData)
	assert.Equal(t, "Sourdough starter kit", r.AdsContextData.AdTitle)
	assert.Equal(t, "18060011223344556", r.AdsContextData.PostID)
	assert.Equal(t, "https://scontent.cdninstagram.com/v/kit.jpg", r.AdsContextData.PhotoURL)
}

func TestDecodeReplyTo(t *testing.T) {
	events := decodeFixture(t, "messages_reply_to.json")
	require.Len(t, events, 2)
	toMessage := events[0].(*webhook.MessageEvent)
	toStory := events[1].(*webhook.MessageEvent)
	require.NotNil(t, toMessage.Message.ReplyTo)
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDYzNzIwMDExNTEyOjA5OTk5", toMessage.Message.ReplyTo.MID)
	assert.Nil(t, toMessage.Message.ReplyTo.Story)
	require.NotNil(t, toStory.Message.ReplyTo)
	require.NotNil(t, toStory.Message.ReplyTo.Story)
	assert.Equal(t, "18011849206354127", toStory.Message.ReplyTo.Story.ID)
	assert.Equal(t, "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18400011122239999", toStory.Message.ReplyTo.Story.URL)
	assert.Equal(t, "Looks amazing \u2764\ufe0f", toStory.Message.Text)
}

func TestDecodeEcho(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "message_echoes.json")
	assert.Equal(t, webhook.EventMessageEcho, e.Kind())
	assert.Equal(t, "message_echoes", e.Field)
	assert.True(t, e.Message.IsEcho)
	assert.Equal(t, whAccount, e.SenderID)
	assert.Equal(t, whIGSID, e.RecipientID)
}

func TestDecodeDeletedAndUnsupported(t *testing.T) {
	del := only[*webhook.MessageEvent](t, "messages_deleted.json")
	assert.Equal(t, webhook.EventMessage, del.Kind())
	assert.True(t, del.Message.IsDeleted)
	assert.Empty(t, del.Message.Text)
	// The deletion shares the message's id but is an event of its own.
	orig := decodeFixture(t, "messages_reply_to.json")[0].(*webhook.MessageEvent)
	assert.Equal(t, orig.Message.MID, del.Message.MID)
	assert.NotEqual(t, orig.DedupKey(), del.DedupKey())

	un := only[*webhook.MessageEvent](t, "messages_unsupported.json")
	assert.True(t, un.Message.IsUnsupported)
}

func TestDecodeMessageEdit(t *testing.T) {
	e := only[*webhook.MessageEditEvent](t, "message_edit.json")
	assert.Equal(t, webhook.EventMessageEdit, e.Kind())
	assert.Equal(t, "message_edit", e.Field)
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDYzNzIwMDExNTEyOjEwMDAx", e.MID)
	assert.Equal(t, "Hi! Are you open on Easter Monday?", e.Text)
	assert.Equal(t, 1, e.NumEdit)
	assert.Equal(t, whIGSID, e.SenderID)
}

func TestDecodeReactions(t *testing.T) {
	events := decodeFixture(t, "message_reactions.json")
	require.Len(t, events, 2)
	react := events[0].(*webhook.ReactionEvent)
	unreact := events[1].(*webhook.ReactionEvent)
	assert.Equal(t, webhook.EventReaction, react.Kind())
	assert.Equal(t, "message_reactions", react.Field)
	assert.Equal(t, "react", react.Action)
	assert.Equal(t, "love", react.Reaction)
	assert.Equal(t, "\u2764\ufe0f", react.Emoji)
	assert.Equal(t, "unreact", unreact.Action)
	assert.Empty(t, unreact.Reaction)
	assert.Equal(t, react.MID, unreact.MID)
	assert.NotEqual(t, react.DedupKey(), unreact.DedupKey())
}

func TestDecodePostback(t *testing.T) {
	e := only[*webhook.PostbackEvent](t, "messaging_postbacks.json")
	assert.Equal(t, webhook.EventPostback, e.Kind())
	assert.Equal(t, "See today's bakes", e.Title)
	assert.Equal(t, "MENU_TODAY", e.Payload)
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDYzNzIwMDExNTEyOjEwMDA5", e.MID)
}

func TestDecodeOptin(t *testing.T) {
	e := only[*webhook.OptinEvent](t, "messaging_optins.json")
	assert.Equal(t, webhook.EventOptin, e.Kind())
	assert.Equal(t, "notification_messages", e.Type)
	assert.Equal(t, "WEEKLY_SPECIALS", e.Payload)
	assert.Equal(t, "Weekly specials", e.Title)
	assert.Equal(t, "7501928374650192837", e.NotificationMessagesToken)
	assert.Equal(t, "WEEKLY", e.NotificationMessagesFrequency)
	assert.Equal(t, "Europe/London", e.NotificationMessagesTimezone)
	assert.Equal(t, ms(1777641299000), e.TokenExpiry.UTC())
	assert.Equal(t, "NOT_REFRESHED", e.UserTokenStatus)
}

func TestDecodeReferral(t *testing.T) {
	e := only[*webhook.ReferralEvent](t, "messaging_referral.json")
	assert.Equal(t, webhook.EventReferral, e.Kind())
	assert.Equal(t, webhook.Referral{Ref: "bio_link", Source: "IGME_LINK", Type: "OPEN_THREAD"}, e.Referral)
	assert.Equal(t, "8830214466071925", e.SenderID)
}

func TestDecodeSeen(t *testing.T) {
	e := only[*webhook.SeenEvent](t, "messaging_seen.json")
	assert.Equal(t, webhook.EventSeen, e.Kind())
	assert.Equal(t, "messaging_seen", e.Field)
	assert.Equal(t, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDYzNzIwMDExNTEyOjEwMDA3", e.MID)
	assert.True(t, e.Watermark.IsZero())
	assert.Equal(t, ms(1746105899444), e.Timestamp.UTC())
}

func TestDecodeUnknownFieldsKeepRawJSON(t *testing.T) {
	events := decodeFixture(t, "unknown_fields.json")
	require.Len(t, events, 2)
	change := events[0].(*webhook.UnknownEvent)
	standby := events[1].(*webhook.UnknownEvent)
	assert.Equal(t, webhook.EventUnknown, change.Kind())
	assert.Equal(t, "story_replies_summary", change.Field)
	assert.NoError(t, change.Err)
	assert.JSONEq(t, `{"media_id":"18011849206354127","count":4}`, string(change.Raw))
	assert.Equal(t, "standby", standby.Field)
	assert.Contains(t, string(standby.Raw), "handled by the inbox app")
	assert.NotEqual(t, change.DedupKey(), standby.DedupKey())
}

func TestDecodeMessagingItemSentAsChange(t *testing.T) {
	e := only[*webhook.MessageEvent](t, "messages_as_change.json")
	assert.Equal(t, "messages", e.Field)
	assert.Equal(t, "12334", e.SenderID)
	assert.Equal(t, "23245", e.RecipientID)
	assert.Equal(t, time.Unix(1746106500, 0).UTC(), e.Timestamp.UTC())
	assert.Equal(t, "test_mid_0001", e.Message.MID)
}

func TestDecodeBatchKeepsOrderAndEntries(t *testing.T) {
	events := decodeFixture(t, "batch.json")
	require.Len(t, events, 4)
	var kinds []webhook.EventKind
	var accounts []string
	for _, e := range events {
		kinds = append(kinds, e.Kind())
		accounts = append(accounts, e.Base().AccountID)
	}
	assert.Equal(t, []webhook.EventKind{webhook.EventComment, webhook.EventComment, webhook.EventMessage, webhook.EventSeen}, kinds)
	assert.Equal(t, []string{whAccount, whAccount, "17841400000000777", "17841400000000777"}, accounts)
	assert.Equal(t, "18100022233344455", events[1].(*webhook.CommentEvent).ParentID)
}

func TestDecodeMismatchedContentBecomesUnknown(t *testing.T) {
	body := `{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"id":7,"text":["no"]}}],
		"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":5,"message":{"mid":3}}]}]}`
	events, err := webhook.Decode([]byte(body))
	require.NoError(t, err)
	require.Len(t, events, 2)
	for _, e := range events {
		u, ok := e.(*webhook.UnknownEvent)
		require.Truef(t, ok, "got %T", e)
		assert.Error(t, u.Err)
		assert.NotEmpty(t, u.Raw)
	}
	assert.Equal(t, "comments", events[0].Base().Field)
}

func TestDecodeMalformed(t *testing.T) {
	for _, body := range []string{``, `not json`, `[]`, `{"entry":{}}`, `{"entry":[1]}`, `{"entry":[{"changes":{}}]}`,
		`{"entry":[{"messaging":"x"}]}`, `{"entry":[{"id":"1","changes":[{"field":"comments","value":{"id":"1"}}]}]`} {
		_, err := webhook.Decode([]byte(body))
		assert.Truef(t, errors.Is(err, webhook.ErrMalformed), "body %q: %v", body, err)
	}
	events, err := webhook.Decode([]byte(`{}`))
	require.NoError(t, err)
	assert.Empty(t, events)
}

// Every fixture decodes, with no event left unknown except in the fixture
// meant for it, and every kind appears in at least one fixture.
func TestFixturesCoverEveryKind(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	require.NoError(t, err)
	seen := map[webhook.EventKind]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		events, err := webhook.Decode(b)
		require.NoError(t, err, f)
		require.NotEmpty(t, events, f)
		for _, e := range events {
			seen[e.Kind()] = true
			if !strings.Contains(f, "unknown") {
				assert.NotEqual(t, webhook.EventUnknown, e.Kind(), f)
			}
			// Events marshal for logs and queues.
			_, err := json.Marshal(e)
			assert.NoError(t, err)
		}
	}
	for _, k := range []webhook.EventKind{webhook.EventComment, webhook.EventLiveComment, webhook.EventMention,
		webhook.EventStoryInsights, webhook.EventMessage, webhook.EventMessageEcho, webhook.EventMessageEdit,
		webhook.EventReaction, webhook.EventPostback, webhook.EventOptin, webhook.EventReferral,
		webhook.EventSeen, webhook.EventHandover, webhook.EventUnknown} {
		assert.Truef(t, seen[k], "no fixture for %s", k)
	}
}

// Meta's sample comment delivery for Instagram Login puts field and value
// on the entry itself; it decodes to the same event as the changes[] shape.
func TestDecodeFlatCommentEntry(t *testing.T) {
	flat := only[*webhook.CommentEvent](t, "comments_flat.json")
	nested := only[*webhook.CommentEvent](t, "comments.json")
	assert.JSONEq(t, string(nested.Raw), string(flat.Raw))
	flat.Raw, nested.Raw = nil, nil
	assert.Equal(t, nested, flat)
	assert.Equal(t, nested.DedupKey(), flat.DedupKey())

	// A flat entry next to changes[] yields both, changes first; an entry
	// with a field but no value yields nothing extra.
	events, err := webhook.Decode([]byte(`{"object":"instagram","entry":[{"id":"1","time":1,
		"changes":[{"field":"mentions","value":{"media_id":"5"}}],"field":"comments","value":{"id":"9","text":"x"}},
		{"id":"1","time":1,"field":"comments"}]}`))
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, webhook.EventMention, events[0].Kind())
	assert.Equal(t, "9", events[1].(*webhook.CommentEvent).ID)
}
