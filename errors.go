package instagram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. An *Error matches every sentinel that
// describes it; a *RateLimitError matches ErrRateLimited.
var (
	// ErrRateLimited: a rate limit was hit (HTTP 429, codes 4, 17, 32, 341,
	// 613, 80000-80014) or the client refused to send because a budget is
	// exhausted. Retry after RateLimitError.RetryAfter.
	ErrRateLimited = errors.New("instagram: rate limited")
	// ErrTokenExpired: the access token expired (code 190, subcode 463).
	// Refresh it or ask the user to log in again.
	ErrTokenExpired = errors.New("instagram: access token expired")
	// ErrInvalidToken: the token is invalid for another reason (code 190
	// with other subcodes such as 460 password changed or 467 invalid, code
	// 102). The user must log in again.
	ErrInvalidToken = errors.New("instagram: access token invalid")
	// ErrPermission: the token lacks a permission or a policy forbids the
	// call (codes 3, 10, 200-299).
	ErrPermission = errors.New("instagram: permission denied")
	// ErrTransient: a temporary failure that may succeed when retried
	// (is_transient, codes 1 and 2, 5xx answers without a Graph error).
	ErrTransient = errors.New("instagram: transient error")
	// ErrValidation: the request was rejected as invalid, by Meta (code 100
	// and other parameter errors) or by the SDK before sending.
	ErrValidation = errors.New("instagram: invalid request")
	// ErrNotFound: the object does not exist or cannot be seen with this
	// token (code 100 subcode 33, code 803).
	ErrNotFound = errors.New("instagram: object not found")
	// ErrOutsideMessagingWindow: a message was sent outside the period in
	// which the business may answer (code 10, subcodes 2534022 and 2018278).
	ErrOutsideMessagingWindow = errors.New("instagram: outside the messaging window")
	// ErrRecipientUnavailable: the person cannot receive messages right now
	// (code 551).
	ErrRecipientUnavailable = errors.New("instagram: recipient not available")
	// ErrPublishLimit: the account reached its content publishing limit
	// (code 9, subcode 2207042).
	ErrPublishLimit = errors.New("instagram: content publishing limit reached")
	// ErrHashtagLimit: the account searched its maximum of 30 unique
	// hashtags in 7 days.
	ErrHashtagLimit = errors.New("instagram: hashtag search limit reached")
	// ErrSpamRestricted: Meta restricted the account's activity as spam
	// (code 4, subcode 2207051). Do not retry.
	ErrSpamRestricted = errors.New("instagram: activity restricted as spam")
)

// Errors of the SDK's own safeguards: paging, batches, redirects, token
// files, the publish journal and uploads.
var (
	// ErrBatchIncomplete reports a batch operation that Meta did not complete
	// (it answered null for it, which happens when the batch times out). The
	// operation may be sent again.
	ErrBatchIncomplete = errors.New("instagram: batch operation not completed")

	// ErrRedirect is matched by the error of a call that Meta's answer (or a
	// proxy's) redirected to another host while it carried credentials: the
	// client refuses to follow, so the token, app secret or code never reach
	// that host.
	ErrRedirect = errors.New("instagram: refused to follow a redirect to another host with credentials")

	// ErrCorruptTokenFile is matched by the error of FileTokenStore.Load when
	// the file exists but does not hold a token (truncated, not JSON, no
	// access token). The message never quotes the file.
	ErrCorruptTokenFile = errors.New("instagram: FileTokenStore: the file does not hold a token")

	// ErrLeaseLost is returned by PublishJournal.Put when the holder's lease
	// on the key lapsed and another holder took it.
	ErrLeaseLost = errors.New("instagram: publish journal lease lost")

	// ErrPublishInProgress is returned by a journaled publish whose key is
	// leased by another live worker: that worker is publishing it.
	ErrPublishInProgress = errors.New("instagram: publish key in progress elsewhere")

	// ErrPageLimit is yielded by an iterator that reached its page cap
	// (DefaultMaxPages or WithMaxPages) before the last page.
	ErrPageLimit = errors.New("instagram: iteration reached its page limit")

	// ErrPageCycle is yielded by an iterator whose server gave a cursor or next
	// link it had already followed: the edge would loop forever.
	ErrPageCycle = errors.New("instagram: paging cursor repeated")

	// ErrNotConfirmed is returned by a write whose answer did not say
	// {"success": true}: Meta answered 2xx, but the change may not have been
	// made. It is not a Meta error envelope (no code, no subcode); read the
	// object back to see its state.
	ErrNotConfirmed = fmt.Errorf("instagram: the API did not confirm success")

	// ErrUploadInterrupted: a resumable upload broke off and the source cannot
	// be repositioned to where the server stands. See UploadInterruptedError.
	ErrUploadInterrupted = errors.New("instagram: upload interrupted")
)

