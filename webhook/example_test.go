package webhook_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/igsdk/instagram/webhook"
)

func ExampleNewHandler() {
	h := webhook.NewHandler(os.Getenv("INSTAGRAM_APP_SECRET"), webhook.Options{
		VerifyToken: os.Getenv("INSTAGRAM_VERIFY_TOKEN"),
		Dedup:       &webhook.MemoryDedup{},
	})
	h.OnComment(func(ctx context.Context, e *webhook.CommentEvent) error {
		log.Printf("comment %s on media %s by @%s", e.ID, e.Media.ID, e.From.Username)
		return nil
	})
	h.OnMessage(func(ctx context.Context, e *webhook.MessageEvent) error {
		log.Printf("message %s from %s", e.Message.MID, e.SenderID)
		return nil
	})
	http.Handle("/webhook", h)
	// log.Fatal(http.ListenAndServe(":8080", nil))
}

func ExampleParseBody() {
	const secret = "app-secret"
	body := []byte(`{"object":"instagram","entry":[{"id":"17841463720011512","time":1746104700000,"messaging":[
		{"sender":{"id":"7219432017765481"},"recipient":{"id":"17841463720011512"},"timestamp":1746104699001,
		 "reaction":{"mid":"mid.1","action":"react","reaction":"love","emoji":"\u2764\ufe0f"}}]}]}`)
	signature := webhook.Sign(body, secret) // what arrives in X-Hub-Signature-256

	events, err := webhook.ParseBody(body, signature, secret)
	if err != nil {
		fmt.Println(webhook.Status(err), err)
		return
	}
	for _, e := range events {
		switch e := e.(type) {
		case *webhook.ReactionEvent:
			fmt.Println(e.Kind(), e.SenderID, e.Action, e.Reaction, e.MID)
		default:
			fmt.Println(e.Kind())
		}
	}

	_, err = webhook.ParseBody(body, webhook.Sign(body, "forged"), secret)
	fmt.Println(webhook.Status(err), err)
	// Output:
	// message_reactions 7219432017765481 react love mid.1
	// 403 webhook: signature invalid
}

// Programs with their own router de-duplicate with a DedupStore: claim,
// handle, then commit, or release on failure so that Meta's redelivery is
// handled.
func ExampleDedupStore() {
	const secret = "app-secret"
	body := []byte(`{"object":"instagram","entry":[{"id":"17841463720011512","time":1746104700,"changes":[
		{"field":"comments","value":{"id":"18327746104015297","text":"hi","from":{"id":"6120483375561182"}}}]}]}`)
	store := &webhook.MemoryDedup{}
	serve := func(holder string) int {
		events, err := webhook.ParseBody(body, webhook.Sign(body, secret), secret)
		if err != nil {
			return webhook.Status(err)
		}
		ctx := context.Background()
		for _, e := range events {
			switch res, err := store.Claim(ctx, e.DedupKey(), holder, webhook.DefaultDedupLease); {
			case err != nil:
				return http.StatusServiceUnavailable
			case res == webhook.AlreadyHandled:
				continue
			case res == webhook.InProgress:
				return http.StatusConflict
			}
			fmt.Println("handling", e.Kind(), e.(*webhook.CommentEvent).ID)
			if err := store.Commit(ctx, e.DedupKey(), holder, webhook.DefaultDedupTTL); err != nil {
				return http.StatusServiceUnavailable
			}
		}
		return http.StatusOK
	}
	fmt.Println(serve("request-1"))
	fmt.Println(serve("request-2")) // Meta's redelivery
	// Output:
	// handling comments 18327746104015297
	// 200
	// 200
}
