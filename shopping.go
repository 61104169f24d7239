package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// ShoppingService reads product catalogs, searches products and manages
// product tags and appeals. Instagram Shopping exists with Facebook Login
// only, for accounts approved for shopping.
type ShoppingService service

// Catalog is a product catalog the account may tag products from (Meta's
// UserAvailableCatalogs).
type Catalog struct {
	CatalogID    string `json:"catalog_id"`
	CatalogName  string `json:"catalog_name,omitempty"`
	ShopName     string `json:"shop_name,omitempty"`
	ProductCount int    `json:"product_count,omitempty"`
}

const catalogFields = "catalog_id,catalog_name,shop_name,product_count"

// AvailableCatalogs returns the catalogs whose products the account may
// tag: its shop's catalog, or collab catalogs.
//
// Meta API: GET /{ig-user-id}/available_catalogs
func (s *ShoppingService) AvailableCatalogs(ctx context.Context, userID string, opts *ListOptions) (*Page[Catalog], error) {
	return edgePage[Catalog](ctx, s.client, "user id", userID, "available_catalogs", opts, catalogFields)
}

// Product is a product of a catalog that can be tagged (Meta's
// ShadowIGUserCatalogProductSearch).
type Product struct {
	// ProductID is the id to tag with.
	ProductID ID `json:"product_id"`
	// MerchantID is the merchant (Facebook Page) selling the product.
	MerchantID     ID               `json:"merchant_id,omitempty"`
	ProductName    string           `json:"product_name,omitempty"`
	ImageURL       string           `json:"image_url,omitempty"`
	RetailerID     string           `json:"retailer_id,omitempty"`
	ReviewStatus   ReviewStatus     `json:"review_status,omitempty"`
	IsCheckoutFlow bool             `json:"is_checkout_flow,omitempty"`
	Variants       []ProductVariant `json:"product_variants,omitempty"`
}

// ProductVariant is one variant of a product (Meta's
// ShadowIGUserCatalogProductVariant).
type ProductVariant struct {
	ProductID   ID     `json:"product_id"`
	VariantName string `json:"variant_name,omitempty"`
}

// ReviewStatus is the state of a product's review for shopping.
type ReviewStatus string

// Review states. Only approved products can be tagged.
const (
	ReviewApproved ReviewStatus = "approved"
	ReviewRejected ReviewStatus = "rejected"
	ReviewPending  ReviewStatus = "pending"
	ReviewOutdated ReviewStatus = "outdated"
)

// ProductSearchOptions selects products of a catalog.
type ProductSearchOptions struct {
	// CatalogID is the catalog to search (from AvailableCatalogs).
	// Required.
	CatalogID string `url:"catalog_id"`
	// Query matches product names and retailer ids; empty lists every
	// product.
	Query string `url:"q,omitempty"`
	ListOptions
}

const productFields = "product_id,merchant_id,product_name,image_url,retailer_id,review_status,is_checkout_flow,product_variants"

func productSearchQuery(opts *ProductSearchOptions) (url.Values, error) {
	if opts == nil || strings.TrimSpace(opts.CatalogID) == "" {
		return nil, &ValidationError{Field: "catalog_id", Rule: "must not be empty"}
	}
	return withFields(opts, productFields)
}

// SearchProducts returns one page of the products of a catalog that match
// opts.Query.
//
// Meta API: GET /{ig-user-id}/catalog_product_search
func (s *ShoppingService) SearchProducts(ctx context.Context, userID string, opts *ProductSearchOptions) (*Page[Product], error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	q, err := productSearchQuery(opts)
	if err != nil {
		return nil, err
	}
	return listPage[Product](ctx, s.client, pathEscape(userID)+"/catalog_product_search", q)
}