// Error is an error answer from the Graph API, decoded from Meta's envelope
// {"error": {...}}. Answers that are not in that shape (an HTML page from a
// proxy, an empty 502, the OAuth hosts' flat shape) are turned into an Error
// too, with the status and a short excerpt of the body.
type Error struct {
	// HTTPStatus is the HTTP status of the answer.
	HTTPStatus int `json:"-"`
	// Message is Meta's message, usually starting with "(#code)".
	Message string `json:"message"`
	// Type is the error type, such as OAuthException.
	Type string `json:"type"`
	// Code is Meta's error code.
	Code int `json:"code"`
	// Subcode is error_subcode, which refines Code.
	Subcode int `json:"error_subcode"`
	// IsTransient is Meta's hint that retrying may succeed.
	IsTransient bool `json:"is_transient"`
	// UserTitle is error_user_title, a title to show to end users.
	UserTitle string `json:"error_user_title"`
	// UserMessage is error_user_msg, a message to show to end users.
	UserMessage string `json:"error_user_msg"`
	// TraceID is fbtrace_id, for reports to Meta.
	TraceID string `json:"fbtrace_id"`
	// Body is a short, redacted excerpt of an answer that carried no Graph
	// error envelope.
	Body string `json:"-"`
}

// Error describes the failure without any credential.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("instagram: ")
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.HTTPStatus)
		if e.Body != "" {
			msg += ": " + e.Body
		}
	}
	b.WriteString(redact(msg))
	if e.Code != 0 || e.Subcode != 0 {
		fmt.Fprintf(&b, " (code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, ", subcode %d", e.Subcode)
		}
		b.WriteString(")")
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " [HTTP %d", e.HTTPStatus)
		if e.TraceID != "" {
			b.WriteString(", fbtrace_id ")
			b.WriteString(e.TraceID)
		}
		b.WriteString("]")
	}
	return b.String()
}

// Is reports whether e belongs to the class named by a sentinel error.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrRateLimited:
		return e.isRateLimit()
	case ErrTokenExpired:
		return e.tokenExpired()
	case ErrInvalidToken:
		return e.isTokenError() && !e.tokenExpired()
	case ErrPermission:
		return e.Code == 3 || (e.Code == 10 && !e.outsideWindow()) || (e.Code >= 200 && e.Code <= 299)
	case ErrTransient:
		return e.isTransient()
	case ErrValidation:
		return (e.Code == 100 && e.Subcode != 33) || e.Code == 36003 || e.Code == 36004 ||
			e.Code == 36000 || e.Code == 36001 || e.Code == 352 || e.Code == 9004
	case ErrNotFound:
		return (e.Code == 100 && e.Subcode == 33) || e.Code == 803 || (e.Code == 110 && e.Subcode == 2207013)
	case ErrOutsideMessagingWindow:
		return e.outsideWindow()
	case ErrRecipientUnavailable:
		return e.Code == 551
	case ErrPublishLimit:
		return e.Code == 9 && e.Subcode == 2207042
	case ErrHashtagLimit:
		return e.hashtagLimit()
	case ErrSpamRestricted:
		return e.Code == 4 && e.Subcode == 2207051
	}
	return false
}

// hashtagLimit recognises the answer to a 31st unique hashtag search in 7
// days. Meta documents the limit but not a dedicated code, so the message
// decides: it names hashtags and a limit.
func (e *Error) hashtagLimit() bool {
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "hashtag") && (strings.Contains(m, "limit") || strings.Contains(m, "maximum"))
}

func (e *Error) isRateLimit() bool {
	if e.Code == 4 && e.Subcode == 2207051 {
		return false // spam restriction, not a throttle
	}
	switch e.Code {
	case 4, 17, 32, 341, 613:
		return true
	}
	if e.Code >= 80000 && e.Code <= 80014 {
		return true
	}
	return e.HTTPStatus == http.StatusTooManyRequests
}

func (e *Error) isTokenError() bool { return e.Code == 190 || e.Code == 102 }

func (e *Error) tokenExpired() bool {
	if e.Code != 190 {
		return false
	}
	if e.Subcode == 463 {
		return true
	}
	return e.Subcode == 0 && strings.Contains(strings.ToLower(e.Message), "session has expired")
}

