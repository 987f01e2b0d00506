package eko

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// NoRetries as Options.MaxRetries: every call makes one attempt.
const NoRetries = -1

// Options configure a Client. Zero values take the spec's policy (x-eko-client) or the
// EKO_* environment variables.
type Options struct {
	// BaseURL (e.g. a local sandbox's http://127.0.0.1:8080) or Environment ("uat",
	// "production", "production-25002": the spec's servers), not both. Neither: EKO_BASE_URL,
	// else EKO_ENVIRONMENT, else "uat".
	BaseURL     string
	Environment string
	// Keys: else EKO_DEVELOPER_KEY and EKO_ACCESS_KEY.
	Keys Keys
	// InitiatorID (else EKO_INITIATOR_ID) is required; UserCode (else EKO_USER_CODE) is sent
	// when set.
	InitiatorID, UserCode string
	// Timeout is a call's whole deadline when its context has none.
	Timeout time.Duration
	// MaxRetries: 0 takes the policy's, NoRetries makes one attempt.
	MaxRetries int
	// MaxResponseBytes bounds one answer, counted after decompression.
	MaxResponseBytes int64
	// HTTPClient sends the requests; nil: a client of its own with proxies from the
	// environment (HTTPS_PROXY...). Its redirects are never followed either way.
	HTTPClient *http.Client
	// Getenv reads the environment; nil: os.Getenv.
	Getenv func(string) string
}

// Client calls Eko's DigiLocker API. It is safe for concurrent use by many goroutines.
type Client struct {
	baseURL     string
	keys        Keys
	initiatorID string
	userCode    string
	timeout     time.Duration
	maxRetries  int
	maxBytes    int64
	http        *http.Client
	userAgent   string
	stamps      stamper
}

// New checks the options and makes a Client; a *ConfigurationError says what is missing
// or wrong, all of it at once.
func New(options Options) (*Client, error) {
	getenv := options.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	pick := func(given, variable string) string {
		if given != "" {
			return given
		}
		return getenv(variable)
	}
	keys := Keys{pick(options.Keys.DeveloperKey, "EKO_DEVELOPER_KEY"), pick(options.Keys.AccessKey, "EKO_ACCESS_KEY")}
	initiator := pick(options.InitiatorID, "EKO_INITIATOR_ID")
	var missing []string
	for _, need := range []struct{ value, name string }{
		{keys.DeveloperKey, "Keys.DeveloperKey (or EKO_DEVELOPER_KEY)"},
		{keys.AccessKey, "Keys.AccessKey (or EKO_ACCESS_KEY)"},
		{initiator, "InitiatorID (or EKO_INITIATOR_ID)"},
	} {
		if need.value == "" {
			missing = append(missing, need.name)
		}
	}
	if len(missing) > 0 {
		return nil, &ConfigurationError{"missing settings: " + strings.Join(missing, ", ")}
	}
	for name, key := range map[string]string{"developer key": keys.DeveloperKey, "access key": keys.AccessKey} {
		for i, char := range key {
			if char <= ' ' || char >= 0x7f {
				return nil, &ConfigurationError{fmt.Sprintf("the %s must be visible ASCII characters; character %d is not (the key is not shown)", name, i+1)}
			}
		}
	}
	base, err := baseURL(options.BaseURL, options.Environment, getenv)
	if err != nil {
		return nil, err
	}
	if options.MaxRetries < NoRetries || options.Timeout < 0 || options.MaxResponseBytes < 0 {
		return nil, &ConfigurationError{"MaxRetries, Timeout and MaxResponseBytes must not be negative (MaxRetries: NoRetries for none)"}
	}
	return &Client{
		baseURL: base, keys: keys, initiatorID: initiator, userCode: pick(options.UserCode, "EKO_USER_CODE"),
		timeout: options.Timeout, maxRetries: options.MaxRetries, maxBytes: options.MaxResponseBytes,
		http:      noRedirects(options.HTTPClient),
		userAgent: fmt.Sprintf("eko-digilocker-go/%v (%s)", spec["info"].(map[string]interface{})["version"], runtime.Version()),
	}, nil
}

