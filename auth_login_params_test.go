package instagram_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func TestFacebookLoginForBusinessConfigID(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	app, err := srv.FacebookClient()
	require.NoError(t, err)
	base := srv.OAuthConfig(instagram.FacebookLogin, oauthRedirect, instagram.ScopeInstagramBasic)
	cfg := instagram.FacebookLoginForBusinessConfig(base.ClientID, base.ClientSecret, oauthRedirect, "1234567890")
	cfg.AuthURL, cfg.TokenURL = base.AuthURL, base.TokenURL

	state := instagram.NewState()
	authURL := cfg.AuthCodeURL(state)
	au, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Equal(t, "1234567890", au.Query().Get("config_id"))
	assert.False(t, au.Query().Has("scope"), "config_id replaces scope")
	code, err := instagram.ParseRedirect(authorizeFake(t, authURL), state)
	require.NoError(t, err)
	tok, err := app.Auth.ExchangeCode(context.Background(), cfg, code)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)

	// config_id on Instagram's authorize window, or a malformed one, is refused.
	ig := srv.OAuthConfig(instagram.InstagramLogin, oauthRedirect, instagram.ScopeInstagramBusinessBasic)
	for _, u := range []string{
		ig.AuthCodeURL(state, oauth2.SetAuthURLParam("config_id", "1234567890")),
		base.AuthCodeURL(state, oauth2.SetAuthURLParam("config_id", "abc")),
		ig.AuthCodeURL(state, oauth2.SetAuthURLParam("enable_fb_login", "no")),
		ig.AuthCodeURL(state, oauth2.SetAuthURLParam("force_authentication", "yes")),
	} {
		res, err := http.Get(u)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, u)
	}
	// Meta's documented 0/1 values pass.
	redirect := authorizeFake(t, ig.AuthCodeURL(state, instagram.EnableFacebookLogin(true), instagram.ForceAuthentication(false)))
	_, err = instagram.ParseRedirect(redirect, state)
	require.NoError(t, err)
}
