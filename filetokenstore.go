package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// FileTokenStore keeps a token as JSON in a file readable by its owner only
// (mode 0600), shared safely by the processes of one machine:
//
//   - Save writes a temporary file in the same directory, syncs it, renames
//     it over the token file and syncs the directory, so a crash leaves the
//     old token or the new one, never a mix.
//   - When Path is a symbolic link, the link stays and its target is
//     replaced.
//   - Lock takes an OS file lock (flock on Linux and the BSDs, on the file
//     Path+".lock" next to the target) that every process using the same
//     path honours; the OS drops it when a holder dies, so the ttl is not
//     needed. On other systems Lock uses an exclusive lock file that is
//     taken over once older than ttl.
type FileTokenStore struct {
	// Path is the file.
	Path string
}

// target is the file written: Path, or the target of the link at Path.
func (f FileTokenStore) target() (string, error) {
	if f.Path == "" {
		return "", fmt.Errorf("%w: FileTokenStore: empty Path", ErrValidation)
	}
	p, err := filepath.EvalSymlinks(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		// A dangling link: write where it points.
		if l, lerr := os.Readlink(f.Path); lerr == nil {
			if !filepath.IsAbs(l) {
				l = filepath.Join(filepath.Dir(f.Path), l)
			}
			return l, nil
		}
		return f.Path, nil
	}
	if err != nil {
		return "", fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	return p, nil
}

// Save writes tok to the file.
func (f FileTokenStore) Save(ctx context.Context, tok *Token) error {
	if tok == nil {
		return fmt.Errorf("%w: FileTokenStore: nil token", ErrValidation)
	}
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrValidation)
	}
	path, err := f.target()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".token-*")
	if err != nil {
		return fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	wrap := func(err error) error {
		tmp.Close()
		return fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return wrap(err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return wrap(err)
	}
	if err := tmp.Sync(); err != nil {
		return wrap(err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	return syncDir(dir)
}

// SaveToken writes tok to the file; it is Save.
func (f FileTokenStore) SaveToken(ctx context.Context, tok *Token) error { return f.Save(ctx, tok) }

// Load reads the token in the file: (nil, nil) when there is no file, an
// error matching ErrCorruptTokenFile when the file holds no token.
func (f FileTokenStore) Load(ctx context.Context) (*Token, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrValidation)
	}
	tok, err := f.LoadToken()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return tok, err
}

// LoadToken reads the token saved in the file; a missing file is an error
// matching fs.ErrNotExist, a file without a token one matching
// ErrCorruptTokenFile.
func (f FileTokenStore) LoadToken() (*Token, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	return decodeTokenFile(b)
}

func decodeTokenFile(b []byte) (*Token, error) {
	var tok Token
	if err := json.Unmarshal(b, &tok); err != nil {
		// The decoder's message may quote the file; keep only its kind.
		return nil, fmt.Errorf("%w (%d bytes, not a JSON token)", ErrCorruptTokenFile, len(b))
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("%w (no access_token)", ErrCorruptTokenFile)
	}
	return &tok, nil
}

// Lock takes the file lock shared by every process using this path,
// waiting while another holder has it, bounded by ctx.
func (f FileTokenStore) Lock(ctx context.Context, ttl time.Duration) (func(context.Context) error, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrValidation)
	}
	path, err := f.target()
	if err != nil {
		return nil, err
	}
	return lockFile(ctx, path+".lock", ttl)
}

// lockPoll is the pause between two attempts to take a held file lock.
const lockPoll = 10 * time.Millisecond

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("instagram: FileTokenStore: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("instagram: FileTokenStore: syncing the directory: %w", err)
	}
	return nil
}
