package instagram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/message"
	"github.com/stretchr/testify/require"
)

// metaLine is one "// Meta API: METHOD /path" line of a method's doc.
type metaLine struct {
	method string
	path   *regexp.Regexp // the path template, {placeholders} as segments
	query  url.Values     // required query values (?fields=business_discovery)
	text   string
}

// placeholder is a {name} segment of a path template.
var placeholder = regexp.MustCompile(`\{[a-z-]+\}`)

// parseMetaLine reads "GET /{ig-user-id}/media" and the like. Full URLs
// keep their path (the fake serves every host), a "#fragment" only names
// a variant and is dropped. A placeholder matches one segment other than
// "me", so that a /me call does not pass for /{ig-user-id}.
func parseMetaLine(t *testing.T, text string) metaLine {
	t.Helper()
	method, rest, ok := strings.Cut(strings.TrimSpace(text), " ")
	require.True(t, ok, "Meta API line %q: want METHOD /path", text)
	rest, _, _ = strings.Cut(rest, "#")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	if u, err := url.Parse(rest); err == nil && u.Scheme != "" {
		rest = strings.ReplaceAll(strings.ReplaceAll(u.Path, "%7B", "{"), "%7D", "}")
	}
	require.True(t, strings.HasPrefix(rest, "/"), "Meta API line %q: the path must start with /", text)
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, m := range placeholder.FindAllStringIndex(rest, -1) {
		re.WriteString(regexp.QuoteMeta(rest[last:m[0]]))
		if rest[m[0]:m[1]] == "{version}" {
			re.WriteString(`v[0-9]+\.[0-9]+`)
		} else {
			re.WriteString(`(?:[^/m][^/]*|m|m[^/e][^/]*|me[^/]+)`)
		}
		last = m[1]
	}
	re.WriteString(regexp.QuoteMeta(rest[last:]))
	re.WriteString("/?$")
	q, err := url.ParseQuery(rawQuery)
	require.NoError(t, err, "Meta API line %q", text)
	return metaLine{method: method, path: regexp.MustCompile(re.String()), query: q, text: text}
}

// matches reports whether the recorded request is the line's operation.
func (l metaLine) matches(r instagramtest.RecordedRequest) bool {
	if !strings.EqualFold(l.method, r.Method) || !l.path.MatchString(r.Path) {
		return false
	}
	for k, vs := range l.query {
		got := r.Query.Get(k) + "," + r.Form.Get(k)
		for _, v := range vs {
			if !strings.Contains(got, v) {
				return false
			}
		}
	}
	return true
}

// metaAPIMethods parses the package's non-test sources and returns, for
// each exported method of a service (a type named ...Service), of Client
// and of RefreshingTokenSource, its Meta API lines, keyed "Type.Method".
func metaAPIMethods(t *testing.T) map[string][]metaLine {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	out := map[string][]metaLine{}
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Doc == nil || !fd.Name.IsExported() {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok || (!strings.HasSuffix(id.Name, "Service") && id.Name != "Client" && id.Name != "RefreshingTokenSource") {
				continue
			}
			for _, c := range fd.Doc.List {
				if text, ok := strings.CutPrefix(c.Text, "// Meta API:"); ok {
					key := id.Name + "." + fd.Name.Name
					out[key] = append(out[key], parseMetaLine(t, text))
				}
			}
		}
	}
	return out
}

// metaEnv is what the calls of TestMetaAPILines work with.
type metaEnv struct {
	t       *testing.T
	s       *instagramtest.Server
	ig, fb  *instagram.Client
	user    string // the seeded account
	media   string // a feed media of the account
	comment string // a comment on media
	contact string // a person who wrote to the account
	// tr reaches the fake, for requests made outside the clients.
	tr http.RoundTripper
}

