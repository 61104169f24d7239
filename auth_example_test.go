package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func ExampleOAuthConfig_AuthCodeURL() {
	cfg := instagram.InstagramLoginConfig("990602627938098", "app-secret", "https://app.example/auth/",
		instagram.ScopeInstagramBusinessBasic, instagram.ScopeInstagramBusinessContentPublish)
	// Use instagram.NewState() and keep it in the user's session; a fixed
	// value keeps this output stable.
	fmt.Println(cfg.AuthCodeURL("state-from-session", instagram.EnableFacebookLogin(false)))
	// Output:
	// https://www.instagram.com/oauth/authorize?client_id=990602627938098&enable_fb_login=0&redirect_uri=https%3A%2F%2Fapp.example%2Fauth%2F&response_type=code&scope=instagram_business_basic+instagram_business_content_publish&state=state-from-session
}

// The redirect handler of a web app: check the state, exchange the code,
// upgrade to a long-lived token.
func ExampleParseRedirect() {
	cfg := instagram.InstagramLoginConfig("990602627938098", "app-secret", "https://app.example/auth/",
		instagram.ScopeInstagramBusinessBasic)
	client, err := instagram.NewClient() // no token: the exchanges carry their own credentials
	if err != nil {
		log.Fatal(err)
	}
	sessionState := func(*http.Request) string { return "state kept in the user's session" }

	http.HandleFunc("GET /auth/", func(w http.ResponseWriter, r *http.Request) {
		code, err := instagram.ParseRedirect(r.URL, sessionState(r))
		switch {
		case errors.Is(err, instagram.ErrAuthorizationDenied):
			http.Error(w, "You cancelled the login.", http.StatusForbidden)
			return
		case err != nil: // ErrStateMismatch, ErrMissingCode
			http.Error(w, "Invalid login redirect.", http.StatusBadRequest)
			return
		}
		short, err := client.Auth.ExchangeCode(r.Context(), cfg, code)
		if err != nil { // ErrCodeInvalid, ErrCodeExpired, ...
			http.Error(w, "Login failed, please try again.", http.StatusBadGateway)
			return
		}
		long, err := client.Auth.ExchangeLongLived(r.Context(), cfg, short)
		if err != nil {
			http.Error(w, "Login failed, please try again.", http.StatusBadGateway)
			return
		}
		log.Printf("user %s logged in until %s", long.UserID, long.Expiry) // never log long.AccessToken
	})
}

func ExampleAuthService_TokenSource() {
	srv := instagramtest.NewServer()
	defer srv.Close()

	// The source refreshes through a client of its own, which needs no token.
	authClient, err := instagram.NewClient(instagram.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	// A token saved earlier, for instance by FileTokenStore.
	saved := &instagram.Token{AccessToken: srv.AccessToken, Expiry: time.Now().Add(59 * 24 * time.Hour)}
	ts := authClient.Auth.TokenSource(saved, &instagram.TokenSourceOptions{
		Store: instagram.TokenStoreFunc(func(ctx context.Context, tok *instagram.Token) error {
			fmt.Println("refreshed until", tok.Expiry.Format(time.DateOnly))
			return nil
		}),
	})

	client, err := instagram.NewClient(instagram.WithBaseURL(srv.URL), instagram.WithTokenSource(ts))
	if err != nil {
		log.Fatal(err)
	}
	me, err := client.Users.Me(context.Background(), &instagram.GetOptions{Fields: []string{"id"}})
	if errors.Is(err, instagram.ErrTokenExpired) {
		log.Fatal("the token expired: the user must log in again")
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.ID == srv.UserID)
	// Output:
	// true
}