func (e *Error) outsideWindow() bool {
	return e.Code == 10 && (e.Subcode == 2534022 || e.Subcode == 2018278)
}

func (e *Error) isTransient() bool {
	if e.isRateLimit() || e.isTokenError() {
		return false
	}
	if e.IsTransient {
		return true
	}
	switch e.Code {
	case 1:
		// Meta also answers a wrong client secret with code 1: that is
		// not worth retrying.
		return !strings.Contains(strings.ToLower(e.Message), "client secret")
	case 2:
		return true
	case -1:
		return e.Subcode == 2207001 || e.Subcode == 2207032
	case -2:
		return e.Subcode == 2207003
	case 0:
		return e.HTTPStatus >= 500
	}
	return false
}

// IsRetryable reports whether err is worth sending again later: a transient
// failure, a network error, or a rate limit (after RateLimitError.RetryAfter).
// It is false for the failure of a call that may have reached Meta and is
// not safe to repeat (a message sent or a comment posted whose answer was
// lost): resending it could deliver twice. Before resending such a call,
// look for its effect (the message in the conversation, the comment on the
// media).
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var nr *notRetryable
	if errors.As(err, &nr) {
		return false // a send whose request may have reached Meta
	}
	var ne *NetworkError
	return errors.Is(err, ErrTransient) || errors.Is(err, ErrRateLimited) || errors.As(err, &ne)
}

// RateLimitError reports a rate limit: either Meta answered with a
// throttling error (Err is set) or the client refused to send because the
// tracked budget is exhausted (Err is nil and no request was made).
type RateLimitError struct {
	// RetryAfter is how long to wait before the budget is expected back.
	RetryAfter time.Duration
	// Usage is the usage that caused the limit.
	Usage Usage
	// BusinessID is the business object whose budget ran out, empty for
	// the app budget.
	BusinessID string
	// Err is Meta's answer, nil when the client refused before sending.
	Err *Error
}

// Error describes the limit and when to retry.
func (e *RateLimitError) Error() string {
	who := "app"
	if e.BusinessID != "" {
		who = "account " + e.BusinessID
	}
	if e.Err != nil {
		return fmt.Sprintf("%s; rate limit for %s, retry after %s", e.Err.Error(), who, e.RetryAfter.Round(time.Second))
	}
	return fmt.Sprintf("instagram: rate-limit budget for %s exhausted, request not sent; retry after %s", who, e.RetryAfter.Round(time.Second))
}

// Unwrap returns Meta's error, if any.
func (e *RateLimitError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// NetworkError is a failure to reach the API or to read its answer. Its text
// never carries a query string or credential.
type NetworkError struct {
	Method string
	Path   string
	Err    error
}

// Error describes the failure.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("instagram: %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError reports a 2xx answer whose body could not be decoded.
type DecodeError struct {
	Method string
	Path   string
	Err    error
}

// Error describes the failure.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("instagram: decoding answer of %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// ValidationError reports input the SDK rejected before calling the API. It
// matches ErrValidation.
type ValidationError struct {
	// Field names the parameter at fault.
	Field string
	// Rule says what the parameter must satisfy.
	Rule string
}

// Error names the field and the rule.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("instagram: invalid %s: %s", e.Field, e.Rule)
}

// Is matches ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// errNilContext is what every method that takes a context returns for a
// nil one, before doing anything else.
var errNilContext error = &ValidationError{Field: "ctx", Rule: "must not be nil"}

// checkCtx returns errNilContext for a nil ctx.
func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	return nil
}

// maxErrorBody caps how much of an error answer is read.
const maxErrorBody = 64 << 10

// parseError reads a non-2xx answer into an *Error free of the request's
// secrets: the whole body is scrubbed before any excerpt is cut from it.
func parseError(hr *http.Response, secrets []string) *Error {
	body, _ := io.ReadAll(io.LimitReader(hr.Body, maxErrorBody))
	forms := secretForms(secrets)
	e := parseErrorBody(hr.StatusCode, body, forms)
	e.scrubForms(forms)
	return e
}

// ParseErrorBody turns the body of an error answer into an *Error. It
// accepts Meta's Graph envelope, the OAuth hosts' flat shape
// ({"error_type", "code", "error_message"}), the legacy {"meta": {...}}
// shape and anything else (kept as a short excerpt). It never fails.
func ParseErrorBody(status int, body []byte) *Error {
	return parseErrorBody(status, body, nil)
}

