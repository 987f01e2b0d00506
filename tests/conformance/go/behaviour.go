package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

type behaviourCase struct {
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
	Call    struct {
		Operation string                     `json:"operation"`
		Input     map[string]json.RawMessage `json:"input"`
		Options   struct {
			TimeoutMS        *int64 `json:"timeout_ms"`
			MaxRetries       *int   `json:"max_retries"`
			MaxResponseBytes *int64 `json:"max_response_bytes"`
			IntervalMS       *int64 `json:"interval_ms"`
		} `json:"options"`
	} `json:"call"`
}

// runBehaviour makes each case's call against its scenario server and prints what came of
// it, the Go error type and the time it took.
func runBehaviour(path string) int {
	var corpus struct {
		Keys struct {
			DeveloperKey string `json:"developer_key"`
			AccessKey    string `json:"access_key"`
			InitiatorID  string `json:"initiator_id"`
			UserCode     string `json:"user_code"`
		} `json:"keys"`
		Cases []behaviourCase `json:"cases"`
	}
	if err := readJSON(path, &corpus); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, item := range corpus.Cases {
		options := eko.Options{BaseURL: item.BaseURL, InitiatorID: corpus.Keys.InitiatorID, UserCode: corpus.Keys.UserCode,
			Keys:   eko.Keys{DeveloperKey: corpus.Keys.DeveloperKey, AccessKey: corpus.Keys.AccessKey},
			Getenv: func(string) string { return "" }}
		// initiator_id is a client setting, as in the Python runner: an empty one is
		// refused by New.
		if text, ok, err := stringField(item.Call.Input, "initiator_id"); err == nil && ok {
			options.InitiatorID = text
		}
		given := item.Call.Options
		if given.MaxRetries != nil {
			options.MaxRetries = *given.MaxRetries
			if *given.MaxRetries == 0 {
				options.MaxRetries = eko.NoRetries
			}
		}
		if given.MaxResponseBytes != nil {
			options.MaxResponseBytes = *given.MaxResponseBytes
		}
		client, err := eko.New(options)
		if err != nil {
			name := reflect.TypeOf(err).String()
			var zero int64
			emit(line{Name: item.Name, Outcome: "invalid_input", Error: &name, ElapsedMS: &zero})
			continue
		}
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if given.TimeoutMS != nil && item.Call.Operation != "waitForConsent" {
			ctx, cancel = context.WithTimeout(ctx, time.Duration(*given.TimeoutMS)*time.Millisecond)
		}
		started := time.Now()
		result, err := call(ctx, client, item)
		elapsed := time.Since(started).Milliseconds()
		cancel()
		outcome, code, errorName := outcomeOf(err)
		values := json.RawMessage("{}")
		if err == nil {
			values = valuesOf(result)
			if consent, ok := result.(*eko.ConsentResult); ok {
				values, outcome, code = consentValues(consent)
				if consent.Err != nil && consent.State != eko.TimedOut {
					name := reflect.TypeOf(consent.Err).String()
					errorName = &name
				}
			}
		}
		emit(line{Name: item.Name, Outcome: outcome, Code: code, Values: values, Error: errorName, ElapsedMS: &elapsed})
	}
	return 0
}

func call(ctx context.Context, client *eko.Client, item behaviourCase) (interface{}, error) {
	input := item.Call.Input
	var options []eko.CallOption
	for name, option := range map[string]func(string) eko.CallOption{
		"client_ref_id": eko.WithClientRefID, "user_code": eko.WithUserCode,
	} {
		if text, ok, err := stringField(input, name); err != nil {
			return nil, err
		} else if ok {
			options = append(options, option(text))
		}
	}
	switch item.Call.Operation {
	case "createDigilockerUrl":
		in := eko.CreateInput{}
		var err error
		for name, into := range map[string]*string{"redirect_url": &in.RedirectURL, "user_code": &in.UserCode} {
			if *into, _, err = stringField(input, name); err != nil {
				return nil, err
			}
		}
		if in.DocumentRequested, err = listField(input, "document_requested"); err != nil {
			return nil, err
		}
		return client.CreateDigilockerURL(ctx, in, options...) // client_ref_id as given, "" included
	case "getDigilockerVerificationStatus":
		id, err := referenceField(input)
		if err != nil {
			return nil, err
		}
		return client.GetVerificationStatus(ctx, id, options...)
	case "getDigilockerDocument":
		id, err := referenceField(input)
		if err != nil {
			return nil, err
		}
		verification, _, err := stringField(input, "verification_id")
		if err != nil {
			return nil, err
		}
		types, err := listField(input, "document_type")
		if err != nil {
			return nil, err
		}
		if types != nil {
			options = append(options, eko.WithDocumentTypes(types...))
		}
		return client.GetDocument(ctx, id, verification, options...)
	case "waitForConsent":
		id, err := referenceField(input)
		if err != nil {
			return nil, err
		}
		wait := eko.WaitOptions{}
		if ms := item.Call.Options.IntervalMS; ms != nil {
			wait.Interval = time.Duration(*ms) * time.Millisecond
		}
		if ms := item.Call.Options.TimeoutMS; ms != nil {
			wait.Timeout = time.Duration(*ms) * time.Millisecond
		}
		return client.WaitForConsent(ctx, id, wait, options...)
	}
	return nil, fmt.Errorf("unknown operation %q", item.Call.Operation)
}

func stringField(input map[string]json.RawMessage, name string) (string, bool, error) {
	raw, ok := input[name]
	if !ok {
		return "", false, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return "", false, &eko.ValidationError{Operation: "runner", Fields: []eko.FieldError{{Field: name, Message: "is not a string (a Go string field)"}}}
	}
	return text, true, nil
}

func listField(input map[string]json.RawMessage, name string) ([]string, error) {
	raw, ok := input[name]
	if !ok {
		return nil, nil
	}
	list := []string{}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, &eko.ValidationError{Operation: "runner", Fields: []eko.FieldError{{Field: name, Message: "is not a list of strings (a Go []string)"}}}
	}
	return list, nil
}

// referenceField is reference_id as the int64 Go takes: a JSON integer, or a string of
// digits (the document call's wire form).
func referenceField(input map[string]json.RawMessage) (int64, error) {
	raw := bytes.TrimSpace(input["reference_id"])
	var text string
	if json.Unmarshal(raw, &text) != nil {
		text = string(raw)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return 0, &eko.ValidationError{Operation: "runner", Fields: []eko.FieldError{{Field: "reference_id", Message: "is not a whole number within int64 (Go's type for it)"}}}
	}
	return id, nil
}

// consentValues is a wait's result: its state (with the status answer's data when
// authenticated), and the outcome and code that state stands for.
func consentValues(result *eko.ConsentResult) (json.RawMessage, string, *int64) {
	values := map[string]interface{}{}
	if result.Details != nil {
		encoded, _ := json.Marshal(result.Details)
		_ = json.Unmarshal(encoded, &values)
	}
	values["state"] = string(result.State)
	encoded, _ := json.Marshal(values)
	switch {
	case result.State == eko.Authenticated:
		return encoded, "success", nil
	case result.State == eko.TimedOut:
		return encoded, "timeout", nil
	case result.Err != nil:
		return encoded, "business_error", result.Err.Code
	}
	return encoded, "business_error", nil
}
