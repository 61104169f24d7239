// Package webhook receives Instagram webhooks: it answers the verification
// handshake, checks the X-Hub-Signature-256 signature of each delivery over
// its raw bytes in constant time, limits the body size, decodes the
// delivery into typed events and runs the functions registered for them,
// once per event with a DedupStore.
//
//	h := webhook.NewHandler(os.Getenv("INSTAGRAM_APP_SECRET"), webhook.Options{
//		VerifyToken: os.Getenv("INSTAGRAM_VERIFY_TOKEN"),
//		Dedup:       &webhook.MemoryDedup{},
//	})
//	h.OnComment(func(ctx context.Context, e *webhook.CommentEvent) error {
//		log.Printf("comment %s on %s by @%s", e.ID, e.Media.ID, e.From.Username)
//		return nil
//	})
//	http.Handle("/webhook", h)
//
// Programs with their own router call Parse (or ParseBody, Decode) and
// Status. Tests build deliveries with Sign, SignSHA1 and NewSignedRequest.
//
// Subscribing an app or an account to webhook fields is done with the
// instagram package's WebhooksService; this package only receives, and
// does not depend on the instagram package.
package webhook
