package instagram

import "fmt"

// ErrNotConfirmed is returned by a write whose answer did not say
// {"success": true}: Meta answered 2xx, but the change may not have been
// made. It is not a Meta error envelope (no code, no subcode); read the
// object back to see its state.
var ErrNotConfirmed = fmt.Errorf("instagram: the API did not confirm success")

// confirmed is the one reading of Meta's {"success": true} answer, used by
// every write that gets one. what names the write in the error.
func confirmed(s Success, what string) error {
	if !bool(s.Success) {
		return fmt.Errorf("%w: %s", ErrNotConfirmed, what)
	}
	return nil
}
