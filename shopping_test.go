package instagram_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestShoppingCatalogsAndProductSearch(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/available_catalogs", recordTo(&got, 200,
		`{"data":[{"catalog_id":"960179311066902","catalog_name":"Jay's Favorite Snacks","shop_name":"Jay's Bespoke","product_count":11}]}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/catalog_product_search", func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("after") == "" {
			return recordTo(&got, 200, `{"data":[{"product_id":3231775643511089,"merchant_id":90010177253934,"product_name":"Gummy Wombats","image_url":"https://x/img.jpg","retailer_id":"oh59p9vzei","review_status":"approved","is_checkout_flow":true,"product_variants":[{"product_id":5209223099160494},{"product_id":7478222675582505,"variant_name":"Green Gummy Wombats"}]}],"paging":{"cursors":{"after":"A"},"next":"n"}}`)(r)
		}
		return recordTo(&got, 200, `{"data":[{"product_id":"2","product_name":"Gummy Bears","review_status":"rejected"}]}`)(r)
	})

	cats, err := c.Shopping.AvailableCatalogs(rctx, "1784", nil)
	require.NoError(t, err)
	require.Len(t, cats.Data, 1)
	assert.Equal(t, "960179311066902", cats.Data[0].CatalogID)
	assert.Equal(t, 11, cats.Data[0].ProductCount)
	assert.Equal(t, "catalog_id,catalog_name,shop_name,product_count", got[0].Query.Get("fields"))

	page, err := c.Shopping.SearchProducts(rctx, "1784", &instagram.ProductSearchOptions{CatalogID: "960179311066902", Query: "gummy"})
	require.NoError(t, err)
	p := page.Data[0]
	assert.Equal(t, instagram.ID("3231775643511089"), p.ProductID)
	assert.Equal(t, instagram.ID("90010177253934"), p.MerchantID)
	assert.Equal(t, instagram.ReviewApproved, p.ReviewStatus)
	assert.True(t, p.IsCheckoutFlow)
	require.Len(t, p.Variants, 2)
	assert.Equal(t, "Green Gummy Wombats", p.Variants[1].VariantName)
	assert.Equal(t, "960179311066902", got[1].Query.Get("catalog_id"))
	assert.Equal(t, "gummy", got[1].Query.Get("q"))

	var names []string
	for p, err := range c.Shopping.AllProducts(rctx, "1784", &instagram.ProductSearchOptions{CatalogID: "960179311066902"}) {
		require.NoError(t, err)
		names = append(names, p.ProductName)
	}
	assert.Equal(t, []string{"Gummy Wombats", "Gummy Bears"}, names)
	assert.Equal(t, "A", got[3].Query.Get("after"))
	assert.Equal(t, "960179311066902", got[3].Query.Get("catalog_id"))

	_, err = c.Shopping.SearchProducts(rctx, "1784", &instagram.ProductSearchOptions{})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	for _, err := range c.Shopping.AllProducts(rctx, "1784", nil) {
		assert.ErrorIs(t, err, instagram.ErrValidation)
	}
}

func TestShoppingProductAppeal(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/product_appeal", recordTo(&got, 200,
		`{"data":[{"eligible_for_appeal":true,"product_id":4382881195057752,"review_status":"rejected","rejection_reasons":["Does not meet policy"]}]}`))
	mt.RegisterResponder("POST", testBase+"/v25.0/1784/product_appeal", recordTo(&got, 200, `{"success":true}`))
	a, err := c.Shopping.ProductAppeal(rctx, "1784", "4382881195057752")
	require.NoError(t, err)
	assert.True(t, a.EligibleForAppeal)
	assert.Equal(t, instagram.ReviewRejected, a.ReviewStatus)
	assert.Equal(t, []string{"Does not meet policy"}, a.RejectionReasons)
	assert.Equal(t, "4382881195057752", got[0].Query.Get("product_id"))

	require.NoError(t, c.Shopping.AppealProduct(rctx, "1784", "4382881195057752", "It is a snack"))
	assert.Equal(t, "It is a snack", got[1].Form.Get("appeal_reason"))
	assert.Equal(t, "4382881195057752", got[1].Form.Get("product_id"))
	assert.ErrorIs(t, c.Shopping.AppealProduct(rctx, "1784", "1", " "), instagram.ErrValidation)
}

func TestShoppingProductTags(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1790/product_tags", recordTo(&got, 200,
		`{"data":[{"product_id":3231775643511089,"merchant_id":90010177253934,"name":"Gummy Wombats","price_string":"$3.50","image_url":"https://x","review_status":"approved","is_checkout":true,"stripped_price_string":"$3.50","x":0.5,"y":0.80000001}]}`))
	mt.RegisterResponder("POST", testBase+"/v25.0/1790/product_tags", recordTo(&got, 200, `{"success":true}`))

	tags, err := c.Shopping.ProductTags(rctx, "1790")
	require.NoError(t, err)
	require.Len(t, tags, 1)
	assert.Equal(t, "Gummy Wombats", tags[0].Name)
	assert.InDelta(t, 0.8, tags[0].Y, 1e-6)
	assert.True(t, tags[0].IsCheckout)

	require.NoError(t, c.Shopping.UpdateProductTags(rctx, "1790", []instagram.ProductTagInput{
		instagram.ImageProductTag("3231775643511089", 0, 0.8),
	}))
	var sent []map[string]any
	require.NoError(t, json.Unmarshal([]byte(got[1].Form.Get("updated_tags")), &sent))
	assert.Equal(t, []map[string]any{{"product_id": "3231775643511089", "x": 0.0, "y": 0.8}}, sent)
	assert.Empty(t, got[1].Form.Get("child_index"))

	require.NoError(t, c.Shopping.UpdateCarouselProductTags(rctx, "1790", 2, []instagram.ProductTagInput{instagram.VideoProductTag("7")}))
	assert.Equal(t, `[{"product_id":"7"}]`, got[2].Form.Get("updated_tags"))
	assert.Equal(t, "2", got[2].Form.Get("child_index"))

	for _, bad := range [][]instagram.ProductTagInput{
		nil,
		{instagram.ImageProductTag("1", 1.2, 0)},
		{instagram.ImageProductTag("", 0, 0)},
		{instagram.VideoProductTag("1"), instagram.VideoProductTag("1")},
		{instagram.VideoProductTag("1"), instagram.VideoProductTag("2"), instagram.VideoProductTag("3"), instagram.VideoProductTag("4"), instagram.VideoProductTag("5"), instagram.VideoProductTag("6")},
	} {
		assert.ErrorIs(t, c.Shopping.UpdateProductTags(rctx, "1790", bad), instagram.ErrValidation)
	}
	assert.ErrorIs(t, c.Shopping.UpdateCarouselProductTags(rctx, "1790", 10, []instagram.ProductTagInput{instagram.VideoProductTag("7")}), instagram.ErrValidation)
	assert.Len(t, got, 3)
}
