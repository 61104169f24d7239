package instagram_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

const (
	mockSecret   = "app-secret-0123456789abcdef"
	mockCode     = "AQDcodevalue0123456789"
	mockShort    = "IGAAshorttoken0123456789"
	mockRedirect = "https://app.example/cb"
)

func mockIGConfig() *instagram.OAuthConfig {
	return instagram.InstagramLoginConfig("1234567890", mockSecret, mockRedirect,
		instagram.ScopeInstagramBusinessBasic)
}

func mockFBConfig() *instagram.OAuthConfig {
	return instagram.FacebookLoginConfig("1234567890", mockSecret, mockRedirect,
		instagram.ScopeInstagramBasic, instagram.ScopePagesShowList)
}

func TestAuthCodeURLDefaults(t *testing.T) {
	ig := mockIGConfig().AuthCodeURL("s1")
	u, err := url.Parse(ig)
	require.NoError(t, err)
	assert.Equal(t, "https://www.instagram.com/oauth/authorize", u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, url.Values{
		"client_id": {"1234567890"}, "redirect_uri": {mockRedirect}, "response_type": {"code"},
		"scope": {"instagram_business_basic"}, "state": {"s1"},
	}, u.Query())

	fb := mockFBConfig()
	u, err = url.Parse(fb.AuthCodeURL("s2"))
	require.NoError(t, err)
	assert.Equal(t, "https://www.facebook.com/v25.0/dialog/oauth", u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, "instagram_basic pages_show_list", u.Query().Get("scope"))
	fb.APIVersion = "v26.0"
	assert.True(t, strings.HasPrefix(fb.AuthCodeURL("s"), "https://www.facebook.com/v26.0/dialog/oauth?"))

	oc := mockFBConfig().OAuth2()
	assert.Equal(t, "https://graph.facebook.com/v25.0/oauth/access_token", oc.Endpoint.TokenURL)
	assert.Equal(t, instagram.InstagramTokenURL, mockIGConfig().OAuth2().Endpoint.TokenURL)
	assert.Equal(t, []string{"instagram_basic", "pages_show_list"}, oc.Scopes)

	over := mockIGConfig()
	over.AuthURL, over.TokenURL = "https://proxy.example/authorize", "https://proxy.example/token"
	assert.True(t, strings.HasPrefix(over.AuthCodeURL("s"), "https://proxy.example/authorize?"))
	assert.Equal(t, "https://proxy.example/token", over.OAuth2().Endpoint.TokenURL)

	a, b := instagram.NewState(), instagram.NewState()
	assert.NotEqual(t, a, b)
	assert.Len(t, a, 43)
}

func TestParseRedirect(t *testing.T) {
	parse := func(raw, state string) (string, error) {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		return instagram.ParseRedirect(u, state)
	}
	code, err := parse(mockRedirect+"?code=AQBabc&state=st#_", "st")
	require.NoError(t, err)
	assert.Equal(t, "AQBabc", code)
	code, err = parse(mockRedirect+"?code=AQBabc%23_&state=st", "st")
	require.NoError(t, err)
	assert.Equal(t, "AQBabc", code, "an encoded #_ is removed too")

	_, err = parse(mockRedirect+"?code=AQBabc&state=other", "st")
	assertOnly(t, err, instagram.ErrStateMismatch)
	_, err = parse(mockRedirect+"?code=AQBabc", "st")
	assertOnly(t, err, instagram.ErrStateMismatch)
	_, err = parse(mockRedirect+"?code=AQBabc&state=st", "")
	assert.ErrorIs(t, err, instagram.ErrValidation)

	denied := "?error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request"
	_, err = parse(mockRedirect+denied+"&state=st", "st")
	assertOnly(t, err, instagram.ErrAuthorizationDenied)
	var ae *instagram.AuthorizationError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, instagram.AuthorizationError{Code: "access_denied", Reason: "user_denied", Description: "The user denied your request"}, *ae)
	assert.Equal(t, "instagram: authorization failed: access_denied (user_denied): The user denied your request", err.Error())
	_, err = parse(mockRedirect+denied, "st")
	assertOnly(t, err, instagram.ErrAuthorizationDenied)
	_, err = parse(mockRedirect+denied+"&state=forged", "st")
	assertOnly(t, err, instagram.ErrStateMismatch)

	_, err = parse(mockRedirect+"?error=server_error&state=st", "st")
	require.ErrorAs(t, err, &ae)
	assert.NotErrorIs(t, err, instagram.ErrAuthorizationDenied)

	_, err = parse(mockRedirect+"?state=st", "st")
	assert.ErrorIs(t, err, instagram.ErrMissingCode)
}

