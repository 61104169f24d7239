//go:build linux || darwin

package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgressBarInPseudoTerminal builds the command and publishes a video
// file with stderr on a pseudo-terminal: the bar renders and ends at 100%.
func TestProgressBarInPseudoTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("cannot open a pseudo-terminal on this machine: %v", err)
	}
	_ = tty.Close()
	_ = ptmx.Close()

	bin := filepath.Join(t.TempDir(), "instagram")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	srv := newFake(t)
	path := writeFile(t, 8<<20)
	cmd := exec.CommandContext(t.Context(), bin, "--base-url", srv.URL, "--token", srv.FacebookAccessToken, "--facebook", "publish", "video", path, "--caption", "pty")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Skipf("cannot start a command on a pseudo-terminal: %v", err)
	}
	var b bytes.Buffer
	_, _ = io.Copy(&b, f) // ends with EIO once the command exits
	require.NoError(t, cmd.Wait(), "%s", b.String())
	_ = f.Close()

	s := b.String()
	assert.Contains(t, s, "uploading")
	assert.Regexp(t, regexp.MustCompile(`100% \|█+\|`), s, "the bar is drawn full")
	assert.NotRegexp(t, regexp.MustCompile(`(?m)^upload: `), s, "no plain progress lines on a terminal")
	assert.Contains(t, s, "Published ")
	assert.Len(t, srv.Media(), 65)
}