// first takes the first item of an iterator and reports its error.
func first[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

// metaCalls calls each method once, with arguments the fake accepts or at
// least receives. A preparation step may make requests of its own: only
// the requests of the returned function are checked.
var metaCalls = map[string]func(ctx context.Context, e *metaEnv) func() error{
	// Login and tokens.
	"AuthService.Accounts": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Auth.Accounts(ctx, nil); return err }
	},
	"AuthService.AllAccounts": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.fb.Auth.AllAccounts(ctx, nil)) }
	},
	"AuthService.DebugToken": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Auth.DebugToken(ctx, e.s.FacebookAccessToken, nil); return err }
	},
	"AuthService.ExchangeCode": func(ctx context.Context, e *metaEnv) func() error {
		cfg := e.s.OAuthConfig(instagram.InstagramLogin, "https://example.com/cb", instagram.ScopeInstagramBusinessBasic)
		code := authCode(ctx, e, cfg)
		fbCfg := e.s.OAuthConfig(instagram.FacebookLogin, "https://example.com/cb", instagram.ScopeInstagramBasic)
		fbCode := authCode(ctx, e, fbCfg)
		return func() error {
			_, err := e.ig.Auth.ExchangeCode(ctx, cfg, code)
			_, fbErr := e.fb.Auth.ExchangeCode(ctx, fbCfg, fbCode)
			return errors.Join(err, fbErr)
		}
	},
	"AuthService.ExchangeLongLived": func(ctx context.Context, e *metaEnv) func() error {
		cfg := e.s.OAuthConfig(instagram.InstagramLogin, "https://example.com/cb", instagram.ScopeInstagramBusinessBasic)
		short, _ := e.ig.Auth.ExchangeCode(ctx, cfg, authCode(ctx, e, cfg))
		return func() error { _, err := e.ig.Auth.ExchangeLongLived(ctx, cfg, short); return err }
	},
	"AuthService.RefreshToken": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Auth.RefreshToken(ctx, &instagram.Token{AccessToken: e.s.AccessToken})
			return err
		}
	},
	"RefreshingTokenSource.Refresh": func(ctx context.Context, e *metaEnv) func() error {
		ts := e.ig.Auth.TokenSource(&instagram.Token{AccessToken: e.s.AccessToken}, nil)
		return func() error { _, err := ts.Refresh(); return err }
	},
	"RefreshingTokenSource.Token": func(ctx context.Context, e *metaEnv) func() error {
		tok := &instagram.Token{AccessToken: e.s.AccessToken, Expiry: time.Now().Add(time.Hour)}
		ts := e.ig.Auth.TokenSource(tok, nil)
		return func() error { _, err := ts.Token(); return err }
	},
	"RefreshingTokenSource.TokenContext": func(ctx context.Context, e *metaEnv) func() error {
		tok := &instagram.Token{AccessToken: e.s.AccessToken, Expiry: time.Now().Add(time.Hour)}
		ts := e.ig.Auth.TokenSource(tok, nil)
		return func() error { _, err := ts.TokenContext(ctx); return err }
	},
	"MediaService.ResumePublishes": func(ctx context.Context, e *metaEnv) func() error {
		j := instagram.NewMemoryPublishJournal()
		spec, err := json.Marshal(map[string]any{"opts": instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"}})
		if err != nil {
			panic(err)
		}
		if _, ok, err := j.Claim(ctx, "k1", "gone", time.Minute); err != nil || !ok {
			panic(fmt.Sprint("claim: ", ok, err))
		}
		rec := instagram.PublishRecord{Key: "k1", Account: e.user, Spec: spec, State: instagram.PublishCreating}
		if err := j.Put(ctx, "gone", rec, time.Nanosecond); err != nil {
			panic(err)
		}
		time.Sleep(time.Millisecond) // the dead holder's renewed lease lapses
		return func() error { _, err := e.fb.Media.ResumePublishes(ctx, j, nil); return err }
	},
	"Client.Batch": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.fb.Batch(ctx, []instagram.BatchOperation{{Method: "GET", Path: e.media}}, nil)
			return err
		}
	},

	// Comments.
	"CommentsService.All": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Comments.All(ctx, e.media, nil)) }
	},
	"CommentsService.AllReplies": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Comments.AllReplies(ctx, e.comment, nil)) }
	},
	"CommentsService.Create": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Comments.Create(ctx, e.media, "Thanks!"); return err }
	},
	"CommentsService.Delete": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.SimulateComment(e.media, "someone.else", "bye")
		return func() error { return e.ig.Comments.Delete(ctx, id) }
	},
	"CommentsService.Get": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Comments.Get(ctx, e.comment, nil); return err }
	},
	"CommentsService.Hide": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Comments.Hide(ctx, e.comment) }
	},
	"CommentsService.List": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Comments.List(ctx, e.media, nil); return err }
	},
	"CommentsService.Replies": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Comments.Replies(ctx, e.comment, nil); return err }
	},
	"CommentsService.Reply": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Comments.Reply(ctx, e.comment, "Thank you"); return err }
	},
	"CommentsService.SetHidden": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Comments.SetHidden(ctx, e.comment, true) }
	},
	"CommentsService.Unhide": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Comments.Unhide(ctx, e.comment) }
	},

	// Insights.
	"InsightsService.Account": func(ctx context.Context, e *metaEnv) func() error {
		opts := &instagram.AccountInsightsOptions{Metrics: []instagram.Metric{"reach"}, Period: "day"}
		return func() error { _, err := e.ig.Insights.Account(ctx, e.user, opts); return err }
	},
	"InsightsService.Media": func(ctx context.Context, e *metaEnv) func() error {
		opts := &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{"reach"}}
		return func() error { _, err := e.ig.Insights.Media(ctx, e.media, opts); return err }
	},
	"InsightsService.MediaMany": func(ctx context.Context, e *metaEnv) func() error {
		opts := &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{"reach"}}
		return func() error {
			_, err := e.fb.Insights.MediaMany(ctx, []string{e.media}, opts)
			_, igErr := e.ig.Insights.MediaMany(ctx, []string{e.media}, opts)
			return errors.Join(err, igErr)
		}
	},

	// Media reads and writes.
	"MediaService.All": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Media.All(ctx, e.user, nil)) }
	},
	"MediaService.AllRange": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Media.AllRange(ctx, e.user, nil)) }
	},
	"MediaService.Children": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Media.Children(ctx, e.media, nil); return err }
	},
	"MediaService.Collaborators": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Media.Collaborators(ctx, e.media); return err }
	},
	"MediaService.ContainerStatus": func(ctx context.Context, e *metaEnv) func() error {
		id := imageContainer(ctx, e)
		return func() error { _, err := e.ig.Media.ContainerStatus(ctx, id); return err }
	},
	"MediaService.CreateContainer": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Media.CreateContainer(ctx, e.user, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
			return err
		}
	},
	"MediaService.Delete": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.fb.Media.Delete(ctx, e.s.Media()[1].ID) }
	},
	"MediaService.Get": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Media.Get(ctx, e.media, nil); return err }
	},
	"MediaService.GetMany": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Media.GetMany(ctx, []string{e.media}, nil)
			_, fbErr := e.fb.Media.GetMany(ctx, []string{e.media}, nil)
			return errors.Join(err, fbErr)
		}
	},
	"MediaService.List": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Media.List(ctx, e.user, nil); return err }
	},
	"MediaService.ListRange": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Media.ListRange(ctx, e.user, nil); return err }
	},
	"MediaService.OEmbed": func(ctx context.Context, e *metaEnv) func() error {
		link := e.s.Media()[0].Permalink
		return func() error {
			_, err := e.fb.Media.OEmbed(ctx, link, &instagram.OEmbedOptions{Token: "1234|clienttoken"})
			return err
		}
	},
	"MediaService.PublishCarousel": func(ctx context.Context, e *metaEnv) func() error {
		items := []instagram.CarouselItem{{ImageURL: "https://cdn.example.com/a.jpg"}, {ImageURL: "https://cdn.example.com/b.jpg"}}
		return func() error { _, err := e.ig.Media.PublishCarousel(ctx, e.user, items, nil); return err }
	},
	"MediaService.PublishContainer": func(ctx context.Context, e *metaEnv) func() error {
		id := imageContainer(ctx, e)
		return func() error { _, err := e.ig.Media.PublishContainer(ctx, e.user, id, nil); return err }
	},
	"MediaService.PublishImage": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Media.PublishImage(ctx, e.user, "https://cdn.example.com/a.jpg", nil)
			return err
		}
	},
	"MediaService.PublishReel": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.fb.Media.PublishReel(ctx, e.user, instagram.VideoSource{URL: "https://cdn.example.com/v.mp4"}, nil)
			return err
		}
	},
	"MediaService.PublishStory": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Media.PublishStory(ctx, e.user, instagram.StorySource{ImageURL: "https://cdn.example.com/a.jpg"}, nil)
			return err
		}
	},
	"MediaService.PublishVideo": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.fb.Media.PublishVideo(ctx, e.user, instagram.VideoSource{URL: "https://cdn.example.com/v.mp4"}, nil)
			return err
		}
	},
	"MediaService.SetCommentsEnabled": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Media.SetCommentsEnabled(ctx, e.media, false) }
	},
	"MediaService.UploadOffset": func(ctx context.Context, e *metaEnv) func() error {
		id := uploadContainer(ctx, e)
		return func() error { _, err := e.fb.Media.UploadOffset(ctx, id); return err }
	},
	"MediaService.UploadVideo": func(ctx context.Context, e *metaEnv) func() error {
		id := uploadContainer(ctx, e)
		return func() error { return e.fb.Media.UploadVideo(ctx, id, bytes.NewReader(make([]byte, 64)), 64) }
	},
	"MediaService.UploadVideoAt": func(ctx context.Context, e *metaEnv) func() error {
		id := uploadContainer(ctx, e)
		return func() error { return e.fb.Media.UploadVideoAt(ctx, id, bytes.NewReader(make([]byte, 64)), 64, 0) }
	},
	"MediaService.UploadVideoURL": func(ctx context.Context, e *metaEnv) func() error {
		id := uploadContainer(ctx, e)
		return func() error { return e.fb.Media.UploadVideoURL(ctx, id, "https://cdn.example.com/v.mp4") }
	},
	"MediaService.WaitForContainer": func(ctx context.Context, e *metaEnv) func() error {
		id := imageContainer(ctx, e)
		return func() error { _, err := e.ig.Media.WaitForContainer(ctx, id, nil); return err }
	},

	// Messaging.
	"MessagingService.AllConversations": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Messaging.AllConversations(ctx, e.user, nil)) }
	},
	"MessagingService.Conversation": func(ctx context.Context, e *metaEnv) func() error {
		id := ""
		if p, err := e.ig.Messaging.Conversations(ctx, e.user, nil); err == nil && len(p.Data) > 0 {
			id = p.Data[0].ID
		}
		return func() error { _, err := e.ig.Messaging.Conversation(ctx, id, nil); return err }
	},
	"MessagingService.Conversations": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.Conversations(ctx, e.user, nil); return err }
	},
	"MessagingService.DeleteMessengerProfile": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Messaging.DeleteMessengerProfile(ctx, e.user) }
	},
	"MessagingService.Message": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.SimulateIncomingMessage(e.contact, "one more")
		return func() error { _, err := e.ig.Messaging.Message(ctx, id, nil); return err }
	},
	"MessagingService.MessengerProfile": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.MessengerProfile(ctx, e.user); return err }
	},
	"MessagingService.PrivateReply": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.SimulateComment(e.media, "ana.makes", "price?")
		return func() error {
			_, err := e.ig.Messaging.PrivateReply(ctx, e.user, id, &message.Message{Text: "Sent you the price"}, nil)
			return err
		}
	},
	"MessagingService.React": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.SimulateIncomingMessage(e.contact, "love it")
		return func() error { return e.ig.Messaging.React(ctx, e.user, e.contact, id, "love") }
	},
	"MessagingService.Send": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Messaging.Send(ctx, e.user, e.contact, &message.Message{Text: "Hello"}, nil)
			return err
		}
	},
	"MessagingService.SendAction": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Messaging.SendAction(ctx, e.user, e.contact, instagram.SenderActionMarkSeen) }
	},
	"MessagingService.SendText": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.SendText(ctx, e.user, e.contact, "Hello"); return err }
	},
	"MessagingService.UserProfile": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.UserProfile(ctx, e.contact, nil); return err }
	},
	"MessagingService.UploadAttachment": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.ig.Messaging.UploadAttachment(ctx, e.user, message.AttachmentImage, "https://cdn.example.com/a.jpg")
			return err
		}
	},
	"MessagingService.SetIceBreakers": func(ctx context.Context, e *metaEnv) func() error {
		ib := instagram.IceBreakers{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Open?", Payload: "OPEN"}}}
		return func() error { return e.ig.Messaging.SetIceBreakers(ctx, e.user, ib) }
	},
	"MessagingService.SetMessengerProfile": func(ctx context.Context, e *metaEnv) func() error {
		ib := instagram.IceBreakers{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Open?", Payload: "OPEN"}}}
		return func() error {
			return e.ig.Messaging.SetMessengerProfile(ctx, e.user, &instagram.MessengerProfile{IceBreakers: []instagram.IceBreakers{ib}})
		}
	},
	"MessagingService.SetPersistentMenu": func(ctx context.Context, e *metaEnv) func() error {
		menu := instagram.PersistentMenu{Locale: "default", CallToActions: []instagram.MenuItem{{Type: "postback", Title: "Help", Payload: "HELP"}}}
		return func() error { return e.ig.Messaging.SetPersistentMenu(ctx, e.user, menu) }
	},
	"MessagingService.WelcomeFlows": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.WelcomeFlows(ctx, e.user, nil); return err }
	},
	"MessagingService.AllWelcomeFlows": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Messaging.AllWelcomeFlows(ctx, e.user, nil)) }
	},
	"MessagingService.WelcomeFlow": func(ctx context.Context, e *metaEnv) func() error {
		id := welcomeFlow(ctx, e)
		return func() error { _, err := e.ig.Messaging.WelcomeFlow(ctx, e.user, id); return err }
	},
	"MessagingService.CreateWelcomeFlow": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Messaging.CreateWelcomeFlow(ctx, e.user, welcomeSpec()); return err }
	},
	"MessagingService.UpdateWelcomeFlow": func(ctx context.Context, e *metaEnv) func() error {
		id := welcomeFlow(ctx, e)
		return func() error {
			return e.ig.Messaging.UpdateWelcomeFlow(ctx, e.user, id, &instagram.WelcomeFlowSpec{Name: "Renamed"})
		}
	},
	"MessagingService.DeleteWelcomeFlow": func(ctx context.Context, e *metaEnv) func() error {
		id := welcomeFlow(ctx, e)
		return func() error { return e.ig.Messaging.DeleteWelcomeFlow(ctx, e.user, id) }
	},
	"MessagingService.PassThreadControl": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		return func() error {
			return p.Messaging.PassThreadControl(ctx, e.s.PageID, e.contact, instagram.InstagramInboxAppID, "to a person")
		}
	},
	"MessagingService.TakeThreadControl": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		e.s.SetConversationRouting(e.s.AppID)
		return func() error { return p.Messaging.TakeThreadControl(ctx, e.s.PageID, e.contact, "") }
	},
	"MessagingService.RequestThreadControl": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		return func() error { return p.Messaging.RequestThreadControl(ctx, e.s.PageID, e.contact, "") }
	},
	"MessagingService.ReleaseThreadControl": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		_ = p.Messaging.RequestThreadControl(ctx, e.s.PageID, e.contact, "")
		return func() error { return p.Messaging.ReleaseThreadControl(ctx, e.s.PageID, e.contact, "") }
	},
	"MessagingService.ExtendThreadControl": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		_ = p.Messaging.RequestThreadControl(ctx, e.s.PageID, e.contact, "")
		return func() error { return p.Messaging.ExtendThreadControl(ctx, e.s.PageID, e.contact, 48*time.Hour) }
	},
	"MessagingService.ThreadOwner": func(ctx context.Context, e *metaEnv) func() error {
		p := pageClient(e)
		return func() error { _, err := p.Messaging.ThreadOwner(ctx, e.s.PageID, e.contact); return err }
	},
	"MessagingService.Unreact": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.SimulateIncomingMessage(e.contact, "nice")
		_ = e.ig.Messaging.React(ctx, e.user, e.contact, id, "love")
		return func() error { return e.ig.Messaging.Unreact(ctx, e.user, e.contact, id) }
	},

	// Shopping.
	"ShoppingService.AllProducts": func(ctx context.Context, e *metaEnv) func() error {
		opts := &instagram.ProductSearchOptions{CatalogID: catalog(ctx, e)}
		return func() error { return first(e.fb.Shopping.AllProducts(ctx, e.user, opts)) }
	},
	"ShoppingService.AppealProduct": func(ctx context.Context, e *metaEnv) func() error {
		id := product(ctx, e)
		return func() error { return e.fb.Shopping.AppealProduct(ctx, e.user, id, "It is a real product") }
	},
	"ShoppingService.AvailableCatalogs": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Shopping.AvailableCatalogs(ctx, e.user, nil); return err }
	},
	"ShoppingService.ProductAppeal": func(ctx context.Context, e *metaEnv) func() error {
		id := product(ctx, e)
		return func() error { _, err := e.fb.Shopping.ProductAppeal(ctx, e.user, id); return err }
	},
	"ShoppingService.ProductTags": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Shopping.ProductTags(ctx, e.media); return err }
	},
	"ShoppingService.SearchProducts": func(ctx context.Context, e *metaEnv) func() error {
		opts := &instagram.ProductSearchOptions{CatalogID: catalog(ctx, e)}
		return func() error { _, err := e.fb.Shopping.SearchProducts(ctx, e.user, opts); return err }
	},
	"ShoppingService.UpdateCarouselProductTags": func(ctx context.Context, e *metaEnv) func() error {
		tags := []instagram.ProductTagInput{{ProductID: product(ctx, e)}}
		return func() error { return e.fb.Shopping.UpdateCarouselProductTags(ctx, e.media, 0, tags) }
	},
	"ShoppingService.UpdateProductTags": func(ctx context.Context, e *metaEnv) func() error {
		tags := []instagram.ProductTagInput{{ProductID: product(ctx, e)}}
		return func() error { return e.fb.Shopping.UpdateProductTags(ctx, e.media, tags) }
	},

	// Hashtags.
	"TagsService.AllRecentMedia": func(ctx context.Context, e *metaEnv) func() error {
		id := hashtag(ctx, e)
		return func() error { return first(e.fb.Tags.AllRecentMedia(ctx, id, e.user, nil)) }
	},
	"TagsService.AllRecentlySearched": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.fb.Tags.AllRecentlySearched(ctx, e.user, nil)) }
	},
	"TagsService.AllTopMedia": func(ctx context.Context, e *metaEnv) func() error {
		id := hashtag(ctx, e)
		return func() error { return first(e.fb.Tags.AllTopMedia(ctx, id, e.user, nil)) }
	},
	"TagsService.Get": func(ctx context.Context, e *metaEnv) func() error {
		id := hashtag(ctx, e)
		return func() error { _, err := e.fb.Tags.Get(ctx, id, nil); return err }
	},
	"TagsService.RecentMedia": func(ctx context.Context, e *metaEnv) func() error {
		id := hashtag(ctx, e)
		return func() error { _, err := e.fb.Tags.RecentMedia(ctx, id, e.user, nil); return err }
	},
	"TagsService.RecentlySearched": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Tags.RecentlySearched(ctx, e.user, nil); return err }
	},
	"TagsService.Search": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Tags.Search(ctx, e.user, "coke"); return err }
	},
	"TagsService.TopMedia": func(ctx context.Context, e *metaEnv) func() error {
		id := hashtag(ctx, e)
		return func() error { _, err := e.fb.Tags.TopMedia(ctx, id, e.user, nil); return err }
	},

	// Users.
	"UsersService.AllCollaborationInvites": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.fb.Users.AllCollaborationInvites(ctx, e.user, nil)) }
	},
	"UsersService.AllLiveMedia": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.fb.Users.AllLiveMedia(ctx, e.user, nil)) }
	},
	"UsersService.AllStories": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Users.AllStories(ctx, e.user, nil)) }
	},
	"UsersService.AllTagged": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return first(e.ig.Users.AllTagged(ctx, e.user, nil)) }
	},
	"UsersService.BusinessDiscovery": func(ctx context.Context, e *metaEnv) func() error {
		name := e.s.Network().Accounts[0].Username
		return func() error { _, err := e.fb.Users.BusinessDiscovery(ctx, e.user, name, nil); return err }
	},
	"UsersService.BusinessDiscoveryMedia": func(ctx context.Context, e *metaEnv) func() error {
		name := e.s.Network().Accounts[0].Username
		return func() error { return first(e.fb.Users.BusinessDiscoveryMedia(ctx, e.user, name, nil)) }
	},
	"UsersService.CollaborationInvites": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Users.CollaborationInvites(ctx, e.user, nil); return err }
	},
	"UsersService.ContentPublishingLimit": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Users.ContentPublishingLimit(ctx, e.user, nil); return err }
	},
	"UsersService.Get": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Users.Get(ctx, e.user, nil); return err }
	},
	"UsersService.LiveMedia": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.fb.Users.LiveMedia(ctx, e.user, nil); return err }
	},
	"UsersService.Me": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Users.Me(ctx, nil); return err }
	},
	"UsersService.MentionedComment": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.Network().MentionedComments[0]
		return func() error { _, err := e.fb.Users.MentionedComment(ctx, e.user, id, nil); return err }
	},
	"UsersService.MentionedMedia": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.Network().MentionedMedia[0]
		return func() error { _, err := e.fb.Users.MentionedMedia(ctx, e.user, id, nil); return err }
	},
	"UsersService.ReplyToMention": func(ctx context.Context, e *metaEnv) func() error {
		r := instagram.MentionReply{MediaID: e.s.Network().MentionedMedia[0], Message: "Thanks for the mention"}
		return func() error { _, err := e.fb.Users.ReplyToMention(ctx, e.user, r); return err }
	},
	"UsersService.RespondToCollaborationInvite": func(ctx context.Context, e *metaEnv) func() error {
		id := e.s.Network().PendingInvites[0]
		return func() error { return e.fb.Users.RespondToCollaborationInvite(ctx, e.user, id, true) }
	},
	"UsersService.Stories": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Users.Stories(ctx, e.user, nil); return err }
	},
	"UsersService.Tagged": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Users.Tagged(ctx, e.user, nil); return err }
	},

	// Webhook subscriptions.
	"WebhooksService.AppSubscriptions": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			_, err := e.fb.Webhooks.AppSubscriptions(ctx, e.s.AppID, e.s.AppAccessToken())
			return err
		}
	},
	"WebhooksService.Subscribe": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Webhooks.Subscribe(ctx, e.user, "comments") }
	},
	"WebhooksService.SubscribeApp": func(ctx context.Context, e *metaEnv) func() error {
		// The fake verifies the callback as Meta does: a loopback server
		// answers it, so no name is looked up and nothing leaves the machine.
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
		}))
		e.t.Cleanup(hook.Close)
		opts := instagram.SubscribeAppOptions{CallbackURL: hook.URL + "/hook", VerifyToken: "v", Fields: []string{"comments"}}
		return func() error { return e.fb.Webhooks.SubscribeApp(ctx, e.s.AppID, e.s.AppAccessToken(), opts) }
	},
	"WebhooksService.SubscribedApps": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { _, err := e.ig.Webhooks.SubscribedApps(ctx, e.user); return err }
	},
	"WebhooksService.Unsubscribe": func(ctx context.Context, e *metaEnv) func() error {
		return func() error { return e.ig.Webhooks.Unsubscribe(ctx, e.user) }
	},
	"WebhooksService.UnsubscribeApp": func(ctx context.Context, e *metaEnv) func() error {
		return func() error {
			return e.fb.Webhooks.UnsubscribeApp(ctx, e.s.AppID, e.s.AppAccessToken(), "instagram")
		}
	},
}

