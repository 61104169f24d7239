package instagramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// This file adds Instagram Shopping, Facebook Login only: the account's
// catalog (GET /{ig-user-id}/available_catalogs), product search
// (GET /{ig-user-id}/catalog_product_search?catalog_id=&q=), product
// appeals (GET and POST /{ig-user-id}/product_appeal) and product tags
// on media (GET and POST /{ig-media-id}/product_tags).
//
// The seeded catalog holds twelve products: most approved, two rejected
// (eligible for appeal) and one pending. Only approved products can be
// tagged; an image tag needs x and y within 0-1, a video tag takes none; a
// media carries at most five tags. POST product_tags adds tags or moves
// tags of products already tagged.

type shopState struct {
	catalogID   string
	catalogName string
	shopName    string
	merchantID  string
	products    []*product
	byID        map[string]*product
	// tags are the product tags of each media (carousel items included).
	tags map[string][]*productTag
}

type product struct {
	ID         string
	Name       string
	RetailerID string
	Price      string
	SalePrice  string
	Image      string // file name under /cdn/
	Review     string // approved, rejected, pending
	Checkout   bool
	Variants   []variant
	Reasons    []string
	Appeal     string // "", or "pending" once appealed
	AppealNote string
}

type variant struct{ ID, Name string }

type productTag struct {
	ProductID string
	X, Y      *float64
}

var seedProducts = []struct {
	name, price, sale string
	variants          []string
}{
	{"Stoneware Mug", "$24.00", "", []string{"Sand", "Charcoal"}},
	{"Linen Apron", "$38.00", "$30.00", nil},
	{"Cedar Candle", "$18.50", "", nil},
	{"Hand-thrown Bowl", "$42.00", "", []string{"Small", "Large"}},
	{"Copper Pour-over", "$65.00", "$55.00", nil},
	{"Market Tote", "$28.00", "", []string{"Natural", "Indigo", "Rust"}},
	{"Glazed Plate Set", "$96.00", "", nil},
	{"Harbor Print", "$35.00", "", nil},
	{"Salt Cellar", "$16.00", "", nil},
	{"Oak Serving Board", "$54.00", "", nil},
	{"Wild Honey Jar", "$12.00", "", nil},
	{"Gift Card", "$50.00", "", nil},
}

func shop(s *Server) *shopState { return ext[shopState](s) }

func seedShop(s *Server, st *shopState) {
	r := s.rand("shop")
	st.catalogID = s.newIDWithPrefix("9", 15)
	st.merchantID = s.newIDWithPrefix("9", 14)
	st.catalogName = s.acct.Name + " Catalog"
	st.shopName = s.acct.Name
	st.byID = map[string]*product{}
	st.tags = map[string][]*productTag{}
	for i, sp := range seedProducts {
		p := &product{
			ID: s.newIDWithPrefix("3", 16), Name: sp.name, Price: sp.price, SalePrice: sp.sale,
			RetailerID: fmt.Sprintf("sku-%03d-%s", i+1, digits(r.Uint64(), 4)), Review: "approved", Checkout: i%3 != 2,
		}
		p.Image = "product_" + p.ID + ".jpg"
		for _, v := range sp.variants {
			p.Variants = append(p.Variants, variant{ID: s.newIDWithPrefix("5", 16), Name: v + " " + sp.name})
		}
		switch i {
		case 8, 10:
			p.Review = "rejected"
			p.Reasons = []string{"The item does not comply with the commerce policies"}
		case 11:
			p.Review = "pending"
		}
		st.products = append(st.products, p)
		st.byID[p.ID] = p
	}
	// Tag the first image post of the account with two products.
	for _, id := range s.acct.Media {
		if m, ok := objectOf[*media](s, id); ok && m.MediaType == "IMAGE" {
			x1, y1, x2, y2 := 0.25, 0.5, 0.75, 0.4
			st.tags[id] = []*productTag{{st.products[0].ID, &x1, &y1}, {st.products[3].ID, &x2, &y2}}
			break
		}
	}
}

