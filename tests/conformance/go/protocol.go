package main

// The runner protocol (docs/conformance.md): one JSON object per line on stdout, per case
// or step, {"name", "outcome", "code", "values"} (behaviour adds "error" and
// "elapsed_ms"); the harness does every comparison.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// line is one printed result.
type line struct {
	Name      string          `json:"name"`
	Outcome   string          `json:"outcome"`
	Code      *int64          `json:"code"`
	Values    json.RawMessage `json:"values"`
	Error     *string         `json:"error"`
	ElapsedMS *int64          `json:"elapsed_ms,omitempty"`
	// ClientRefID: the journey's create says which it sent (tests/conformance/test_journey.py
	// creates again with it).
	ClientRefID string `json:"client_ref_id,omitempty"`
	// Message: the journey's business errors carry Eko's message (test_journey.py compares
	// it with Python's).
	Message *string `json:"message,omitempty"`
}

var stdout = json.NewEncoder(os.Stdout)

func emit(l line) {
	if l.Values == nil {
		l.Values = json.RawMessage("{}")
	}
	if err := stdout.Encode(l); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		os.Exit(1)
	}
}

// outcomeOf is the protocol's outcome for what a call returned, its code, and the Go
// type of the error (nil for none).
func outcomeOf(err error) (string, *int64, *string) {
	if err == nil {
		return "success", nil, nil
	}
	name := reflect.TypeOf(err).String()
	var api *eko.APIError
	var response *eko.ResponseError
	var timeout *eko.TimeoutError
	var connection *eko.ConnectionError
	var validation *eko.ValidationError
	switch {
	case errors.As(err, &api):
		if api.HTTPStatus != 200 {
			return "http_error", nil, &name
		}
		if api.Kind == eko.KindPending {
			return "pending", api.Code, &name
		}
		return "business_error", api.Code, &name
	case errors.As(err, &response):
		switch {
		case response.TooLarge:
			return "too_large", nil, &name
		case response.HTTPStatus != 200 && response.HTTPStatus != 0:
			return "http_error", nil, &name
		}
		return "malformed", nil, &name
	case errors.As(err, &timeout):
		if !errors.Is(err, context.DeadlineExceeded) {
			panic("a TimeoutError that is not a context.DeadlineExceeded")
		}
		return "timeout", nil, &name
	case errors.As(err, &connection):
		return "connection_error", nil, &name
	case errors.As(err, &validation):
		return "invalid_input", nil, &name
	}
	return "unexpected_error", nil, &name
}

// valuesOf is a result as the generated model writes it back to JSON.
func valuesOf(result interface{}) json.RawMessage {
	if result == nil || reflect.ValueOf(result).IsNil() {
		return json.RawMessage("{}")
	}
	var model interface{} = result
	if session, ok := result.(*eko.Session); ok {
		model = session.Data
	}
	encoded, err := json.Marshal(model)
	if err != nil {
		panic(err)
	}
	return encoded
}
