package eko

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxRedirectLength bounds the return URL read (it comes from the customer's browser).
const MaxRedirectLength = 8192

// parseRedirectName names ParseRedirect's errors.
const parseRedirectName = "ParseRedirect"

// ConsentRedirect is what the customer came back to your redirect URL with. What a return
// carries depends on the source: Eko's legacy page appends verification_id; the local
// sandbox adds reference_id, and status=CONSENT_DENIED on denial; DigiLocker's own OAuth
// return may pass through error=access_denied. Exactly one of Approved(), Denied and
// Error != "" holds.
type ConsentRedirect struct {
	// ReferenceID is 0 when the return does not carry it (pair it with the one you stored).
	ReferenceID    int64
	VerificationID string
	Denied         bool
	// Error says why the return is neither an approval nor a denial, or "".
	Error string
}

// Approved: consent given, with a verification id to fetch the document with.
func (r ConsentRedirect) Approved() bool {
	return r.VerificationID != "" && !r.Denied && r.Error == ""
}

// ParseRedirectString reads a return given as text: a full URL, or its query with or
// without the leading "?".
func ParseRedirectString(raw string) (*ConsentRedirect, error) {
	if len(raw) > MaxRedirectLength {
		return nil, redirectInvalid("url", fmt.Sprintf("is longer than %d characters", MaxRedirectLength))
	}
	query, _, _ := strings.Cut(raw, "#")
	if _, after, found := strings.Cut(query, "?"); found {
		query = after
	}
	return ParseRedirectQuery(queryValues(query))
}

// queryValues splits a query as a browser's form encoding has it: "&" between pairs, "+"
// for a space, %XX escapes decoded and a malformed escape kept as written (so a ";" or a
// stray "%" is data, not a reason to drop the pair).
func queryValues(query string) url.Values {
	values := url.Values{}
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		values[unescape(name)] = append(values[unescape(name)], unescape(value))
	}
	return values
}

func unescape(text string) string {
	if !strings.ContainsAny(text, "%+") {
		return text
	}
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '+':
			out = append(out, ' ')
		case text[i] == '%' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			value, _ := strconv.ParseUint(text[i+1:i+3], 16, 8)
			out = append(out, byte(value))
			i += 2
		default:
			out = append(out, text[i])
		}
	}
	return string(out)
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// ParseRedirect reads the customer's return to your redirect URL (an http.Request's URL).
// A tampered or malformed return is a *ValidationError: a reference_id that is not a
// positive whole number, two different values of one parameter, an empty
// verification_id, a URL over MaxRedirectLength.
func ParseRedirect(u *url.URL) (*ConsentRedirect, error) {
	if u == nil {
		return nil, redirectInvalid("url", "is nil")
	}
	if len(u.RawQuery) > MaxRedirectLength {
		return nil, redirectInvalid("url", fmt.Sprintf("is longer than %d characters", MaxRedirectLength))
	}
	return ParseRedirectQuery(queryValues(u.RawQuery))
}

// ParseRedirectQuery reads the return from its parsed query.
func ParseRedirectQuery(values url.Values) (*ConsentRedirect, error) {
	one := func(name string) (string, bool, error) {
		var found string
		seen := false
		for _, value := range values[name] {
			if !utf8.ValidString(value) {
				return "", false, redirectInvalid(name, "has percent-escapes that are not UTF-8")
			}
			if seen && value != found {
				return "", false, redirectInvalid(name, "has different values")
			}
			found, seen = value, true
		}
		return found, seen, nil
	}
	reference, hasReference, err := one("reference_id")
	if err != nil {
		return nil, err
	}
	verification, hasVerification, err := one("verification_id")
	if err != nil {
		return nil, err
	}
	status, _, err := one("status")
	if err != nil {
		return nil, err
	}
	oauthError, hasError, err := one("error")
	if err != nil {
		return nil, err
	}
	description, _, err := one("error_description")
	if err != nil {
		return nil, err
	}
	if hasVerification && strings.TrimSpace(verification) == "" {
		return nil, redirectInvalid("verification_id", "is empty")
	}
	status = strings.ToUpper(status)
	result := &ConsentRedirect{VerificationID: verification}
	// DigiLocker's OAuth error for a customer who declines (RFC 6749 section 4.1.2.1).
	result.Denied = status == "CONSENT_DENIED" || strings.ToLower(oauthError) == "access_denied"
	if !result.Denied {
		switch {
		case hasError && description != "":
			result.Error = oauthError + ": " + description
		case hasError:
			result.Error = oauthError
		// SUCCESS: Eko's verification_status of a completed verification.
		case status != "" && status != "AUTHENTICATED" && status != "SUCCESS":
			result.Error = "status " + status
		case !hasVerification:
			result.Error = "the return carries neither a verification_id nor a status"
		}
	}
	if hasReference {
		if result.ReferenceID, err = redirectReference(reference); err != nil {
			return nil, err
		}
	}
	return result, nil
}

// redirectReference: ASCII digits, at least 1, and no more digits than the spec allows a
// reference id (the document call's reference_id maxLength), within int64.
func redirectReference(value string) (int64, error) {
	text := strings.TrimSpace(value)
	digits := text != ""
	for _, char := range text {
		digits = digits && char >= '0' && char <= '9'
	}
	if !digits || strings.Trim(text, "0") == "" {
		shown := value
		if len(shown) > 40 {
			shown = shown[:40]
		}
		return 0, redirectInvalid("reference_id", fmt.Sprintf("must be a positive whole number, got %q", shown))
	}
	if limit := maxReferenceDigits(); int64(len(text)) > limit {
		return 0, redirectInvalid("reference_id", fmt.Sprintf("has %d digits; a reference id has at most %d", len(text), limit))
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, redirectInvalid("reference_id", "is larger than a reference id can be (2^63-1)")
	}
	return id, nil
}

func maxReferenceDigits() int64 {
	body := object(resolve(operationOf("getDigilockerDocument").body))
	limit, _ := bound(object(object(body["properties"])["reference_id"])["maxLength"])
	return limit
}

func redirectInvalid(field, why string) error {
	return &ValidationError{Operation: parseRedirectName, Fields: []FieldError{{field, why}}}
}