func setupShopping(s *Server) {
	st := shop(s)
	seedShop(s, st)

	s.handleEdge(kindUser, http.MethodGet, "available_catalogs", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		row := newObject().set("catalog_id", st.catalogID).set("catalog_name", st.catalogName).
			set("shop_name", st.shopName).set("product_count", len(st.products))
		writeSelected(c, []*jsonObject{row}, "UserAvailableCatalogs", func(o *jsonObject) string { return st.catalogID })
	})

	s.handleEdge(kindUser, http.MethodGet, "catalog_product_search", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		cat := c.param("catalog_id")
		if cat == "" {
			c.fail(errParam("The parameter catalog_id is required"))
			return
		}
		if cat != st.catalogID {
			c.fail(errParam("The catalog %s is not available to this account", cat))
			return
		}
		q := strings.ToLower(strings.TrimSpace(c.param("q")))
		var rows []*jsonObject
		for _, p := range st.products {
			if q != "" && !strings.Contains(strings.ToLower(p.Name), q) && !strings.Contains(strings.ToLower(p.RetailerID), q) {
				continue
			}
			vars := make([]any, 0, len(p.Variants))
			for _, v := range p.Variants {
				vars = append(vars, newObject().set("product_id", json.Number(v.ID)).set("variant_name", v.Name))
			}
			rows = append(rows, newObject().
				set("product_id", json.Number(p.ID)).
				set("merchant_id", json.Number(st.merchantID)).
				set("product_name", p.Name).
				set("image_url", c.s.fileURL(p.Image)).
				set("retailer_id", p.RetailerID).
				set("review_status", p.Review).
				set("is_checkout_flow", p.Checkout).
				set("product_variants", vars))
		}
		writeSelected(c, rows, "ShadowIGUserCatalogProductSearch", func(o *jsonObject) string {
			v, _ := o.get("product_id")
			return string(v.(json.Number))
		})
	})

	s.handleEdge(kindUser, http.MethodGet, "product_appeal", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		p := st.byID[c.param("product_id")]
		if p == nil {
			c.fail(errParam("The parameter product_id must be a product of the account's catalog"))
			return
		}
		row := newObject().
			set("product_id", json.Number(p.ID)).
			set("review_status", p.Review).
			set("eligible_for_appeal", p.Review == "rejected" && p.Appeal == "")
		if p.Appeal != "" {
			row.set("product_appeal_status", p.Appeal)
		}
		if len(p.Reasons) > 0 {
			row.set("rejection_reasons", p.Reasons)
		}
		c.writeJSON(http.StatusOK, newObject().set("data", []any{row}))
	})
	s.handleEdge(kindUser, http.MethodPost, "product_appeal", func(c *call) {
		if !facebookOnly(c) || !ownAccount(c) {
			return
		}
		p := st.byID[c.param("product_id")]
		reason := strings.TrimSpace(c.param("appeal_reason"))
		switch {
		case p == nil:
			c.fail(errParam("The parameter product_id must be a product of the account's catalog"))
		case reason == "":
			c.fail(errParam("The parameter appeal_reason is required"))
		case p.Review != "rejected" || p.Appeal != "":
			c.fail(errParam("The product %s is not eligible for appeal", p.ID))
		default:
			p.Appeal, p.AppealNote = "pending", reason
			c.success()
		}
	})

	s.handleEdge(kindMedia, http.MethodGet, "product_tags", func(c *call) {
		if !facebookOnly(c) {
			return
		}
		m, ok := ownMedia(c)
		if !ok {
			return
		}
		targets := []string{m.ID}
		if len(m.Children) > 0 {
			targets = append(targets, m.Children...)
		}
		var rows []*jsonObject
		for _, id := range targets {
			for _, t := range st.tags[id] {
				p := st.byID[t.ProductID]
				if p == nil {
					continue
				}
				o := newObject().
					set("product_id", json.Number(p.ID)).
					set("merchant_id", json.Number(st.merchantID)).
					set("name", p.Name).
					set("price_string", displayPrice(p)).
					set("stripped_price_string", p.Price).
					set("image_url", c.s.fileURL(p.Image)).
					set("review_status", p.Review).
					set("is_checkout", p.Checkout)
				if p.SalePrice != "" {
					o.set("stripped_sale_price_string", p.SalePrice)
				}
				if t.X != nil {
					o.set("x", *t.X).set("y", *t.Y)
				}
				rows = append(rows, o)
			}
		}
		writeSelected(c, rows, "ShadowIGMediaProductTags", func(o *jsonObject) string {
			v, _ := o.get("product_id")
			return string(v.(json.Number))
		})
	})

	s.handleEdge(kindMedia, http.MethodPost, "product_tags", func(c *call) {
		if !facebookOnly(c) {
			return
		}
		m, ok := ownMedia(c)
		if !ok {
			return
		}
		var updated []struct {
			ProductID json.Number `json:"product_id"`
			X         *float64    `json:"x"`
			Y         *float64    `json:"y"`
		}
		if found, err := c.decodeParam("updated_tags", &updated); !found || err != nil || len(updated) == 0 {
			c.fail(errParam("The parameter updated_tags is required: a JSON list of {product_id, x, y}"))
			return
		}
		target := m
		if len(m.Children) > 0 {
			idx, err := strconv.Atoi(c.param("child_index"))
			if err != nil || idx < 0 || idx >= len(m.Children) {
				c.fail(errParam("child_index must name an item of the carousel (0-%d)", len(m.Children)-1))
				return
			}
			target, _ = objectOf[*media](c.s, m.Children[idx])
		} else if c.hasParam("child_index") {
			c.fail(errParam("child_index applies to carousel albums only"))
			return
		}
		if target.ProductType == "STORY" {
			c.fail(errParam("Stories cannot carry product tags"))
			return
		}
		tags := slices.Clone(st.tags[target.ID])
		for _, u := range updated {
			p := st.byID[u.ProductID.String()]
			switch {
			case p == nil:
				c.fail(errParam("Product %s is not in a catalog available to this account", u.ProductID))
				return
			case p.Review != "approved":
				c.fail(errParam("Product %s cannot be tagged: its review status is %s", p.ID, p.Review))
				return
			}
			positioned := u.X != nil || u.Y != nil
			if target.MediaType == "IMAGE" {
				if u.X == nil || u.Y == nil || *u.X < 0 || *u.X > 1 || *u.Y < 0 || *u.Y > 1 {
					c.fail(errParam("Tags on images need x and y between 0 and 1"))
					return
				}
			} else if positioned {
				c.fail(errParam("Tags on videos take no x and y"))
				return
			}
			nt := &productTag{ProductID: p.ID, X: u.X, Y: u.Y}
			if i := slices.IndexFunc(tags, func(t *productTag) bool { return t.ProductID == p.ID }); i >= 0 {
				tags[i] = nt
			} else {
				tags = append(tags, nt)
			}
		}
		if len(tags) > 5 {
			c.fail(errParam("A media can carry at most 5 product tags"))
			return
		}
		st.tags[target.ID] = tags
		c.success()
	})
}

