package instagramtest

import "net"

// WithListener serves the fake on l instead of a new loopback listener, for
// example one bound to a fixed address so that programs outside the test
// process can reach it. Close closes l.
func WithListener(l net.Listener) Option { return func(c *config) { c.listener = l } }
