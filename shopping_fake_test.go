package instagram_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestFakeShoppingCatalogAndSearch(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()
	cats, err := fb.Shopping.AvailableCatalogs(rctx, acct.ID, nil)
	require.NoError(t, err)
	require.Len(t, cats.Data, 1)
	cat := cats.Data[0]
	assert.NotEmpty(t, cat.CatalogID)
	assert.Equal(t, 12, cat.ProductCount)

	var all []instagram.Product
	for p, err := range fb.Shopping.AllProducts(rctx, acct.ID, &instagram.ProductSearchOptions{CatalogID: cat.CatalogID, ListOptions: instagram.ListOptions{Limit: 5}}) {
		require.NoError(t, err)
		all = append(all, p)
	}
	require.Len(t, all, cat.ProductCount)
	statuses := map[instagram.ReviewStatus]int{}
	for _, p := range all {
		statuses[p.ReviewStatus]++
		assert.NotEmpty(t, p.ProductID)
		assert.NotEmpty(t, p.MerchantID)
	}
	assert.Equal(t, map[instagram.ReviewStatus]int{instagram.ReviewApproved: 9, instagram.ReviewRejected: 2, instagram.ReviewPending: 1}, statuses)

	page, err := fb.Shopping.SearchProducts(rctx, acct.ID, &instagram.ProductSearchOptions{CatalogID: cat.CatalogID, Query: "MUG"})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "Stoneware Mug", page.Data[0].ProductName)
	assert.Len(t, page.Data[0].Variants, 2)

	_, err = fb.Shopping.SearchProducts(rctx, acct.ID, &instagram.ProductSearchOptions{CatalogID: "1"})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = ig.Shopping.AvailableCatalogs(rctx, acct.ID, nil)
	assert.Error(t, err, "Facebook Login only")
}

func TestFakeShoppingAppeal(t *testing.T) {
	srv, _, fb := contentFake(t)
	acct := srv.Account()
	cats, err := fb.Shopping.AvailableCatalogs(rctx, acct.ID, nil)
	require.NoError(t, err)
	var rejected, approved string
	for p, err := range fb.Shopping.AllProducts(rctx, acct.ID, &instagram.ProductSearchOptions{CatalogID: cats.Data[0].CatalogID}) {
		require.NoError(t, err)
		switch p.ReviewStatus {
		case instagram.ReviewRejected:
			rejected = string(p.ProductID)
		case instagram.ReviewApproved:
			approved = string(p.ProductID)
		}
	}
	a, err := fb.Shopping.ProductAppeal(rctx, acct.ID, rejected)
	require.NoError(t, err)
	assert.True(t, a.EligibleForAppeal)
	assert.NotEmpty(t, a.RejectionReasons)
	assert.Equal(t, rejected, string(a.ProductID))

	require.NoError(t, fb.Shopping.AppealProduct(rctx, acct.ID, rejected, "It is a kitchen item, not food"))
	a, err = fb.Shopping.ProductAppeal(rctx, acct.ID, rejected)
	require.NoError(t, err)
	assert.False(t, a.EligibleForAppeal)
	assert.Equal(t, "pending", a.ProductAppealStatus)
	assert.ErrorIs(t, fb.Shopping.AppealProduct(rctx, acct.ID, rejected, "again"), instagram.ErrValidation)
	assert.ErrorIs(t, fb.Shopping.AppealProduct(rctx, acct.ID, approved, "why"), instagram.ErrValidation)
}

func TestFakeProductTags(t *testing.T) {
	srv, _, fb := contentFake(t)
	acct := srv.Account()
	img := firstMedia(t, srv, "IMAGE", "FEED")
	video := firstMedia(t, srv, "VIDEO", "FEED")
	album := firstMedia(t, srv, "CAROUSEL_ALBUM", "FEED")

	tags, err := fb.Shopping.ProductTags(rctx, img.ID)
	require.NoError(t, err)
	require.Len(t, tags, 2, "the first image is seeded with two tags")
	assert.NotEmpty(t, tags[0].Name)
	assert.InDelta(t, 0.25, tags[0].X, 1e-9)

	cats, err := fb.Shopping.AvailableCatalogs(rctx, acct.ID, nil)
	require.NoError(t, err)
	var approved []string
	var pending string
	for p, err := range fb.Shopping.AllProducts(rctx, acct.ID, &instagram.ProductSearchOptions{CatalogID: cats.Data[0].CatalogID}) {
		require.NoError(t, err)
		switch p.ReviewStatus {
		case instagram.ReviewApproved:
			approved = append(approved, string(p.ProductID))
		case instagram.ReviewPending:
			pending = string(p.ProductID)
		}
	}

	// Move an existing tag and add one.
	require.NoError(t, fb.Shopping.UpdateProductTags(rctx, img.ID, []instagram.ProductTagInput{
		instagram.ImageProductTag(string(tags[0].ProductID), 0.9, 0.1),
		instagram.ImageProductTag(approved[5], 0.5, 0.5),
	}))
	tags, err = fb.Shopping.ProductTags(rctx, img.ID)
	require.NoError(t, err)
	require.Len(t, tags, 3)
	assert.InDelta(t, 0.9, tags[0].X, 1e-9)
	assert.Equal(t, approved[5], string(tags[2].ProductID))

	assert.ErrorIs(t, fb.Shopping.UpdateProductTags(rctx, img.ID, []instagram.ProductTagInput{
		instagram.ImageProductTag(approved[6], 0.1, 0.1), instagram.ImageProductTag(approved[7], 0.2, 0.2), instagram.ImageProductTag(approved[8], 0.3, 0.3),
	}), instagram.ErrValidation, "more than five on one media")
	assert.ErrorIs(t, fb.Shopping.UpdateProductTags(rctx, img.ID, []instagram.ProductTagInput{instagram.VideoProductTag(approved[6])}),
		instagram.ErrValidation, "an image tag needs a position")
	assert.ErrorIs(t, fb.Shopping.UpdateProductTags(rctx, img.ID, []instagram.ProductTagInput{instagram.ImageProductTag(pending, 0.1, 0.1)}),
		instagram.ErrValidation, "only approved products")

	require.NoError(t, fb.Shopping.UpdateProductTags(rctx, video.ID, []instagram.ProductTagInput{instagram.VideoProductTag(approved[1])}))
	vt, err := fb.Shopping.ProductTags(rctx, video.ID)
	require.NoError(t, err)
	require.Len(t, vt, 1)
	assert.Zero(t, vt[0].X)

	require.NoError(t, fb.Shopping.UpdateCarouselProductTags(rctx, album.ID, 1, []instagram.ProductTagInput{
		instagram.ImageProductTag(approved[2], 0.3, 0.6),
	}))
	at, err := fb.Shopping.ProductTags(rctx, album.ID)
	require.NoError(t, err)
	require.Len(t, at, 1)
	assert.ErrorIs(t, fb.Shopping.UpdateProductTags(rctx, album.ID, []instagram.ProductTagInput{instagram.ImageProductTag(approved[2], 0.3, 0.6)}),
		instagram.ErrValidation, "a carousel needs child_index")
}