func displayPrice(p *product) string {
	if p.SalePrice != "" {
		return p.SalePrice + " (was " + p.Price + ")"
	}
	return p.Price
}

// writeSelected answers rows as a page, keeping only the fields of fields=
// (all when none are asked).
func writeSelected(c *call, rows []*jsonObject, typeName string, key func(*jsonObject) string) {
	sel, err := c.selection()
	if err != nil {
		c.fail(err)
		return
	}
	writePage(c, rows, key, func(o *jsonObject) (any, *graphError) {
		if len(sel) == 0 {
			return o, nil
		}
		out := newObject()
		for _, f := range sel {
			v, ok := o.get(f.name)
			if !ok {
				if _, known := knownFieldsOf(typeName)[f.name]; known {
					continue
				}
				return nil, errUnknownField(f.name, typeName)
			}
			out.set(f.name, v)
		}
		return out, nil
	})
}

// knownFieldsOf lists fields a row type has even when a row leaves them
// out (absent values are omitted, not an error).
func knownFieldsOf(typeName string) map[string]bool {
	switch typeName {
	case "ShadowIGMediaProductTags":
		return map[string]bool{"x": true, "y": true, "stripped_sale_price_string": true}
	case "ShadowIGUserCatalogProductSearch":
		return map[string]bool{"product_variants": true}
	}
	return nil
}
