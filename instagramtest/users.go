package instagramtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// setupUsers declares the account, Facebook user and Page kinds, and the
// media edge: GET /{ig-user-id} and /me, GET /{ig-user-id}/media.
func (s *Server) setupUsers() {
	// On graph.instagram.com the account is a "User" with the fields of
	// IGUserForIGOnlyAPI; on graph.facebook.com an "IGUser".
	k := s.defineKind(kindUser, "IGUser", "User", onBoth)
	fieldOf(k, "username", onBoth, func(_ *call, u *igUser) (any, bool) { return u.Username, true })
	fieldOf(k, "name", onBoth, func(_ *call, u *igUser) (any, bool) { return u.Name, u.Name != "" })
	fieldOf(k, "biography", onBoth, func(_ *call, u *igUser) (any, bool) { return u.Biography, u.Biography != "" })
	fieldOf(k, "website", onBoth, func(_ *call, u *igUser) (any, bool) { return u.Website, u.Website != "" })
	fieldOf(k, "profile_picture_url", onBoth, func(c *call, u *igUser) (any, bool) {
		return c.s.fileURL(profileFile(u)), true
	})
	fieldOf(k, "followers_count", onBoth, func(_ *call, u *igUser) (any, bool) { return u.FollowersCount, true })
	fieldOf(k, "follows_count", onBoth, func(_ *call, u *igUser) (any, bool) { return u.FollowsCount, true })
	fieldOf(k, "media_count", onBoth, func(_ *call, u *igUser) (any, bool) { return len(u.Media), true })
	// Instagram Login only. user_id is the professional account id, sent
	// as a string like every other id.
	fieldOf(k, "user_id", onInstagram, func(_ *call, u *igUser) (any, bool) { return u.ID, true })
	fieldOf(k, "account_type", onInstagram, func(_ *call, u *igUser) (any, bool) { return u.AccountType, true })
	// Facebook Login only.
	fieldOf(k, "ig_id", onFacebook, func(_ *call, u *igUser) (any, bool) { return u.IGID, true })
	fieldOf(k, "legacy_instagram_user_id", onFacebook, func(_ *call, u *igUser) (any, bool) {
		return strconv.FormatInt(u.IGID, 10), true
	})
	fieldOf(k, "has_profile_pic", onFacebook, func(_ *call, _ *igUser) (any, bool) { return true, true })
	fieldOf(k, "is_published", onFacebook, func(_ *call, _ *igUser) (any, bool) { return true, true })
	fieldOf(k, "shopping_product_tag_eligibility", onFacebook, func(_ *call, _ *igUser) (any, bool) { return false, true })
	fieldOf(k, "shopping_review_status", onFacebook, func(_ *call, _ *igUser) (any, bool) { return nil, false })
	fieldOf(k, "owner_business", onFacebook, func(_ *call, _ *igUser) (any, bool) { return nil, false })

	s.listEdge(kindUser, "media", onBoth, func(c *call, id string) ([]string, *graphError) {
		u, _ := objectOf[*igUser](c.s, id)
		since, err := unixParam(c, "since")
		if err != nil {
			return nil, err
		}
		until, err := unixParam(c, "until")
		if err != nil {
			return nil, err
		}
		if since.IsZero() && until.IsZero() {
			return u.Media, nil
		}
		var out []string
		for _, mid := range u.Media {
			m, ok := objectOf[*media](c.s, mid)
			if !ok {
				continue
			}
			if !since.IsZero() && m.Timestamp.Before(since) || !until.IsZero() && m.Timestamp.After(until) {
				continue
			}
			out = append(out, mid)
		}
		return out, nil
	})

	fk := s.defineKind(kindFBUser, "User", "User", onFacebook)
	fieldOf(fk, "name", onFacebook, func(_ *call, u *fbUser) (any, bool) { return u.Name, true })

	pk := s.defineKind(kindPage, "Page", "Page", onFacebook)
	fieldOf(pk, "name", onFacebook, func(_ *call, p *page) (any, bool) { return p.Name, true })
	fieldOf(pk, "category", onFacebook, func(_ *call, p *page) (any, bool) { return p.Category, true })
	fieldOf(pk, "access_token", onFacebook, func(c *call, _ *page) (any, bool) {
		return c.s.PageAccessToken, c.tok != nil && c.tok.kind == tokenFacebookUser
	})
	pk.field("instagram_business_account", onFacebook, func(c *call, v any, f fieldReq) (any, bool, *graphError) {
		return c.renderRef(v.(*page).IGAccountID, f)
	})
}

// unixParam reads since/until: a unix time, or a date as YYYY-MM-DD or
// RFC 3339 (Meta accepts strtotime values).
func unixParam(c *call, name string) (time.Time, *graphError) {
	v := strings.TrimSpace(c.param(name))
	if v == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, newError(http.StatusBadRequest, 100, 0, typeOAuth,
		"(#100) The parameter %s must be a unix timestamp or a date", name)
}

func profileFile(u *igUser) string { return "profile_" + u.ID + ".jpg" }
