//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package instagram

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// lockFile takes an exclusive lock file at path, created with O_EXCL and
// taken over when older than ttl (its holder is presumed dead).
func lockFile(ctx context.Context, path string, ttl time.Duration) (func(context.Context) error, error) {
	for {
		fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fh.Close()
			return func(context.Context) error { return os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("instagram: FileTokenStore: lock: %w", err)
		}
		if st, serr := os.Stat(path); serr == nil && ttl > 0 && time.Since(st.ModTime()) > ttl {
			os.Remove(path)
			continue
		}
		t := time.NewTimer(lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}
