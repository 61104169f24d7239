package instagram

import "fmt"

// confirmed is the one reading of Meta's {"success": true} answer, used by
// every write that gets one. what names the write in the error.
func confirmed(s Success, what string) error {
	if !bool(s.Success) {
		return fmt.Errorf("%w: %s", ErrNotConfirmed, what)
	}
	return nil
}