// authCode runs the fake's authorization step and returns the code.
func authCode(ctx context.Context, e *metaEnv, cfg *instagram.OAuthConfig) string {
	_ = ctx
	return loginCodeVia(e.t, e.tr, cfg)
}

// imageContainer creates an image container and returns its id.
func imageContainer(ctx context.Context, e *metaEnv) string {
	c, err := e.ig.Media.CreateContainer(ctx, e.user, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
	if err != nil {
		return "0"
	}
	return c.ID
}

// uploadContainer creates a reel container for a resumable upload.
func uploadContainer(ctx context.Context, e *metaEnv) string {
	c, err := e.fb.Media.CreateContainer(ctx, e.user, &instagram.ContainerOptions{MediaType: instagram.ContainerReels, UploadType: "resumable"})
	if err != nil {
		return "0"
	}
	return c.ID
}

// catalog returns the first catalog of the account.
func catalog(ctx context.Context, e *metaEnv) string {
	p, err := e.fb.Shopping.AvailableCatalogs(ctx, e.user, nil)
	if err != nil || len(p.Data) == 0 {
		return "0"
	}
	return p.Data[0].CatalogID
}

// product returns a product of the first catalog.
func product(ctx context.Context, e *metaEnv) string {
	p, err := e.fb.Shopping.SearchProducts(ctx, e.user, &instagram.ProductSearchOptions{CatalogID: catalog(ctx, e)})
	if err != nil || len(p.Data) == 0 {
		return "0"
	}
	return string(p.Data[0].ProductID)
}

// pageClient is a Facebook Login client with the Page token.
func pageClient(e *metaEnv) *instagram.Client {
	c, err := e.s.FacebookClient(instagram.WithAccessToken(e.s.PageAccessToken), instagram.WithHTTPClient(&http.Client{Transport: e.tr}))
	require.NoError(e.t, err)
	return c
}

// welcomeFlow creates a welcome message flow and returns its id.
func welcomeFlow(ctx context.Context, e *metaEnv) string {
	id, err := e.ig.Messaging.CreateWelcomeFlow(ctx, e.user, welcomeSpec())
	if err != nil {
		return "0"
	}
	return id
}

// hashtag returns the id of a hashtag.
func hashtag(ctx context.Context, e *metaEnv) string {
	h, err := e.fb.Tags.Search(ctx, e.user, "coke")
	if err != nil {
		return "0"
	}
	return h.ID
}

// sentOnlySometimes are Meta API lines whose request the call in
// metaCalls does not make, each with the reason.
var sentOnlySometimes = map[string]string{
	"MediaService.UploadVideo GET /{ig-container-id}":   "the offset is read only after a transfer broke off",
	"MediaService.UploadVideoAt GET /{ig-container-id}": "the offset is read only after a transfer broke off",
}

// TestMetaAPILines calls every service method that carries Meta API lines
// against the fake and checks that each request the fake recorded for the
// call is one of the method's lines, so that a line naming the wrong
// method or path fails, and so does a method the table does not call.
func TestMetaAPILines(t *testing.T) {
	methods := metaAPIMethods(t)
	require.NotEmpty(t, methods)
	names := make([]string, 0, len(methods))
	for name := range methods {
		names = append(names, name)
	}
	sort.Strings(names)
	for name := range metaCalls {
		_, ok := methods[name]
		require.True(t, ok, "metaCalls has %s, which carries no Meta API line", name)
	}
	for _, name := range names {
		lines := methods[name]
		t.Run(name, func(t *testing.T) {
			// On the bubble's clock, the messaging pacing between the calls
			// that find an object and the call under test costs no time.
			synctest.Test(t, func(t *testing.T) {
				call, ok := metaCalls[name]
				require.True(t, ok, "%s carries Meta API lines but metaCalls does not call it", name)
				s, tr := bubbleFake(t, instagramtest.WithContainerPolls(0))
				hc := instagram.WithHTTPClient(&http.Client{Transport: tr})
				ig, err := s.Client(hc)
				require.NoError(t, err)
				fb, err := s.FacebookClient(hc)
				require.NoError(t, err)
				media := s.Media()[0].ID
				e := &metaEnv{
					t: t, s: s, ig: ig, fb: fb, user: s.UserID, media: media,
					comment: s.SimulateComment(media, "ana.makes", "Love this"),
					contact: s.ContactID("ana.makes"), tr: tr,
				}
				s.SimulateIncomingMessage(e.contact, "Hi!")
				ctx := context.Background()
				run := call(ctx, e)
				s.ResetRequests()
				callErr := run()
				reqs := s.Requests()
				require.NotEmpty(t, reqs, "%s sent no request (error: %v)", name, callErr)
				for _, r := range reqs {
					matched := false
					for _, l := range lines {
						if l.matches(r) {
							matched = true
							break
						}
					}
					texts := make([]string, len(lines))
					for i, l := range lines {
						texts[i] = strings.TrimSpace(l.text)
					}
					require.True(t, matched, "%s sent %s %s?%s, which none of its Meta API lines (%s) names",
						name, r.Method, r.Path, r.Query.Encode(), strings.Join(texts, "; "))
				}
				// Every HTTP method the lines name was sent: a line that
				// says GET for a write (or POST for a read) fails here
				// even when its path matches.
				sent := map[string]bool{}
				for _, r := range reqs {
					sent[strings.ToUpper(r.Method)] = true
				}
				for _, l := range lines {
					if _, ok := sentOnlySometimes[name+" "+strings.TrimSpace(l.text)]; ok {
						continue
					}
					require.True(t, sent[strings.ToUpper(l.method)], "%s has the line %q, but its call sent no %s request",
						name, strings.TrimSpace(l.text), l.method)
				}
			})
		})
	}
}