// parseErrorBody is ParseErrorBody with the literal secret forms (see
// secretForms) removed from an excerpt before it is cut.
func parseErrorBody(status int, body []byte, forms []string) *Error {
	e := &Error{HTTPStatus: status}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var env struct {
			Error        json.RawMessage `json:"error"`
			ErrorType    string          `json:"error_type"`
			Code         flexInt         `json:"code"`
			ErrorMessage string          `json:"error_message"`
			Meta         *struct {
				ErrorType    string  `json:"error_type"`
				Code         flexInt `json:"code"`
				ErrorMessage string  `json:"error_message"`
			} `json:"meta"`
			ErrorReason      string `json:"error_reason"`
			ErrorDescription string `json:"error_description"`
			DebugInfo        *struct {
				Retriable Bool   `json:"retriable"`
				Type      string `json:"type"`
				Message   string `json:"message"`
			} `json:"debug_info"`
		}
		if json.Unmarshal(trimmed, &env) == nil {
			switch {
			case len(env.Error) > 0 && env.Error[0] == '{':
				var g struct {
					Message     string  `json:"message"`
					Type        string  `json:"type"`
					Code        flexInt `json:"code"`
					Subcode     flexInt `json:"error_subcode"`
					IsTransient Bool    `json:"is_transient"`
					UserTitle   string  `json:"error_user_title"`
					UserMessage string  `json:"error_user_msg"`
					TraceID     string  `json:"fbtrace_id"`
				}
				if json.Unmarshal(env.Error, &g) == nil {
					e.Message, e.Type, e.Code, e.Subcode = g.Message, g.Type, int(g.Code), int(g.Subcode)
					e.IsTransient, e.UserTitle, e.UserMessage, e.TraceID = bool(g.IsTransient), g.UserTitle, g.UserMessage, g.TraceID
					return e
				}
			case len(env.Error) > 0 && env.Error[0] == '"':
				var s string
				_ = json.Unmarshal(env.Error, &s)
				e.Type = s
				e.Message = env.ErrorDescription
				if e.Message == "" {
					e.Message = s
				}
				return e
			case env.ErrorType != "" || env.ErrorMessage != "":
				e.Type, e.Code, e.Message = env.ErrorType, int(env.Code), env.ErrorMessage
				return e
			case env.Meta != nil && (env.Meta.ErrorType != "" || env.Meta.ErrorMessage != ""):
				e.Type, e.Code, e.Message = env.Meta.ErrorType, int(env.Meta.Code), env.Meta.ErrorMessage
				return e
			case env.DebugInfo != nil && (env.DebugInfo.Type != "" || env.DebugInfo.Message != ""):
				// The resumable upload host's shape. Its message is often
				// itself a JSON document with a Graph-style error.
				d := env.DebugInfo
				e.Type, e.Message, e.IsTransient = d.Type, d.Message, bool(d.Retriable)
				var inner struct {
					Error struct {
						Message string  `json:"message"`
						Code    flexInt `json:"code"`
					} `json:"error"`
				}
				if json.Unmarshal([]byte(d.Message), &inner) == nil && inner.Error.Message != "" {
					e.Message, e.Code = inner.Error.Message, int(inner.Error.Code)
				}
				return e
			}
		}
	}
	e.Body = excerpt(trimmed, forms)
	return e
}

// flexInt decodes a JSON number or a numeric string.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if n, ok := parseInt(b); ok {
		*f = flexInt(n)
		return nil
	}
	if fl, err := strconv.ParseFloat(string(b), 64); err == nil && fl > -1e18 && fl < 1e18 {
		*f = flexInt(int64(fl))
		return nil
	}
	*f = 0 // tolerate junk: an unknown code is 0
	return nil
}

// parseInt parses a decimal integer without allocating.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// Bool decodes a JSON boolean that Meta sometimes sends as the string
// "true" or "false" (or as 1 and 0).
type Bool bool

// UnmarshalJSON accepts true, false, "true", "false", 1, 0 and null.
func (b *Bool) UnmarshalJSON(data []byte) error {
	switch strings.ToLower(strings.Trim(string(data), `"`)) {
	case "true", "1":
		*b = true
	case "false", "0", "", "null":
		*b = false
	default:
		return fmt.Errorf("instagram: cannot decode %s as a boolean", data)
	}
	return nil
}

// isDialError reports a failure before any byte of the request was written.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
