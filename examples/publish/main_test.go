package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var outputRE = regexp.MustCompile(`^published (IMAGE|VIDEO|CAROUSEL_ALBUM)( REELS| STORY)?\nid: \d{17,18}\npermalink: https://www\.instagram\.com/(p|reel|stories)/\S+/\n$`)

func publishWith(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, env(nil), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestPublishEachKindOnTheFake(t *testing.T) {
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	require.NoError(t, os.WriteFile(clip, bytes.Repeat([]byte("frame"), 100_000), 0o600))
	cases := map[string]struct {
		args []string
		kind string
	}{
		"image":    {[]string{"-image", "https://example.com/a.jpg", "-caption", "Hello #world", "-alt", "A cup"}, "published IMAGE\n"},
		"video":    {[]string{"-video", "https://example.com/v.mp4", "-caption", "Feed video"}, "published VIDEO REELS\n"},
		"reel":     {[]string{"-reel", clip, "-reel-only"}, "published VIDEO REELS\n"},
		"story":    {[]string{"-story", "https://example.com/s.jpg"}, "published IMAGE STORY\n"},
		"story v":  {[]string{"-story", clip}, "published VIDEO STORY\n"},
		"carousel": {[]string{"-carousel", "https://example.com/1.jpg, https://example.com/2.mp4," + clip, "-caption", "Three"}, "published CAROUSEL_ALBUM\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := publishWith(t, tc.args...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, errOut, "INSTAGRAM_ACCESS_TOKEN is not set")
			assert.Regexp(t, outputRE, out)
			assert.Contains(t, out, tc.kind)
		})
	}
}

func TestPublishUsageAndErrors(t *testing.T) {
	_, errOut, code := publishWith(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "exactly one of")
	_, _, code = publishWith(t, "-image", "https://a/b.jpg", "-reel", "https://a/b.mp4")
	assert.Equal(t, 2, code)

	_, errOut, code = publishWith(t, "-carousel", "https://example.com/only.jpg")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "nothing was sent: children")

	_, errOut, code = publishWith(t, "-image", "https://example.com/error.jpg")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "could not process the media (ERROR)")

	_, errOut, code = publishWith(t, "-reel", filepath.Join(t.TempDir(), "missing.mp4"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no such file")
}
