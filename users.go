package instagram

import (
	"context"
)

// UsersService reads Instagram accounts (IG users) and their edges.
type UsersService service

// User is an Instagram professional account. Fields are those of Meta's
// IGUser (Facebook Login) and IGUserForIGOnlyAPI (Instagram Login) objects;
// a field is set only when it was requested and the API sent it.
type User struct {
	// ID is the app-scoped id of the account.
	ID string `json:"id"`
	// UserID is the Instagram user id (Instagram Login; sent as a number).
	UserID ID `json:"user_id,omitempty"`
	// IGID is the legacy Instagram id (Facebook Login; sent as a number).
	IGID                          ID     `json:"ig_id,omitempty"`
	Username                      string `json:"username,omitempty"`
	Name                          string `json:"name,omitempty"`
	AccountType                   string `json:"account_type,omitempty"`
	Biography                     string `json:"biography,omitempty"`
	Website                       string `json:"website,omitempty"`
	ProfilePictureURL             string `json:"profile_picture_url,omitempty"`
	FollowersCount                int    `json:"followers_count,omitempty"`
	FollowsCount                  int    `json:"follows_count,omitempty"`
	MediaCount                    int    `json:"media_count,omitempty"`
	HasProfilePic                 bool   `json:"has_profile_pic,omitempty"`
	IsPublished                   bool   `json:"is_published,omitempty"`
	LegacyInstagramUserID         string `json:"legacy_instagram_user_id,omitempty"`
	ShoppingProductTagEligibility bool   `json:"shopping_product_tag_eligibility,omitempty"`
	ShoppingReviewStatus          string `json:"shopping_review_status,omitempty"`
	// OwnerBusiness is the Business that owns the account.
	OwnerBusiness *Business `json:"owner_business,omitempty"`
	// BusinessDiscovery is another account read through business discovery.
	BusinessDiscovery *User `json:"business_discovery,omitempty"`
	// MentionedMedia is a media in which this account was @mentioned.
	MentionedMedia *Media `json:"mentioned_media,omitempty"`
	// MentionedComment is a comment in which this account was @mentioned.
	MentionedComment *Comment `json:"mentioned_comment,omitempty"`
	// Media is the account's media when requested as a nested field
	// (business discovery).
	Media *Page[Media] `json:"media,omitempty"`
}

// Business is a Meta Business that owns assets.
type Business struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// GetOptions chooses the fields of a single object. With no fields, the
// SDK asks for a useful default set.
type GetOptions struct {
	Fields []string `url:"fields,comma,omitempty"`
}

// ListOptions selects a page of an edge.
type ListOptions struct {
	// Fields chooses the fields of each item; empty means a default set.
	Fields []string `url:"fields,comma,omitempty"`
	// Limit is the page size (Meta's default when 0).
	Limit int `url:"limit,omitempty"`
	// After and Before are cursors from a previous page.
	After  string `url:"after,omitempty"`
	Before string `url:"before,omitempty"`
}

// TimeRangeOptions selects a page of an edge that also takes a time range.
type TimeRangeOptions struct {
	ListOptions
	// Since and Until bound the items' timestamps (sent as unix seconds).
	Since Time `url:"since,omitempty"`
	Until Time `url:"until,omitempty"`
}

// Default field sets, per platform: the two APIs name the account's fields
// differently.
const (
	userFieldsIG = "id,user_id,username,name,account_type,biography,website,profile_picture_url,followers_count,follows_count,media_count"
	userFieldsFB = "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count"
	// meFieldsFB is what /me means with a Facebook token: the Facebook user.
	meFieldsFB = "id,name"
)

func (s *UsersService) userFields() string {
	if s.client.platform == FacebookLogin {
		return userFieldsFB
	}
	return userFieldsIG
}

// Me returns the account the access token belongs to. With Facebook Login,
// /me is the Facebook user (id and name by default): use Get with the
// Instagram business account id for the Instagram profile.
//
// Meta API: GET /{ig-user-id}
func (s *UsersService) Me(ctx context.Context, opts *GetOptions) (*User, error) {
	def := s.userFields()
	if s.client.platform == FacebookLogin {
		def = meFieldsFB
	}
	q, err := withFields(opts, def)
	if err != nil {
		return nil, err
	}
	u := new(User)
	if err := s.client.get(ctx, "me", q, u); err != nil {
		return nil, err
	}
	return u, nil
}

// Get returns the profile of the account with the given id.
//
// Meta API: GET /{ig-user-id}
func (s *UsersService) Get(ctx context.Context, userID string, opts *GetOptions) (*User, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	q, err := withFields(opts, s.userFields())
	if err != nil {
		return nil, err
	}
	u := new(User)
	if err := s.client.get(ctx, pathEscape(userID), q, u); err != nil {
		return nil, err
	}
	return u, nil
}
