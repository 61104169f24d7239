package instagramtest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShoppingWire(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/available_catalogs?fields=catalog_id,product_count")
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.Len(t, rows[0], 2, "only the chosen fields")
	catalog := rows[0]["catalog_id"].(string)

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/catalog_product_search?catalog_id="+catalog+"&q=tote")
	rows = data(t, a)
	require.Len(t, rows, 1)
	// Product ids are JSON numbers, digit for digit.
	assert.Regexp(t, `"product_id":3[0-9]{15},`, string(a.Raw))
	assert.Len(t, rows[0]["product_variants"], 3)

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/catalog_product_search")
	code, _ := a.code(t)
	assert.Equal(t, 100, code, "catalog_id is required")
	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/available_catalogs")
	code, _ = a.code(t)
	assert.Equal(t, 2500, code, "Facebook Login only")
}

func TestProductTagsWire(t *testing.T) {
	s := newTestServer(t)
	s.mu.Lock()
	st := shop(s)
	approved, pending := st.products[1].ID, st.products[11].ID
	s.mu.Unlock()
	var video Media
	for _, m := range s.Media() {
		if m.MediaType == "VIDEO" && m.MediaProductType == "FEED" {
			video = m
			break
		}
	}
	tag := func(body string) answer {
		return postForm(t, s, s.FacebookAccessToken, "/v25.0/"+video.ID+"/product_tags", url.Values{"updated_tags": {body}})
	}
	assert.Equal(t, http.StatusOK, tag(`[{"product_id":"`+approved+`"}]`).Status)
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+video.ID+"/product_tags")
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.NotContains(t, rows[0], "x", "video tags have no position")
	assert.Equal(t, "$30.00 (was $38.00)", rows[0]["price_string"])
	assert.Equal(t, "$30.00", rows[0]["stripped_sale_price_string"])

	for body, want := range map[string]string{
		`[{"product_id":"` + approved + `","x":0.5,"y":0.5}]`: "no x and y",
		`[{"product_id":"` + pending + `"}]`:                  "review status is pending",
		`[{"product_id":"1"}]`:                                "not in a catalog",
		`not json`:                                            "updated_tags is required",
	} {
		a := tag(body)
		require.Equal(t, http.StatusBadRequest, a.Status, body)
		assert.Contains(t, a.graphErr(t)["message"], want, body)
	}
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+video.ID+"/product_tags", url.Values{"updated_tags": {`[{"product_id":"` + approved + `"}]`}, "child_index": {"0"}})
	assert.Contains(t, a.graphErr(t)["message"], "carousel albums only")
}

func TestProductAppealWire(t *testing.T) {
	s := newTestServer(t)
	s.mu.Lock()
	rejected := shop(s).products[8].ID
	s.mu.Unlock()
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/product_appeal?product_id="+rejected)
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.Equal(t, true, rows[0]["eligible_for_appeal"])
	assert.Equal(t, "rejected", rows[0]["review_status"])
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/product_appeal", url.Values{"product_id": {rejected}})
	assert.Contains(t, a.graphErr(t)["message"], "appeal_reason")
	a = postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/product_appeal", url.Values{"product_id": {rejected}, "appeal_reason": {"ok"}})
	assert.Equal(t, `{"success":true}`, string(a.Raw))
	rows = data(t, get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/product_appeal?product_id="+rejected))
	assert.Equal(t, "pending", rows[0]["product_appeal_status"])
}
