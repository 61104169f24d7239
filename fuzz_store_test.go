package instagram_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/igsdk/instagram"
)

// FuzzFileTokenStoreLoad: any file content loads as a token with an access
// token, which saves and loads back the same, or fails with
// ErrCorruptTokenFile; nothing panics.
func FuzzFileTokenStoreLoad(f *testing.F) {
	f.Add([]byte(`{"access_token":"IGAAx","user_id":"1","expiry":"2026-03-03T03:04:05Z"}`))
	f.Add([]byte(`{"access_token":"IGAAx"`))
	f.Add([]byte(`{"access_token":""}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Add([]byte(`{"access_token":"IGAAx","expiry":"not a time"}`))
	f.Add([]byte(`{"access_token":"IGAAx","permissions":["a",""]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "token.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		store := instagram.FileTokenStore{Path: path}
		tok, err := store.Load(context.Background())
		if err != nil {
			if !errors.Is(err, instagram.ErrCorruptTokenFile) {
				t.Fatalf("error %v does not match ErrCorruptTokenFile", err)
			}
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("loaded %v without an access token", tok)
		}
		if err := store.Save(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		again, err := store.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if again.AccessToken != tok.AccessToken || !again.Expiry.Equal(tok.Expiry) || again.UserID != tok.UserID {
			t.Fatalf("save/load changed the token: %+v vs %+v", tok, again)
		}
	})
}