// noRedirects is the client to send with: a 3xx is an answer, so the signing headers never
// reach another host (x-eko-client `redirects: never_follow`).
func noRedirects(given *http.Client) *http.Client {
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if given != nil {
		copied := *given
		client = &copied
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return client
}

// environments are the spec's servers that name an `x-eko-environment`.
func environments() map[string]string {
	found := map[string]string{}
	for _, server := range spec["servers"].([]interface{}) {
		if name, ok := object(server)["x-eko-environment"].(string); ok {
			found[name] = fmt.Sprint(object(server)["url"])
		}
	}
	return found
}

func baseURL(given, environment string, getenv func(string) string) (string, error) {
	if given != "" && environment != "" {
		return "", &ConfigurationError{"give BaseURL or Environment, not both"}
	}
	if environment == "" && given == "" {
		given = getenv("EKO_BASE_URL")
	}
	if given != "" {
		parsed, err := url.Parse(given)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return "", &ConfigurationError{fmt.Sprintf("base URL %q must be an http:// or https:// URL with a host", given)}
		}
		return strings.TrimRight(given, "/"), nil
	}
	if environment == "" {
		environment = getenv("EKO_ENVIRONMENT")
	}
	if environment == "" {
		environment = "uat"
	}
	known := environments()
	found, ok := known[strings.ToLower(environment)]
	if !ok {
		names := make([]string, 0, len(known))
		for name := range known {
			names = append(names, name)
		}
		return "", &ConfigurationError{fmt.Sprintf("unknown environment %q: use one of %s, or BaseURL", environment, strings.Join(names, ", "))}
	}
	return found, nil
}

// --- one call: its deadline, attempts, retries and reading ------------------------------

// request is one prepared call: validated, its bytes fixed for every attempt.
type request struct {
	op         *operation
	name       string // the public method, as errors name it
	target     string
	body       []byte
	idempotent bool
}

// policy is the operation's policy with the client's options over it.
func (c *Client) policy(op *operation) Policy {
	p := op.policy
	if c.timeout > 0 {
		p.Timeout = c.timeout
	}
	if c.maxRetries == NoRetries {
		p.Retry.MaxRetries = 0
	} else if c.maxRetries > 0 {
		p.Retry.MaxRetries = c.maxRetries
	}
	if c.maxBytes > 0 {
		p.MaxResponseBytes = c.maxBytes
	}
	return p
}

// withDeadline is ctx with the call's deadline: ctx's own, else the policy's timeout.
func withDeadline(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, timeout)
}

// do sends r until an answer is final, the retries are spent or the deadline passes, each
// attempt signed afresh; it returns the answer's status and decoded body.
func (c *Client) do(ctx context.Context, r request) (int, []byte, error) {
	p := c.policy(r.op)
	deadline, _ := ctx.Deadline()
	for attempt := 0; ; attempt++ {
		timestamp, wait := c.stamps.next()
		if wait > 0 && !sleep(ctx, wait, deadline) {
			return 0, nil, c.stopped(ctx, r, attempt, "waiting for the clock")
		}
		req, err := http.NewRequestWithContext(ctx, r.op.method, r.target, bytes.NewReader(r.body))
		if err != nil {
			return 0, nil, &ConnectionError{r.name, attempt, err}
		}
		c.sign(req.Header, timestamp)
		resp, err := c.http.Do(req)
		var delay time.Duration
		if err == nil {
			if attempt < p.Retry.MaxRetries && r.idempotent && retried(p.Retry.Statuses, resp.StatusCode) {
				delay = p.Retry.delay(attempt, resp.Header.Get("Retry-After"))
				if fits(delay, deadline) {
					resp.Body.Close()
					if !sleep(ctx, delay, deadline) {
						return 0, nil, c.stopped(ctx, r, attempt+1, "waiting to retry")
					}
					continue
				}
			}
			body, readErr := readBody(resp, p.MaxResponseBytes)
			switch {
			case readErr == nil:
				return resp.StatusCode, body, nil
			case readErr == errTooLarge:
				return 0, nil, &ResponseError{Operation: r.name, HTTPStatus: resp.StatusCode, TooLarge: true,
					Reason: fmt.Sprintf("the answer is larger than MaxResponseBytes (%d bytes decoded); reading stopped there", p.MaxResponseBytes)}
			}
			var decoding decodeError
			if errors.As(readErr, &decoding) {
				return 0, nil, &ResponseError{Operation: r.name, HTTPStatus: resp.StatusCode, Reason: decoding.reason}
			}
			err = readErr // the connection failed mid-body: the request was sent
		}
		if ctx.Err() != nil {
			return 0, nil, c.stopped(ctx, r, attempt+1, "before a complete answer came")
		}
		notSent := unsent(err)
		if attempt < p.Retry.MaxRetries && (notSent && p.Retry.NotSent == "all" || r.idempotent && p.Retry.MaybeSent == "idempotent") {
			delay = p.Retry.delay(attempt, "")
			if fits(delay, deadline) {
				if !sleep(ctx, delay, deadline) {
					return 0, nil, c.stopped(ctx, r, attempt+1, "waiting to retry")
				}
				continue
			}
		}
		return 0, nil, &ConnectionError{r.name, attempt + 1, err}
	}
}

