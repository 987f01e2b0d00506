package eko

import (
	"context"
	"errors"
	"time"
)

// ConsentState is how a wait for consent ended: the spec's session states, plus
// TimedOut, the client's own for a wait that ended before the session did.
type ConsentState string

const (
	Authenticated ConsentState = "AUTHENTICATED"
	ConsentDenied ConsentState = "CONSENT_DENIED"
	Expired       ConsentState = "EXPIRED"
	TimedOut      ConsentState = "TIMED_OUT" // we stopped waiting; the session may still complete
)

// ConsentResult is how a wait ended. Details is the status answer of an authenticated
// session; Err the answer that ended it otherwise (Kind consent_denied or expired), or
// the last pending answer of a wait that timed out.
type ConsentResult struct {
	State   ConsentState
	Details *VerificationStatus
	Err     *APIError
}

// Authenticated: the customer consented.
func (r ConsentResult) Authenticated() bool { return r.State == Authenticated }

// WaitOptions: zero values take the spec's consent_wait policy.
type WaitOptions struct {
	Interval time.Duration
	// Timeout: how long to wait in all; the context's deadline, if earlier, ends it too.
	Timeout time.Duration
}

// minPollDeadline: the least a poll gets, so a nearly spent wait still polls once.
const minPollDeadline = time.Second

// WaitForConsent polls the status until the session is authenticated, denied or expired,
// or the wait's time is up (a TimedOut result, not an error). Answers that waiting cannot
// change (authentication, invalid input, unknown reference...) are returned as errors.
func (c *Client) WaitForConsent(ctx context.Context, referenceID int64, wait WaitOptions, options ...CallOption) (*ConsentResult, error) {
	op := operationOf("getDigilockerVerificationStatus")
	policy := c.policy(op)
	if wait.Interval <= 0 {
		wait.Interval = policy.ConsentInterval
	}
	if wait.Timeout <= 0 {
		wait.Timeout = policy.ConsentTimeout
	}
	r, err := c.statusRequest(op, "WaitForConsent", referenceID, c.fields(options))
	if err != nil {
		return nil, err
	}
	until := time.Now().Add(wait.Timeout)
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(until) {
		until = deadline
	}
	var last *APIError
	for {
		pollUntil := until
		if floor := time.Now().Add(minPollDeadline); floor.After(pollUntil) {
			pollUntil = floor
		}
		poll, cancel := context.WithDeadline(ctx, pollUntil)
		status, err := c.status(poll, r)
		cancel()
		var timeout *TimeoutError
		var answer *APIError
		switch {
		case err == nil:
			return &ConsentResult{State: Authenticated, Details: status}, nil
		case errors.As(err, &timeout) && !time.Now().Before(until):
			return &ConsentResult{State: TimedOut, Err: last}, nil
		case !errors.As(err, &answer):
			return nil, err
		case answer.Kind == KindConsentDenied:
			return &ConsentResult{State: ConsentDenied, Err: answer}, nil
		case answer.Kind == KindExpired:
			return &ConsentResult{State: Expired, Err: answer}, nil
		case final(answer):
			return nil, answer
		}
		last = answer
		remaining := time.Until(until)
		if remaining <= 0 {
			return &ConsentResult{State: TimedOut, Err: last}, nil
		}
		pause := wait.Interval
		if remaining < pause {
			pause = remaining
		}
		if !sleep(ctx, pause, time.Time{}) {
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil, &ConnectionError{"WaitForConsent", 0, ctx.Err()}
			}
			return &ConsentResult{State: TimedOut, Err: last}, nil
		}
	}
}

// final: polling again cannot change this answer (bad credentials, input, reference or
// set-up); a pending or an unrecognised answer might.
func final(err *APIError) bool {
	switch err.Kind {
	case KindAuthentication, KindInvalidParams, KindNotFound:
		return true
	}
	meaning, known := ekoCodes[codeOrZero(err.Code)]
	return known && meaning.final
}
