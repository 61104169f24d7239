package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
)

// Header names of a delivery's signatures.
const (
	// SignatureHeader carries "sha256=" and the lowercase hex HMAC-SHA256
	// of the raw body keyed with the app secret.
	SignatureHeader = "X-Hub-Signature-256"
	// LegacySignatureHeader carries "sha1=" and the hex HMAC-SHA1 of the
	// body; it is checked only with SignatureOptions.AllowSHA1.
	LegacySignatureHeader = "X-Hub-Signature"
)

// Errors of verification. Status maps each to the status to answer.
var (
	// ErrSignatureMissing: the delivery carries no signature (401).
	ErrSignatureMissing = errors.New("webhook: signature missing")
	// ErrSignatureInvalid: the signature does not match the body, is
	// malformed or is sent more than once with different values (403).
	ErrSignatureInvalid = errors.New("webhook: signature invalid")
	// ErrTooLarge: the body is over the size limit (413).
	ErrTooLarge = errors.New("webhook: body too large")
	// ErrVerifyToken: a verification request carries the wrong verify
	// token (403).
	ErrVerifyToken = errors.New("webhook: verify token mismatch")
	// ErrNotVerification: a GET that is not a subscription verification
	// (400).
	ErrNotVerification = errors.New("webhook: not a verification request")
	// ErrTooOld: an event of the delivery is older than the maximum event
	// age (400).
	ErrTooOld = errors.New("webhook: event older than the maximum age")
)

// SignatureOptions says which signatures are accepted.
type SignatureOptions struct {
	// AllowSHA1 accepts deliveries signed only with the legacy sha1
	// X-Hub-Signature header. Off by default: X-Hub-Signature-256 is
	// required. When both headers are present, only the sha256 one is
	// checked.
	AllowSHA1 bool
}

// Sign returns the X-Hub-Signature-256 value Meta sends for body:
// "sha256=" and the lowercase hex HMAC-SHA256 keyed with appSecret.
func Sign(body []byte, appSecret string) string {
	return "sha256=" + hexHMAC(sha256.New, appSecret, body)
}

// SignSHA1 returns the legacy X-Hub-Signature value Meta also sends for
// body: "sha1=" and the hex HMAC-SHA1 keyed with appSecret.
func SignSHA1(body []byte, appSecret string) string {
	return "sha1=" + hexHMAC(sha1.New, appSecret, body)
}

func hexHMAC(h func() hash.Hash, secret string, body []byte) string {
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SetSignatures sets both signature headers Meta sends (X-Hub-Signature-256
// and X-Hub-Signature) on h for body.
func SetSignatures(h http.Header, body []byte, appSecret string) {
	h.Set(SignatureHeader, Sign(body, appSecret))
	h.Set(LegacySignatureHeader, SignSHA1(body, appSecret))
}

// NewSignedRequest builds the POST Meta would send to url with body: JSON
// content type and both signature headers computed with appSecret. Tests
// and relays use it.
func NewSignedRequest(ctx context.Context, url string, body []byte, appSecret string) (*http.Request, error) {
	if ctx == nil {
		return nil, errors.New("webhook: nil context")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	SetSignatures(req.Header, body, appSecret)
	return req, nil
}

// VerifySignature checks an X-Hub-Signature-256 value ("sha256=<hex>")
// against body. The hex must be lowercase, as Meta sends it; the comparison
// takes constant time. The error matches ErrSignatureMissing or
// ErrSignatureInvalid.
func VerifySignature(body []byte, signature, appSecret string) error {
	return verify(body, signature, appSecret, false)
}

// VerifyHeader checks the signature headers of a delivery against body:
// X-Hub-Signature-256, or, with opts.AllowSHA1 and only when it is absent,
// X-Hub-Signature. A header sent several times must carry one value. The
// error matches ErrSignatureMissing or ErrSignatureInvalid.
func VerifyHeader(h http.Header, body []byte, appSecret string, opts SignatureOptions) error {
	sig, err := signatureOf(h, opts.AllowSHA1)
	if err != nil {
		return err
	}
	return verify(body, sig, appSecret, opts.AllowSHA1)
}

// signatureOf picks the signature to check, refusing a header repeated
// with different values.
func signatureOf(h http.Header, allowSHA1 bool) (string, error) {
	one := func(name string) (string, error) {
		vs := h.Values(name)
		if len(vs) == 0 {
			return "", nil
		}
		for _, v := range vs[1:] {
			if v != vs[0] {
				return "", fmt.Errorf("%w: %s sent with different values", ErrSignatureInvalid, name)
			}
		}
		return vs[0], nil
	}
	s, err := one(SignatureHeader)
	if err != nil || s != "" {
		return s, err
	}
	if allowSHA1 {
		return one(LegacySignatureHeader)
	}
	return "", nil
}

// hasSignature reports whether a request carries a signature header that
// could be accepted, without looking at its value.
func hasSignature(h http.Header, allowSHA1 bool) bool {
	present := func(name string) bool {
		for _, v := range h.Values(name) {
			if v != "" {
				return true
			}
		}
		return false
	}
	return present(SignatureHeader) || allowSHA1 && present(LegacySignatureHeader)
}

func verify(body []byte, signature, appSecret string, allowSHA1 bool) error {
	if signature == "" {
		return ErrSignatureMissing
	}
	if appSecret == "" {
		return fmt.Errorf("%w: no app secret configured", ErrSignatureInvalid)
	}
	var (
		prefix string
		h      func() hash.Hash
	)
	switch {
	case len(signature) > 7 && signature[:7] == "sha256=":
		prefix, h = "sha256=", sha256.New
	case allowSHA1 && len(signature) > 5 && signature[:5] == "sha1=":
		prefix, h = "sha1=", sha1.New
	default:
		return ErrSignatureInvalid
	}
	m := hmac.New(h, []byte(appSecret))
	m.Write(body)
	var sum [sha256.Size]byte
	mac := m.Sum(sum[:0])
	var want [len("sha256=") + 2*sha256.Size]byte
	n := copy(want[:], prefix)
	hex.Encode(want[n:], mac)
	if subtle.ConstantTimeCompare([]byte(signature), want[:n+2*len(mac)]) != 1 {
		return ErrSignatureInvalid
	}
	return nil
}
