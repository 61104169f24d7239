package instagramtest

import (
	"fmt"
	"net/http"
)

// graphError is Meta's error envelope body ({"error":{...}}) together with
// the HTTP status it is answered with.
type graphError struct {
	status int

	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode,omitempty"`
	IsTransient *bool  `json:"is_transient,omitempty"`
	UserTitle   string `json:"error_user_title,omitempty"`
	UserMsg     string `json:"error_user_msg,omitempty"`
	TraceID     string `json:"fbtrace_id"`
}

func (e *graphError) Error() string {
	return fmt.Sprintf("graph error %d/%d: %s", e.Code, e.Subcode, e.Message)
}

// transient marks the error with is_transient set to v.
func (e *graphError) transient(v bool) *graphError {
	e.IsTransient = &v
	return e
}

// userMessage sets the error_user_title and error_user_msg fields.
func (e *graphError) userMessage(title, msg string) *graphError {
	e.UserTitle, e.UserMsg = title, msg
	return e
}

// newError builds a Graph error answered with HTTP status, the given code,
// subcode (0 for none), type and message.
func newError(status, code, subcode int, typ, format string, args ...any) *graphError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &graphError{status: status, Code: code, Subcode: subcode, Type: typ, Message: msg}
}

const (
	typeOAuth  = "OAuthException"
	typeMethod = "GraphMethodException"
)

// errParam is the common "(#100) ..." invalid parameter error (HTTP 400).
func errParam(format string, args ...any) *graphError {
	return newError(http.StatusBadRequest, 100, 0, typeOAuth, "(#100) "+format, args...)
}

func errUnknownPath(p string) *graphError {
	return newError(http.StatusBadRequest, 2500, 0, typeOAuth, "Unknown path components: %s", p)
}

func errNoSuchObject(method, id string) *graphError {
	return newError(http.StatusBadRequest, 100, 33, typeMethod,
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		lowerMethod(method), id)
}

func errAlias(alias string) *graphError {
	return newError(http.StatusNotFound, 803, 0, typeOAuth, "(#803) Some of the aliases you requested do not exist: %s", alias)
}

func errUnknownField(field, nodeType string) *graphError {
	return newError(http.StatusBadRequest, 100, 0, typeOAuth,
		"(#100) Tried accessing nonexisting field (%s) on node type (%s)", field, nodeType)
}

func errTokenRequired() *graphError {
	return newError(http.StatusBadRequest, 104, 0, typeOAuth, "An access token is required to request this resource.")
}

func errTokenInvalid() *graphError {
	return newError(http.StatusBadRequest, 190, 0, typeOAuth, "Invalid OAuth access token - Cannot parse access token")
}

func errTokenExpired(expired, now string) *graphError {
	return newError(http.StatusBadRequest, 190, 463, typeOAuth,
		"Error validating access token: Session has expired on %s. The current time is %s.", expired, now)
}

func errProofInvalid() *graphError {
	return newError(http.StatusBadRequest, 100, 0, typeMethod, "Invalid appsecret_proof provided in the API argument")
}

func errProofMissing() *graphError {
	return newError(http.StatusBadRequest, 100, 0, typeMethod, "API calls from the server require an appsecret_proof argument")
}

func errUnexpected() *graphError {
	return newError(http.StatusInternalServerError, 2, 0, typeOAuth,
		"An unexpected error has occurred. Please retry your request later.").transient(true)
}

func errAppLimit() *graphError {
	return newError(http.StatusForbidden, 4, 0, typeOAuth, "(#4) Application request limit reached").transient(true)
}

func errAccountLimit() *graphError {
	return newError(http.StatusForbidden, 80002, 0, typeOAuth,
		"(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.")
}

func errNoActiveUser() *graphError {
	return newError(http.StatusBadRequest, 2500, 0, typeOAuth,
		"An active access token must be used to query information about the current user.")
}

func lowerMethod(m string) string {
	switch m {
	case http.MethodGet:
		return "get"
	case http.MethodPost:
		return "post"
	case http.MethodDelete:
		return "delete"
	}
	return m
}
