package instagram_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/igsdk/instagram"
)

func ExampleNewWebhookHandler() {
	h := instagram.NewWebhookHandler(os.Getenv("INSTAGRAM_APP_SECRET"),
		instagram.WithVerifyToken(os.Getenv("INSTAGRAM_VERIFY_TOKEN")),
		instagram.WithDedup(&instagram.MemoryDedup{}, instagram.DefaultDedupTTL),
	)
	h.OnComment(func(ctx context.Context, e *instagram.CommentEvent) error {
		log.Printf("comment %s on media %s by @%s", e.ID, e.Media.ID, e.From.Username)
		return nil
	})
	h.OnMessage(func(ctx context.Context, e *instagram.MessageEvent) error {
		log.Printf("message %s from %s", e.Message.MID, e.SenderID)
		return nil
	})
	http.Handle("/webhook", h)
	// log.Fatal(http.ListenAndServe(":8080", nil))
}

func ExampleParseWebhookBody() {
	const secret = "app-secret"
	body := []byte(`{"object":"instagram","entry":[{"id":"17841463720011512","time":1746104700000,"messaging":[
		{"sender":{"id":"7219432017765481"},"recipient":{"id":"17841463720011512"},"timestamp":1746104699001,
		 "reaction":{"mid":"mid.1","action":"react","reaction":"love","emoji":"\u2764\ufe0f"}}]}]}`)
	signature := instagram.SignWebhook(body, secret) // what arrives in X-Hub-Signature-256

	events, err := instagram.ParseWebhookBody(body, signature, secret)
	if err != nil {
		fmt.Println(instagram.WebhookStatus(err), err)
		return
	}
	for _, e := range events {
		switch e := e.(type) {
		case *instagram.ReactionEvent:
			fmt.Println(e.Kind(), e.SenderID, e.Action, e.Reaction, e.MID)
		default:
			fmt.Println(e.Kind())
		}
	}

	_, err = instagram.ParseWebhookBody(body, instagram.SignWebhook(body, "forged"), secret)
	fmt.Println(instagram.WebhookStatus(err), err)
	// Output:
	// message_reactions 7219432017765481 react love mid.1
	// 403 instagram: webhook signature invalid
}
