package instagram

// InsightsService reads metrics of accounts and media.
type InsightsService service
