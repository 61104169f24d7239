package instagram

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/igsdk/instagram/message"
)

// UserProfile is what the User Profile API tells about a person who
// messaged the account. A field is set only when it was requested.
type UserProfile struct {
	// ID is the person's Instagram-scoped id (IGSID).
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
	// ProfilePic is a URL of the profile picture; it expires after a few
	// days.
	ProfilePic    string `json:"profile_pic,omitempty"`
	FollowerCount int64  `json:"follower_count,omitempty"`
	// IsUserFollowBusiness is whether the person follows the account.
	IsUserFollowBusiness bool `json:"is_user_follow_business,omitempty"`
	// IsBusinessFollowUser is whether the account follows the person.
	IsBusinessFollowUser bool `json:"is_business_follow_user,omitempty"`
	IsVerifiedUser       bool `json:"is_verified_user,omitempty"`
}

const userProfileFields = "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user,is_verified_user"

// UserProfile reads the profile of a person by IGSID (User Profile API).
// Meta answers only once the person has messaged the account (consent);
// before that the call fails with Meta's error 230. Without fields in
// opts every profile field is asked for.
//
// Meta API: GET /{igsid}
func (s *MessagingService) UserProfile(ctx context.Context, igsid string, opts *GetOptions) (*UserProfile, error) {
	return getObject[UserProfile](ctx, s.client, "igsid", igsid, opts, userProfileFields)
}

// AttachmentUpload is the answer of UploadAttachment.
type AttachmentUpload struct {
	// AttachmentID is sent with message.FromAttachment.
	AttachmentID string `json:"attachment_id"`
}

// UploadAttachment uploads a media once (Attachment Upload API) so that
// it can be sent many times with message.FromAttachment. t is message.AttachmentImage,
// AttachmentVideo, AttachmentAudio or AttachmentFile; mediaURL is the
// public http(s) address Meta fetches it from.
//
// Meta API: POST /{ig-user-id}/message_attachments
func (s *MessagingService) UploadAttachment(ctx context.Context, accountID string, t message.AttachmentType, mediaURL string) (*AttachmentUpload, error) {
	if err := checkID("account id", accountID); err != nil {
		return nil, err
	}
	switch t {
	case message.AttachmentImage, message.AttachmentVideo, message.AttachmentAudio, message.AttachmentFile:
	default:
		return nil, &ValidationError{Field: "type", Rule: "must be image, video, audio or file"}
	}
	u, err := url.Parse(strings.TrimSpace(mediaURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &ValidationError{Field: "url", Rule: "must be an absolute http or https URL"}
	}
	body := struct {
		Platform string `json:"platform"`
		Message  struct {
			Attachment struct {
				Type    message.AttachmentType `json:"type"`
				Payload struct {
					URL        string `json:"url"`
					IsReusable bool   `json:"is_reusable"`
				} `json:"payload"`
			} `json:"attachment"`
		} `json:"message"`
	}{Platform: "instagram"}
	body.Message.Attachment.Type = t
	body.Message.Attachment.Payload.URL = u.String()
	body.Message.Attachment.Payload.IsReusable = true
	out := new(AttachmentUpload)
	if err := s.client.post(ctx, pathEscape(accountID)+"/message_attachments", url.Values{"platform": {"instagram"}}, JSONBody(body), out); err != nil {
		return nil, err
	}
	if out.AttachmentID == "" {
		return nil, errors.New("instagram: message_attachments answered no attachment_id")
	}
	return out, nil
}