func TestExchangeCodeAcceptsEveryAnswerShape(t *testing.T) {
	const big = "27640875392278831"
	for name, body := range map[string]string{
		"flat, numeric id, list": `{"access_token":"IGAAnew","user_id":27640875392278831,"permissions":["instagram_business_basic","instagram_business_manage_messages"]}`,
		"data array, string id, comma string": `{"data":[{"access_token":"IGAAnew","user_id":"27640875392278831",
			"permissions":"instagram_business_basic,instagram_business_manage_messages"}]}`,
		"data object": `{"data":{"access_token":"IGAAnew","user_id":27640875392278831,
			"permissions":[{"permission":"instagram_business_basic","status":"granted"},{"permission":"instagram_business_manage_messages","status":"granted"},{"permission":"instagram_business_content_publish","status":"declined"}]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := newMockClient(t)
			var form url.Values
			var auth string
			mt.RegisterResponder(http.MethodPost, instagram.InstagramTokenURL, func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				form, _ = url.ParseQuery(string(b))
				auth = r.Header.Get("Authorization")
				return jsonResponder(200, body)(r)
			})
			tok, err := c.Auth.ExchangeCode(context.Background(), mockIGConfig(), mockCode+"#_")
			require.NoError(t, err)
			assert.Equal(t, "IGAAnew", tok.AccessToken)
			assert.Equal(t, big, tok.UserID)
			assert.Equal(t, []string{"instagram_business_basic", "instagram_business_manage_messages"}, tok.Permissions)
			assert.WithinDuration(t, time.Now().Add(time.Hour), tok.Expiry, time.Minute, "one hour when the answer does not say")
			assert.Equal(t, url.Values{
				"client_id": {"1234567890"}, "client_secret": {mockSecret}, "grant_type": {"authorization_code"},
				"redirect_uri": {mockRedirect}, "code": {mockCode},
			}, form)
			assert.Empty(t, auth, "the client's own token is not sent")
		})
	}
}

func TestExchangeCodeFacebookRequest(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var q url.Values
	mt.RegisterResponder(http.MethodGet, testBase+"/v25.0/oauth/access_token", func(r *http.Request) (*http.Response, error) {
		q = r.URL.Query()
		assert.Empty(t, r.Header.Get("Authorization"))
		return jsonResponder(200, `{"access_token":"EAAnew","token_type":"bearer","expires_in":5183944}`)(r)
	})
	tok, err := c.Auth.ExchangeCode(context.Background(), mockFBConfig(), mockCode)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"client_id": {"1234567890"}, "client_secret": {mockSecret}, "redirect_uri": {mockRedirect}, "code": {mockCode}}, q)
	assert.Equal(t, "EAAnew", tok.AccessToken)
	assert.WithinDuration(t, time.Now().Add(5183944*time.Second), tok.Expiry, time.Minute)
	assert.Empty(t, tok.UserID)
}

func TestExchangeCodeClassifiesCodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		platform instagram.Platform
		body     string
		want     error
	}{
		{"ig used", instagram.InstagramLogin, `{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}`, instagram.ErrCodeInvalid},
		{"ig expired", instagram.InstagramLogin, `{"error_type":"OAuthException","code":400,"error_message":"This authorization code has expired"}`, instagram.ErrCodeExpired},
		{"ig secret", instagram.InstagramLogin, `{"error_type":"OAuthException","code":400,"error_message":"Error validating client secret."}`, nil},
		{"fb expired", instagram.FacebookLogin, `{"error":{"message":"This authorization code has expired.","type":"OAuthException","code":100,"error_subcode":36007}}`, instagram.ErrCodeExpired},
		{"fb used", instagram.FacebookLogin, `{"error":{"message":"This authorization code has been used.","type":"OAuthException","code":100,"error_subcode":36009}}`, instagram.ErrCodeInvalid},
		{"fb redirect", instagram.FacebookLogin, `{"error":{"message":"Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request","type":"OAuthException","code":100,"error_subcode":36008}}`, instagram.ErrCodeInvalid},
		{"fb format", instagram.FacebookLogin, `{"error":{"message":"Invalid verification code format.","type":"OAuthException","code":100}}`, instagram.ErrCodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, instagram.WithPlatform(tc.platform))
			cfg := mockIGConfig()
			if tc.platform == instagram.FacebookLogin {
				cfg = mockFBConfig()
			}
			mt.RegisterNoResponder(jsonResponder(400, tc.body))
			_, err := c.Auth.ExchangeCode(context.Background(), cfg, mockCode)
			assertOnly(t, err, tc.want)
			var apiErr *instagram.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "OAuthException", apiErr.Type)
			assert.NotContains(t, err.Error(), mockSecret)
			assert.NotContains(t, err.Error(), mockCode)
		})
	}
}

func TestLongLivedAndRefreshRequests(t *testing.T) {
	ctx := context.Background()
	c, mt := newMockClient(t)
	var got []url.Values
	mt.RegisterResponder(http.MethodGet, `=~^`+testBase+`/v25.0/(access_token|refresh_access_token)\?`, func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.Header.Get("Authorization"))
		got = append(got, r.URL.Query())
		return jsonResponder(200, `{"access_token":"IGAAlong","token_type":"bearer","expires_in":5184000}`)(r)
	})
	short := &instagram.Token{AccessToken: mockShort, UserID: "42", Permissions: []string{"instagram_business_basic"}}
	long, err := c.Auth.ExchangeLongLived(ctx, mockIGConfig(), short)
	require.NoError(t, err)
	assert.Equal(t, "IGAAlong", long.AccessToken)
	assert.Equal(t, "42", long.UserID)
	assert.Equal(t, short.Permissions, long.Permissions)
	assert.WithinDuration(t, time.Now().Add(60*24*time.Hour), long.Expiry, time.Minute)
	assert.WithinDuration(t, time.Now(), long.IssuedAt, time.Minute)

	_, err = c.Auth.RefreshToken(ctx, long)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {mockSecret}, "access_token": {mockShort}}, got[0])
	assert.Equal(t, url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {"IGAAlong"}}, got[1])

	fb, fbmt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var fq url.Values
	fbmt.RegisterResponder(http.MethodGet, testBase+"/v25.0/oauth/access_token", func(r *http.Request) (*http.Response, error) {
		fq = r.URL.Query()
		return jsonResponder(200, `{"access_token":"EAAlong","token_type":"bearer","expires_in":5183944}`)(r)
	})
	_, err = fb.Auth.ExchangeLongLived(ctx, mockFBConfig(), &instagram.Token{AccessToken: "EAAshort"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {"1234567890"},
		"client_secret": {mockSecret}, "fb_exchange_token": {"EAAshort"}}, fq)
}

func TestAuthChecksInputBeforeSending(t *testing.T) {
	ctx := context.Background()
	ig, mt := newMockClient(t)
	fb, fbmt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	tok := &instagram.Token{AccessToken: mockShort}
	for name, err := range map[string]error{
		"refresh on a Facebook client":    second(fb.Auth.RefreshToken(ctx, tok)),
		"ig exchange on Facebook client":  second(fb.Auth.ExchangeLongLived(ctx, mockIGConfig(), tok)),
		"fb exchange on Instagram client": second(ig.Auth.ExchangeLongLived(ctx, mockFBConfig(), tok)),
		"fb code on Instagram client":     second(ig.Auth.ExchangeCode(ctx, mockFBConfig(), mockCode)),
		"debug_token on Instagram client": second(ig.Auth.DebugToken(ctx, mockShort, nil)),
		"accounts on Instagram client":    second(ig.Auth.Accounts(ctx, nil)),
		"nil config":                      second(ig.Auth.ExchangeCode(ctx, nil, mockCode)),
		"empty code":                      second(ig.Auth.ExchangeCode(ctx, mockIGConfig(), "#_")),
		"no secret": second(ig.Auth.ExchangeCode(ctx,
			instagram.InstagramLoginConfig("1", "", mockRedirect), mockCode)),
		"no redirect": second(ig.Auth.ExchangeCode(ctx,
			instagram.InstagramLoginConfig("1", mockSecret, ""), mockCode)),
		"nil token":         second(ig.Auth.RefreshToken(ctx, nil)),
		"empty input token": second(fb.Auth.DebugToken(ctx, "", nil)),
	} {
		var ve *instagram.ValidationError
		assert.ErrorAs(t, err, &ve, name)
	}
	for _, e := range ig.Auth.AllAccounts(ctx, nil) {
		assert.ErrorIs(t, e, instagram.ErrValidation)
	}
	assert.Zero(t, mt.GetTotalCallCount())
	assert.Zero(t, fbmt.GetTotalCallCount())
}

func second[T any](_ T, err error) error { return err }

func TestExchangeWithoutAccessTokenIsADecodeError(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterNoResponder(jsonResponder(200, `{"data":[]}`))
	_, err := c.Auth.ExchangeCode(context.Background(), mockIGConfig(), mockCode)
	var de *instagram.DecodeError
	require.ErrorAs(t, err, &de)
	assert.NotContains(t, err.Error(), mockCode)
}

func TestTokenExchangeNetworkErrorsHideSecrets(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin), instagram.WithLogger(logger))
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("connection reset while sending %s", r.URL.String())
	})
	_, err := c.Auth.ExchangeCode(context.Background(), mockFBConfig(), mockCode)
	require.Error(t, err)
	_, err2 := c.Auth.ExchangeLongLived(context.Background(), mockFBConfig(), &instagram.Token{AccessToken: "EAAshortsecret"})
	require.Error(t, err2)
	out := err.Error() + err2.Error() + logs.String()
	assert.Contains(t, logs.String(), "retrying")
	for _, s := range []string{mockSecret, mockCode, "EAAshortsecret"} {
		assert.NotContains(t, out, s)
	}
}

func TestTokenNeverPrintsItself(t *testing.T) {
	tok := &instagram.Token{AccessToken: "IGAAprintme0123456789", UserID: "1784", Expiry: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	for _, s := range []string{
		fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok),
	} {
		assert.NotContains(t, s, tok.AccessToken)
		assert.Contains(t, s, "1784")
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("login", "token", tok)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("login", "token", tok)
	assert.NotContains(t, logs.String(), tok.AccessToken)
	assert.Contains(t, logs.String(), "1784")

	// JSON, for persistence, keeps it.
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.Contains(t, string(b), tok.AccessToken)

	page := instagram.FacebookPage{ID: "1", Name: "Shop", AccessToken: "EAApagetoken0123",
		InstagramBusinessAccount: &instagram.LinkedInstagramAccount{ID: "1784"}}
	logs.Reset()
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("page", "page", page)
	assert.NotContains(t, logs.String()+fmt.Sprint(page), page.AccessToken)
	assert.Contains(t, fmt.Sprint(page), "1784")

	assert.True(t, tok.Valid(tok.Expiry.Add(-time.Second)))
	assert.False(t, tok.Valid(tok.Expiry))
	assert.Equal(t, tok.AccessToken, tok.OAuth2().AccessToken)
	assert.Equal(t, tok.Expiry, tok.OAuth2().Expiry)
}

func TestTimedAppSecretProof(t *testing.T) {
	at := time.Unix(1767225600, 0)
	proof, ts := instagram.TimedAppSecretProof("secret", "token", at)
	assert.Equal(t, "1767225600", ts)
	m := hmac.New(sha256.New, []byte("secret"))
	m.Write([]byte("token|1767225600"))
	assert.Equal(t, hex.EncodeToString(m.Sum(nil)), proof)
	assert.NotEqual(t, instagram.AppSecretProof("secret", "token"), proof)
}

func TestDebugTokenRequest(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var q url.Values
	var auth string
	mt.RegisterResponder(http.MethodGet, testBase+"/v25.0/debug_token", func(r *http.Request) (*http.Response, error) {
		q, auth = r.URL.Query(), r.Header.Get("Authorization")
		return jsonResponder(200, `{"data":{"app_id":"138483919580948","type":"USER","application":"Social Cafe",
			"data_access_expires_at":1576687825,"expires_at":1570820400,"is_valid":true,"issued_at":1565636400,
			"scopes":["pages_show_list","public_profile"],
			"granular_scopes":[{"scope":"pages_show_list","target_ids":["1111","2222"]}],"user_id":10215241773831025}}`)(r)
	})
	info, err := c.Auth.DebugToken(context.Background(), "EAAinput", &instagram.DebugTokenOptions{AccessToken: "138483919580948|" + mockSecret})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"input_token": {"EAAinput"}, "access_token": {"138483919580948|" + mockSecret}}, q)
	assert.Empty(t, auth, "the app token replaces the client's")
	assert.Equal(t, "10215241773831025", info.UserID)
	assert.Equal(t, time.Unix(1570820400, 0).UTC(), info.ExpiresAt)
	assert.Equal(t, time.Unix(1565636400, 0).UTC(), info.IssuedAt)
	assert.Equal(t, time.Unix(1576687825, 0).UTC(), info.DataAccessExpiresAt)
	assert.Equal(t, []instagram.GranularScope{{Scope: "pages_show_list", TargetIDs: []string{"1111", "2222"}}}, info.GranularScopes)
	assert.NoError(t, info.Err())

	// Without options the client's own token authenticates.
	_, err = c.Auth.DebugToken(context.Background(), "EAAinput", nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testToken, auth)
	assert.Equal(t, url.Values{"input_token": {"EAAinput"}}, q)
}

func TestAccountsPagesThroughCursors(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var queries []url.Values
	mt.RegisterResponder(http.MethodGet, testBase+"/v25.0/me/accounts", func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		queries = append(queries, q)
		if q.Get("after") == "" {
			return jsonResponder(200, `{"data":[{"id":"101","name":"Bakery","access_token":"EAApage1",
				"instagram_business_account":{"id":"17841400000000001","username":"bakery"}}],
				"paging":{"cursors":{"before":"b1","after":"a1"},"next":"https://graph.facebook.com/v25.0/me/accounts?access_token=EAAuser&after=a1"}}`)(r)
		}
		return jsonResponder(200, `{"data":[{"id":"102","name":"No Instagram","access_token":"EAApage2"}],"paging":{"cursors":{"before":"a1","after":"a2"}}}`)(r)
	})
	var got []instagram.FacebookPage
	for p, err := range c.Auth.AllAccounts(context.Background(), nil) {
		require.NoError(t, err)
		got = append(got, p)
	}
	require.Len(t, got, 2)
	assert.Equal(t, "17841400000000001", got[0].InstagramBusinessAccount.ID)
	assert.Equal(t, "bakery", got[0].InstagramBusinessAccount.Username)
	assert.Nil(t, got[1].InstagramBusinessAccount)
	require.Len(t, queries, 2)
	assert.Equal(t, "id,name,category,access_token,tasks,instagram_business_account{id,username}", queries[0].Get("fields"))
	assert.Equal(t, "a1", queries[1].Get("after"))
	assert.Empty(t, queries[1].Get("access_token"), "the next link's token is never replayed")

	page, err := c.Auth.Accounts(context.Background(), &instagram.ListOptions{Fields: []string{"id"}, Limit: 5})
	require.NoError(t, err)
	assert.True(t, page.HasNext())
	assert.Equal(t, "id", queries[2].Get("fields"))
	assert.Equal(t, "5", queries[2].Get("limit"))
}

func TestTokenSourceNeedsAToken(t *testing.T) {
	c, mt := newMockClient(t)
	_, err := c.Auth.TokenSource(nil, nil).Token()
	assert.ErrorIs(t, err, instagram.ErrInvalidToken)
	var te *instagram.TokenError
	assert.True(t, errors.As(err, &te))
	assert.Zero(t, mt.GetTotalCallCount())
}
