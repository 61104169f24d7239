package instagram

// TagsService searches hashtags and reads their top and recent media.
type TagsService service
