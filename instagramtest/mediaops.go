package instagramtest

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file adds media management: turning comments on or off
// (POST /{ig-media-id} with comment_enabled), deleting media
// (DELETE /{ig-media-id}, Facebook Login), the collaborators of a media
// (GET /{ig-media-id}/collaborators, Facebook Login) and oEmbed
// (GET /instagram_oembed?url=..., Facebook Login).
//
// A deleted media disappears from every list (the account's media and
// stories, tags, invites) and its carousel items and comments go with it.

// ownMedia returns the addressed media when it belongs to the caller's
// account, else answers 100/33 as Meta does for media it will not show.
func ownMedia(c *call) (*media, bool) {
	m, ok := c.node.(*media)
	if !ok || c.tok == nil || m.OwnerID != c.tok.account {
		c.fail(errNoSuchObject(c.method, c.id))
		return nil, false
	}
	return m, true
}

func setupMediaOps(s *Server) {
	world(s)

	s.handleNode(kindMedia, http.MethodPost, func(c *call) {
		m, ok := ownMedia(c)
		if !ok {
			return
		}
		if !c.hasParam("comment_enabled") {
			// The only update a media takes; without it the call is an
			// unsupported operation.
			c.fail(errNoSuchObject(c.method, c.id))
			return
		}
		enabled, ok := c.boolParam("comment_enabled")
		if !ok {
			c.fail(errParam("The parameter comment_enabled must be true or false"))
			return
		}
		if m.isCarouselItem() || m.ProductType == "STORY" {
			c.fail(errParam("Comments cannot be turned on or off for carousel items and stories"))
			return
		}
		m.CommentEnabled = enabled
		c.success()
	})

	s.handleNode(kindMedia, http.MethodDelete, func(c *call) {
		if c.host() != onFacebook {
			c.fail(errNoSuchObject(c.method, c.id))
			return
		}
		m, ok := ownMedia(c)
		if !ok {
			return
		}
		if m.isCarouselItem() {
			c.fail(errParam("A carousel item cannot be deleted on its own; delete the album %s", m.ParentID))
			return
		}
		deleteMedia(c.s, m)
		c.success()
	})

	s.handleEdge(kindMedia, http.MethodGet, "collaborators", func(c *call) {
		if !facebookOnly(c) {
			return
		}
		if _, ok := ownMedia(c); !ok {
			return
		}
		sel, err := c.selection()
		if err != nil {
			c.fail(err)
			return
		}
		if len(sel) == 0 {
			sel = names("id", "username", "invite_status")
		}
		list := world(c.s).collabs[c.id]
		writePage(c, list, func(co *collaborator) string { return co.UserID }, func(co *collaborator) (any, *graphError) {
			o := newObject()
			for _, f := range sel {
				switch f.name {
				case "id":
					o.set("id", co.UserID)
				case "username":
					o.set("username", co.Username)
				case "invite_status":
					o.set("invite_status", co.Status)
				default:
					return nil, errUnknownField(f.name, "ShadowIGMediaCollaborators")
				}
			}
			return o, nil
		})
	})

	s.handleGraph("GET /instagram_oembed", func(c *call) {
		if !c.authorize() {
			return
		}
		if c.host() != onFacebook {
			c.fail(errUnknownPath("/instagram_oembed"))
			return
		}
		// Served to app and client tokens only.
		if c.tok == nil || c.tok.kind != tokenApp {
			c.fail(newError(http.StatusBadRequest, 200, 0, typeOAuth, "(#200) instagram_oembed requires an app access token or a client access token"))
			return
		}
		raw := strings.TrimSpace(c.param("url"))
		if raw == "" {
			c.fail(errParam("The parameter url is required"))
			return
		}
		width := 658
		if c.hasParam("maxwidth") {
			n, err := strconv.Atoi(c.param("maxwidth"))
			if err != nil || n < 320 || n > 658 {
				c.fail(errParam("maxwidth must be an integer between 320 and 658"))
				return
			}
			width = n
		}
		m := mediaByPermalink(c.s, raw)
		if m == nil {
			c.fail(errParam("The url %s is not a public Instagram post that can be embedded", raw))
			return
		}
		hideCaption, _ := c.boolParam("hidecaption")
		omitScript, _ := c.boolParam("omitscript")
		all := newObject().
			set("version", "1.0").
			set("provider_name", "Instagram").
			set("provider_url", "https://www.instagram.com/").
			set("type", "rich").
			set("width", width).
			set("html", embedHTML(m, width, hideCaption, omitScript))
		// author_name, author_url and thumbnail_* are no longer returned
		// since 2025-11-03, even when asked for.
		sel, err := c.selection()
		if err != nil {
			c.fail(err)
			return
		}
		if len(sel) == 0 {
			c.writeJSON(http.StatusOK, all)
			return
		}
		out := newObject()
		for _, f := range sel {
			v, ok := all.get(f.name)
			if removedOEmbedFields[f.name] {
				continue
			}
			if !ok {
				c.fail(errUnknownField(f.name, "InstagramOembed"))
				return
			}
			out.set(f.name, v)
		}
		c.writeJSON(http.StatusOK, out)
	})
}

