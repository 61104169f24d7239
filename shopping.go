package instagram

// ShoppingService reads product catalogs, searches products and manages
// product tags and appeals.
type ShoppingService service
