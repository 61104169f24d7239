package instagram

// MessagingService sends and reads direct messages.
type MessagingService service
