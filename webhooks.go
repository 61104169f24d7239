package instagram

// WebhooksService manages which webhook fields an account or an app
// receives.
type WebhooksService service
