package eko

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// The errors a call returns, each matched with errors.As:
//
//	*ValidationError     the input breaks the spec; nothing was sent
//	*APIError            Eko answered with a non-zero status (or HTTP 403); Kind says which
//	*ResponseError       the answer is not a valid Eko answer (or too large, or an
//	                     unexpected HTTP status)
//	*TimeoutError        the call's deadline passed; errors.Is(err, context.DeadlineExceeded)
//	*ConnectionError     the request could not be completed (refused, reset, dropped)
//	*ConfigurationError  New was given settings it cannot use
//
// A cancelled context gives context.Canceled, wrapped in a *ConnectionError.

// Kind is what an *APIError means to the caller.
type Kind string

const (
	KindOther          Kind = ""               // any other business error (301, 319, 346...)
	KindPending        Kind = "pending"        // 327, or a PENDING session: not consented yet
	KindNotFound       Kind = "not_found"      // 463, or "Invalid reference_id": no such session
	KindAuthentication Kind = "authentication" // HTTP 403: signature, timestamp or developer_key refused
	KindInvalidParams  Kind = "invalid_params" // 461 or `invalid_params`: Eko refused the input
	KindConsentDenied  Kind = "consent_denied" // the customer declined consent
	KindExpired        Kind = "expired"        // the session expired
)

// bodyExcerpt is how much of an answer's body an error keeps.
const bodyExcerpt = 2000

// ValidationError: the input does not match the spec, and no request left the process.
type ValidationError struct {
	Operation string
	Fields    []FieldError
}

// FieldError is one refused field and why.
type FieldError struct {
	Field, Message string
}

func (e *ValidationError) Error() string {
	listed := make([]string, len(e.Fields))
	for i, field := range e.Fields {
		listed[i] = field.Field + " " + field.Message
	}
	return e.Operation + ": invalid input: " + strings.Join(listed, "; ")
}

// APIError: Eko answered with an envelope whose status is not 0, or with HTTP 403.
type APIError struct {
	Operation  string
	Kind       Kind
	HTTPStatus int
	// Code is Eko's error code, from `status` or `response_status_id` wherever Eko put
	// it, or nil when the answer carries none.
	Code          *int64
	Message       string
	InvalidParams map[string]string
	// Data is the envelope's `data` as sent (nil when absent).
	Data json.RawMessage
	// Body is the answer as sent (at most 2000 bytes of it).
	Body string
}

func (e *APIError) Error() string {
	code := "none"
	if e.Code != nil {
		code = fmt.Sprint(*e.Code)
	}
	kind := ""
	if e.Kind != KindOther {
		kind = " (" + string(e.Kind) + ")"
	}
	return fmt.Sprintf("%s: Eko error%s: %s (HTTP %d, code %s)", e.Operation, kind, e.Message, e.HTTPStatus, code)
}

// ResponseError: the answer is not a valid Eko answer, has an HTTP status the spec does
// not list for it, or is larger than MaxResponseBytes (TooLarge).
type ResponseError struct {
	Operation string
	Reason    string
	// HTTPStatus is 0 when no status line came.
	HTTPStatus int
	TooLarge   bool
	Body       string
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Operation, e.Reason, e.HTTPStatus)
}

// TimeoutError: the call's deadline passed before a complete answer came.
type TimeoutError struct {
	Operation string
	Attempts  int
	Doing     string
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: the call's deadline passed %s (%d attempts)", e.Operation, e.Doing, e.Attempts)
}

// Unwrap makes errors.Is(err, context.DeadlineExceeded) hold.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// ConnectionError: the request could not be completed.
type ConnectionError struct {
	Operation string
	Attempts  int
	Err       error
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("%s: request failed (%d attempts): %v", e.Operation, e.Attempts, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// ConfigurationError: New cannot build a client from these settings.
type ConfigurationError struct {
	Reason string
}

func (e *ConfigurationError) Error() string { return "eko: " + e.Reason }

func excerpt(body []byte) string {
	if len(body) > bodyExcerpt {
		body = body[:bodyExcerpt]
	}
	return string(body)
}