// stopped is the error for a call whose context ended: a deadline or a cancellation.
func (c *Client) stopped(ctx context.Context, r request, attempts int, doing string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &ConnectionError{r.name, attempts, ctx.Err()}
	}
	return &TimeoutError{r.name, attempts, doing}
}

func (c *Client) sign(header http.Header, timestamp int64) {
	stamp := strconv.FormatInt(timestamp, 10)
	header["developer_key"] = []string{c.keys.DeveloperKey}
	header["secret-key-timestamp"] = []string{stamp}
	header["secret-key"] = []string{SignSecretKey(c.keys.AccessKey, stamp)}
	header["Content-Type"] = []string{"application/json"}
	header["Accept"] = []string{"application/json"}
	header["Accept-Encoding"] = []string{acceptEncoding}
	header["User-Agent"] = []string{c.userAgent}
}

func retried(statuses []int, status int) bool {
	for _, one := range statuses {
		if one == status {
			return true
		}
	}
	return false
}

// unsent: the failure came before any byte of the request left (no connection was made).
func unsent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect")
}

// delay is the wait before retry attempt+1: Retry-After when it is readable and within
// RetryAfterMax, else full-jitter exponential backoff.
func (r RetryPolicy) delay(attempt int, retryAfter string) time.Duration {
	if wait, ok := parseRetryAfter(retryAfter); ok && wait >= 0 && wait <= r.RetryAfterMax {
		return wait
	}
	ceiling := math.Min(float64(r.BackoffMax), float64(r.BackoffInitial)*math.Pow(r.Multiplier, float64(attempt)))
	return time.Duration(jitter() * ceiling)
}

// jitter is uniform in [0, 1), from a source seeded per process: before Go 1.20 the
// global math/rand source starts from the same seed in every process, which would give
// every client the same "random" waits and defeat the jitter.
var jitter = func() func() float64 {
	var seed [8]byte
	if _, err := crand.Read(seed[:]); err != nil {
		panic("eko: no randomness for retry jitter: " + err.Error())
	}
	source := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:]))))
	var mu sync.Mutex
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return source.Float64()
	}
}()

func parseRetryAfter(value string) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseFloat(value, 64); err == nil && !math.IsNaN(seconds) && !math.IsInf(seconds, 0) {
		if seconds > float64(math.MaxInt64/int64(time.Second)) {
			return math.MaxInt64, true
		}
		return time.Duration(seconds * float64(time.Second)), true
	}
	if when, err := http.ParseTime(value); err == nil {
		wait := time.Until(when)
		if wait < 0 {
			wait = 0
		}
		return wait, true
	}
	return 0, false
}

// fits: a wait of d ends before the deadline.
func fits(d time.Duration, deadline time.Time) bool {
	return deadline.IsZero() || time.Now().Add(d).Before(deadline)
}

