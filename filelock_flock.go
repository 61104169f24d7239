//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package instagram

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockFile takes an exclusive flock on path (created when missing),
// polling while another open file holds it. The OS releases it when the
// holder exits, so ttl is not used.
func lockFile(ctx context.Context, path string, _ time.Duration) (func(context.Context) error, error) {
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	for {
		err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			fh.Close()
			return nil, fmt.Errorf("instagram: FileTokenStore: lock: %w", err)
		}
		t := time.NewTimer(lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			fh.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return func(context.Context) error {
		// Closing the descriptor drops the lock.
		return fh.Close()
	}, nil
}
