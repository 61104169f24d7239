package instagramtest

import (
	instagram "github.com/igsdk/instagram"
)

// Client returns a client for the server's Instagram Login API: it uses
// AccessToken and sends Graph calls and resumable uploads to the server.
// opts are applied after those, so they can replace any of them.
func (s *Server) Client(opts ...instagram.Option) (*instagram.Client, error) {
	base := []instagram.Option{
		instagram.WithAccessToken(s.AccessToken),
		instagram.WithBaseURL(s.URL),
		instagram.WithUploadURL(s.URL),
	}
	return instagram.NewClient(append(base, opts...)...)
}

// FacebookClient returns a client for the server's Facebook Login API: it
// uses FacebookAccessToken and instagram.FacebookLogin, and sends every
// call to the server. opts are applied after those.
func (s *Server) FacebookClient(opts ...instagram.Option) (*instagram.Client, error) {
	base := []instagram.Option{
		instagram.WithAccessToken(s.FacebookAccessToken),
		instagram.WithPlatform(instagram.FacebookLogin),
		instagram.WithBaseURL(s.URL),
		instagram.WithUploadURL(s.URL),
	}
	return instagram.NewClient(append(base, opts...)...)
}