// AllProducts iterates over every product of a catalog that matches
// opts.Query.
//
// Meta API: GET /{ig-user-id}/catalog_product_search
func (s *ShoppingService) AllProducts(ctx context.Context, userID string, opts *ProductSearchOptions) iter.Seq2[Product, error] {
	if err := checkID("user id", userID); err != nil {
		return errSeq[Product](err)
	}
	q, err := productSearchQuery(opts)
	if err != nil {
		return errSeq[Product](err)
	}
	return iterate[Product](ctx, s.client, pathEscape(userID)+"/catalog_product_search", q)
}

// ProductAppeal is the review and appeal state of a product (Meta's
// IGShoppingProductAppeal).
type ProductAppeal struct {
	ProductID ID `json:"product_id"`
	// ReviewStatus is the product's review outcome.
	ReviewStatus ReviewStatus `json:"review_status,omitempty"`
	// EligibleForAppeal tells whether a rejection may be appealed now.
	EligibleForAppeal bool `json:"eligible_for_appeal"`
	// ProductAppealStatus is the state of an appeal already made.
	ProductAppealStatus string `json:"product_appeal_status,omitempty"`
	// RejectionReasons explain a rejection.
	RejectionReasons []string `json:"rejection_reasons,omitempty"`
}

// ProductAppeal reads the review and appeal state of a product.
//
// Meta API: GET /{ig-user-id}/product_appeal
func (s *ShoppingService) ProductAppeal(ctx context.Context, userID, productID string) (*ProductAppeal, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if err := checkID("product id", productID); err != nil {
		return nil, err
	}
	var page Page[ProductAppeal]
	q := url.Values{"product_id": {productID}}
	if err := s.client.get(ctx, pathEscape(userID)+"/product_appeal", q, &page); err != nil {
		return nil, err
	}
	if len(page.Data) == 0 {
		return nil, fmt.Errorf("instagram: product %s: no appeal state in the answer: %w", productID, ErrNotFound)
	}
	return &page.Data[0], nil
}

// AppealProduct appeals the rejection of a product, with the reason shown
// to the reviewers.
//
// Meta API: POST /{ig-user-id}/product_appeal
func (s *ShoppingService) AppealProduct(ctx context.Context, userID, productID, reason string) error {
	if err := checkID("user id", userID); err != nil {
		return err
	}
	if err := checkID("product id", productID); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return &ValidationError{Field: "appeal_reason", Rule: "must not be empty"}
	}
	var out Success
	form := url.Values{"product_id": {productID}, "appeal_reason": {reason}}
	if err := s.client.post(ctx, pathEscape(userID)+"/product_appeal", nil, form, &out); err != nil {
		return err
	}
	return confirmed(out, "product appeal")
}

// ProductTag is a product tagged on a media (Meta's
// ShadowIGMediaProductTags).
type ProductTag struct {
	ProductID               ID           `json:"product_id"`
	MerchantID              ID           `json:"merchant_id,omitempty"`
	Name                    string       `json:"name,omitempty"`
	PriceString             string       `json:"price_string,omitempty"`
	StrippedPriceString     string       `json:"stripped_price_string,omitempty"`
	StrippedSalePriceString string       `json:"stripped_sale_price_string,omitempty"`
	ImageURL                string       `json:"image_url,omitempty"`
	ReviewStatus            ReviewStatus `json:"review_status,omitempty"`
	IsCheckout              bool         `json:"is_checkout,omitempty"`
	// X and Y place the tag on an image, from 0 (left, top) to 1. Tags on
	// videos have no position.
	X float64 `json:"x,omitempty"`
	Y float64 `json:"y,omitempty"`
}

// ProductTagInput is a product tag to create or move.
type ProductTagInput struct {
	// ProductID is the product to tag (from SearchProducts).
	ProductID string
	// X and Y place the tag on an image, from 0 (left, top) to 1; they are
	// sent only when Positioned is true (videos take no position).
	X, Y       float64
	Positioned bool
}

// ImageProductTag is a tag at (x, y) on an image.
func ImageProductTag(productID string, x, y float64) ProductTagInput {
	return ProductTagInput{ProductID: productID, X: x, Y: y, Positioned: true}
}

