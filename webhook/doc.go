// Package webhook receives Instagram webhooks: it answers the verification
// handshake, checks the X-Hub-Signature-256 signature of each delivery over
// its raw bytes, decodes the delivery into typed events and runs the
// functions registered for them, at most once per event with a DedupStore.
//
// Subscribing an app or an account to webhook fields is done with the
// instagram package's WebhooksService; this package only receives.
package webhook