// sleep waits d unless ctx ends first; false when it did.
func sleep(ctx context.Context, d time.Duration, deadline time.Time) bool {
	if !fits(d, deadline) {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// --- timestamps and client_ref_id -------------------------------------------------------

// maxAheadMS: how far the stamps may run ahead of the clock to stay unique (more than
// 1,000 requests a second) before a request waits for the clock; far inside Eko's window.
const maxAheadMS = 30_000

// stamper hands out strictly increasing millisecond timestamps that follow the clock, so
// no two requests carry the same signature (a retry is always signed later).
type stamper struct {
	mu         sync.Mutex
	last, seen int64
}

func (s *stamper) next() (int64, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UnixMilli()
	stamp := s.last + 1
	if stamp <= now || (stamp-now > maxAheadMS && now < s.seen) {
		stamp = now // the clock moved on, or was stepped back: follow it
	}
	s.last, s.seen = stamp, now
	ahead := stamp - now - maxAheadMS
	if ahead < 0 {
		ahead = 0
	}
	return stamp, time.Duration(ahead) * time.Millisecond
}

var (
	processTag = func() string {
		var tag [3]byte
		if _, err := crand.Read(tag[:]); err != nil {
			panic("eko: no randomness for client_ref_id: " + err.Error())
		}
		return hex.EncodeToString(tag[:])
	}()
	sequence atomic.Uint64
)

// NewClientRefID is a fresh client_ref_id (20 characters: 11 hex digits of the millisecond
// clock, 3 of a per-process counter, 6 random to this process), unique within a process
// and, with the random part, across processes.
func NewClientRefID() string {
	return fmt.Sprintf("%011x%03x%s", time.Now().UnixMilli(), sequence.Add(1)&0xfff, processTag)
}

// --- reading an answer into a result or a typed error ----------------------------------

// read applies the answer rule; on a success it decodes `data` into the generated model.
func read[E any](r request, status int, body []byte, into *E) error {
	found := judge(r.op.id, status, body)
	switch found.outcome {
	case Success:
		if err := json.Unmarshal(body, into); err != nil {
			return &ResponseError{Operation: r.name, HTTPStatus: status, Body: excerpt(body),
				Reason: "a success the generated client cannot decode: " + err.Error()}
		}
		return nil
	case Malformed:
		return &ResponseError{Operation: r.name, HTTPStatus: status, Reason: found.message, Body: excerpt(body)}
	case HTTPError:
		if status == http.StatusForbidden {
			return apiError(r, status, body, found, KindAuthentication)
		}
		return &ResponseError{Operation: r.name, HTTPStatus: status, Body: excerpt(body),
			Reason: fmt.Sprintf("HTTP %d, which the spec does not list as an answer for this call", status)}
	}
	return apiError(r, status, body, found, kindOf(found))
}

// unknownReference: eps.eko.in answers an unknown or expired reference as it answers a
// pending session; its message is the only tell (api-specs.ts names both wordings).
var unknownReference = map[string]bool{"invalid reference_id": true, "invalid or expired reference_id": true}

// kindOf: the session's ending first (its state in data), then the code, the
// unknown-reference message, invalid_params, a pending state.
func kindOf(found verdict) Kind {
	switch {
	case found.state == "CONSENT_DENIED":
		return KindConsentDenied
	case found.state == "EXPIRED":
		return KindExpired
	}
	if meaning, ok := ekoCodes[codeOrZero(found.code)]; ok {
		return meaning.kind
	}
	switch {
	case unknownReference[strings.ToLower(strings.TrimRight(strings.TrimSpace(found.message), "."))]:
		return KindNotFound
	case len(found.invalidParams) > 0:
		return KindInvalidParams
	case found.outcome == Pending:
		return KindPending
	}
	return KindOther
}

func apiError(r request, status int, body []byte, found verdict, kind Kind) *APIError {
	var data json.RawMessage
	if value, ok := found.envelope["data"]; ok {
		data, _ = json.Marshal(value)
	}
	message := found.message
	if message == "" {
		message = "Eko returned an error"
	}
	return &APIError{Operation: r.name, Kind: kind, HTTPStatus: status, Code: found.code,
		Message: message, InvalidParams: found.invalidParams, Data: data, Body: excerpt(body)}
}