// VideoProductTag is a tag on a video, without a position.
func VideoProductTag(productID string) ProductTagInput {
	return ProductTagInput{ProductID: productID}
}

// MarshalJSON encodes the tag as Meta's updated_tags entries.
func (t ProductTagInput) MarshalJSON() ([]byte, error) {
	type positioned struct {
		ProductID string  `json:"product_id"`
		X         float64 `json:"x"`
		Y         float64 `json:"y"`
	}
	if t.Positioned {
		return json.Marshal(positioned{t.ProductID, t.X, t.Y})
	}
	return json.Marshal(struct {
		ProductID string `json:"product_id"`
	}{t.ProductID})
}

const productTagFields = "product_id,merchant_id,name,price_string,stripped_price_string,stripped_sale_price_string,image_url,review_status,is_checkout,x,y"

// ProductTags lists the products tagged on a media (for a carousel, on its
// items).
//
// Meta API: GET /{ig-media-id}/product_tags
func (s *ShoppingService) ProductTags(ctx context.Context, mediaID string) ([]ProductTag, error) {
	if err := checkID("media id", mediaID); err != nil {
		return nil, err
	}
	var page Page[ProductTag]
	q := url.Values{"fields": {productTagFields}}
	if err := s.client.get(ctx, pathEscape(mediaID)+"/product_tags", q, &page); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// UpdateProductTags adds tags to a published image or video, or moves
// tags of products already tagged; other tags stay.
//
// Meta API: POST /{ig-media-id}/product_tags
func (s *ShoppingService) UpdateProductTags(ctx context.Context, mediaID string, tags []ProductTagInput) error {
	return s.updateProductTags(ctx, mediaID, -1, tags)
}

// UpdateCarouselProductTags is UpdateProductTags for the item at
// childIndex (from 0) of a carousel.
//
// Meta API: POST /{ig-media-id}/product_tags
func (s *ShoppingService) UpdateCarouselProductTags(ctx context.Context, mediaID string, childIndex int, tags []ProductTagInput) error {
	if childIndex < 0 || childIndex > 9 {
		return &ValidationError{Field: "child_index", Rule: "must be between 0 and 9"}
	}
	return s.updateProductTags(ctx, mediaID, childIndex, tags)
}

func (s *ShoppingService) updateProductTags(ctx context.Context, mediaID string, childIndex int, tags []ProductTagInput) error {
	if err := checkID("media id", mediaID); err != nil {
		return err
	}
	if err := checkProductTags(tags); err != nil {
		return err
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return fmt.Errorf("instagram: encoding product tags: %w", err)
	}
	form := url.Values{"updated_tags": {string(b)}}
	if childIndex >= 0 {
		form.Set("child_index", strconv.Itoa(childIndex))
	}
	var out Success
	if err := s.client.post(ctx, pathEscape(mediaID)+"/product_tags", nil, form, &out); err != nil {
		return err
	}
	return confirmed(out, "product tags update")
}

// checkProductTags applies Meta's rules before sending.
func checkProductTags(tags []ProductTagInput) error {
	if len(tags) == 0 {
		return &ValidationError{Field: "updated_tags", Rule: "at least one tag is required"}
	}
	if len(tags) > MaxProductTags {
		return &ValidationError{Field: "updated_tags", Rule: fmt.Sprintf("at most %d product tags per media", MaxProductTags)}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if strings.TrimSpace(t.ProductID) == "" {
			return &ValidationError{Field: "updated_tags", Rule: "every tag needs a product id"}
		}
		if seen[t.ProductID] {
			return &ValidationError{Field: "updated_tags", Rule: fmt.Sprintf("product %s is tagged twice", t.ProductID)}
		}
		seen[t.ProductID] = true
		if t.Positioned && (t.X < 0 || t.X > 1 || t.Y < 0 || t.Y > 1) {
			return &ValidationError{Field: "updated_tags", Rule: "x and y must be between 0 and 1"}
		}
	}
	return nil
}