// removedOEmbedFields are the oEmbed fields Meta stopped returning on
// 2025-11-03.
var removedOEmbedFields = map[string]bool{"author_name": true, "author_url": true,
	"thumbnail_url": true, "thumbnail_width": true, "thumbnail_height": true}

// mediaByPermalink finds an embeddable media (not a story, not a carousel
// item) by its permalink, ignoring a query and a missing trailing slash.
func mediaByPermalink(s *Server, raw string) *media {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	if host != "instagram.com" && host != "instagr.am" {
		return nil
	}
	p := strings.TrimSuffix(u.Path, "/") + "/"
	want := "https://www.instagram.com" + p
	for _, o := range s.objects {
		m, ok := o.value.(*media)
		if ok && m.Permalink == want && !m.isCarouselItem() && m.ProductType != "STORY" && m.ProductType != "LIVE" {
			return m
		}
	}
	return nil
}

// embedHTML is a blockquote like Instagram's embed markup.
func embedHTML(m *media, width int, hideCaption, omitScript bool) string {
	var b strings.Builder
	b.WriteString(`<blockquote class="instagram-media" data-instgrm-permalink="`)
	b.WriteString(html.EscapeString(m.Permalink + "?utm_source=ig_embed"))
	b.WriteString(`" data-instgrm-version="14" style="max-width:`)
	b.WriteString(strconv.Itoa(width))
	b.WriteString(`px; min-width:326px;">`)
	if !hideCaption && m.Caption != "" {
		b.WriteString(`<p>` + html.EscapeString(m.Caption) + `</p>`)
	}
	b.WriteString(`<a href="` + html.EscapeString(m.Permalink) + `">View this post on Instagram</a></blockquote>`)
	if !omitScript {
		b.WriteString("\n" + `<script async src="//www.instagram.com/embed.js"></script>`)
	}
	return b.String()
}

// deleteMedia removes a media, its carousel items and its comments from
// the registry and from the owner's lists.
func deleteMedia(s *Server, m *media) {
	if u, ok := objectOf[*igUser](s, m.OwnerID); ok {
		drop := func(ids []string) []string {
			return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == m.ID })
		}
		u.Media, u.Stories = drop(u.Media), drop(u.Stories)
	}
	for _, id := range m.Children {
		if child, ok := objectOf[*media](s, id); ok {
			removeComments(s, child.Comments)
		}
		s.removeObject(id)
	}
	removeComments(s, m.Comments)
	w := world(s)
	delete(w.collabs, m.ID)
	delete(w.viewers, m.ID)
	s.removeObject(m.ID)
}

func removeComments(s *Server, ids []string) {
	for _, id := range ids {
		if cm, ok := objectOf[*comment](s, id); ok {
			removeComments(s, cm.Replies)
		}
		s.removeObject(id)
	}
}
