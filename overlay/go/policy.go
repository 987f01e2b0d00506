package eko

import (
	"encoding/json"
	"fmt"
	"time"
)

// Policy is the client policy: the spec's `x-eko-client` (its root, with an operation's
// own keys over it), read from the embedded spec. Options override parts of it.
type Policy struct {
	// Timeout is the whole call's deadline when its context has none.
	Timeout time.Duration
	// MaxResponseBytes bounds one answer, counted after decompression.
	MaxResponseBytes int64
	Retry            RetryPolicy
	// Idempotent: a timeout or dropped connection after sending may be retried.
	Idempotent bool
	// IdempotencyField is the body field that is Eko's idempotency key (client_ref_id).
	IdempotencyField string
	// Redirects is "never_follow": a 3xx is an answer.
	Redirects string
	// ConsentInterval and ConsentTimeout are WaitForConsent's defaults.
	ConsentInterval, ConsentTimeout time.Duration
}

// RetryPolicy says which failures are tried again and how long to wait first.
type RetryPolicy struct {
	MaxRetries int
	Statuses   []int
	// NotSent ("all") and MaybeSent ("idempotent"): which operations retry a failure
	// before any byte was sent, and one after.
	NotSent, MaybeSent string
	// Wait n (from 0) is uniform in [0, min(BackoffMax, BackoffInitial*Multiplier^n)].
	BackoffInitial, BackoffMax time.Duration
	Multiplier                 float64
	Jitter                     string
	// RetryAfterMax: a Retry-After above this is not honoured (the backoff applies).
	RetryAfterMax time.Duration
}

// DefaultPolicy is the spec's root `x-eko-client`.
func DefaultPolicy() Policy {
	return policyFrom(object(spec["x-eko-client"]))
}

// merged is base with override's keys over it, objects merged key by key.
func merged(base, override map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(base)+len(override))
	for key, value := range base {
		out[key] = value
	}
	for key, value := range override {
		if sub, ok := value.(map[string]interface{}); ok {
			if under, ok := out[key].(map[string]interface{}); ok {
				out[key] = merged(under, sub)
				continue
			}
		}
		out[key] = value
	}
	return out
}

// policyFrom reads an x-eko-client object; a key it lacks is a broken spec, and panics at
// start-up rather than becoming a silent zero.
func policyFrom(node map[string]interface{}) Policy {
	p := readPolicy(node)
	// The choices this client implements; a spec that asks for another fails at start-up
	// (and in go test), not silently.
	for key, pair := range map[string][2]string{
		"retry.not_sent": {p.Retry.NotSent, "all"}, "retry.maybe_sent": {p.Retry.MaybeSent, "idempotent"},
		"retry.backoff.jitter": {p.Retry.Jitter, "full"}, "redirects": {p.Redirects, "never_follow"},
		"idempotency.field": {p.IdempotencyField, "client_ref_id"},
	} {
		if pair[0] != pair[1] {
			panic(fmt.Sprintf("eko: x-eko-client %s is %q; this client implements %q only", key, pair[0], pair[1]))
		}
	}
	return p
}

func readPolicy(node map[string]interface{}) Policy {
	retry := object(node["retry"])
	backoff := object(retry["backoff"])
	consent := object(node["consent_wait"])
	idempotent, _ := node["idempotent"].(bool)
	var statuses []int
	for _, status := range need(retry, "statuses").([]interface{}) {
		statuses = append(statuses, int(number(status)))
	}
	return Policy{
		Timeout:          millis(need(node, "timeout_ms")),
		MaxResponseBytes: number(need(node, "max_response_bytes")),
		Idempotent:       idempotent,
		IdempotencyField: fmt.Sprint(need(object(node["idempotency"]), "field")),
		Redirects:        fmt.Sprint(need(node, "redirects")),
		ConsentInterval:  millis(need(consent, "interval_ms")),
		ConsentTimeout:   millis(need(consent, "timeout_ms")),
		Retry: RetryPolicy{
			MaxRetries:     int(number(need(retry, "max_retries"))),
			Statuses:       statuses,
			NotSent:        fmt.Sprint(need(retry, "not_sent")),
			MaybeSent:      fmt.Sprint(need(retry, "maybe_sent")),
			BackoffInitial: millis(need(backoff, "initial_ms")),
			BackoffMax:     millis(need(backoff, "max_ms")),
			Multiplier:     fraction(need(backoff, "multiplier")),
			Jitter:         fmt.Sprint(need(backoff, "jitter")),
			RetryAfterMax:  millis(need(object(retry["retry_after"]), "max_ms")),
		},
	}
}

func need(node map[string]interface{}, key string) interface{} {
	value, ok := node[key]
	if !ok {
		panic("eko: the embedded spec's x-eko-client lacks " + key)
	}
	return value
}

func number(node interface{}) int64 {
	value, err := node.(json.Number).Int64()
	if err != nil {
		panic(fmt.Sprintf("eko: x-eko-client: %v is not an integer", node))
	}
	return value
}

func fraction(node interface{}) float64 {
	value, err := node.(json.Number).Float64()
	if err != nil {
		panic(fmt.Sprintf("eko: x-eko-client: %v is not a number", node))
	}
	return value
}

func millis(node interface{}) time.Duration {
	return time.Duration(number(node)) * time.Millisecond
}

// Wire is the policy in the spec's own shape (x-eko-client without its description and
// idempotency.generated): what the conformance runner's `policy` command prints, so the
// harness can hold every language's defaults against the spec.
func (p Policy) Wire() map[string]interface{} {
	return map[string]interface{}{
		"timeout_ms":         p.Timeout.Milliseconds(),
		"max_response_bytes": p.MaxResponseBytes,
		"retry": map[string]interface{}{
			"max_retries": p.Retry.MaxRetries,
			"statuses":    p.Retry.Statuses,
			"not_sent":    p.Retry.NotSent,
			"maybe_sent":  p.Retry.MaybeSent,
			"backoff": map[string]interface{}{
				"initial_ms": p.Retry.BackoffInitial.Milliseconds(),
				"max_ms":     p.Retry.BackoffMax.Milliseconds(),
				"multiplier": p.Retry.Multiplier,
				"jitter":     p.Retry.Jitter,
			},
			"retry_after": map[string]interface{}{"max_ms": p.Retry.RetryAfterMax.Milliseconds()},
		},
		"idempotency":  map[string]interface{}{"field": p.IdempotencyField},
		"redirects":    p.Redirects,
		"consent_wait": map[string]interface{}{"interval_ms": p.ConsentInterval.Milliseconds(), "timeout_ms": p.ConsentTimeout.Milliseconds()},
	}
}
