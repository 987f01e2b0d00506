package eko

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

func testClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(Options{BaseURL: base, Keys: Keys{"dev", "access"}, InitiatorID: "9962981729", Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorder answers with answer(n) for the n-th request (from 1) and keeps every request.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
	answer   func(n int, w http.ResponseWriter)
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, req)
	r.bodies = append(r.bodies, string(body))
	n := len(r.requests)
	r.mu.Unlock()
	r.answer(n, w)
}

func serve(t *testing.T, answer func(n int, w http.ResponseWriter)) (*recorder, string) {
	r := &recorder{answer: answer}
	server := httptest.NewServer(r)
	t.Cleanup(server.Close)
	return r, server.URL
}

func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

const created = `{"status":0,"message":"ok","response_status_id":0,"data":{"reference_id":9223372036854775807,"url":"https://digilocker.example/x","document_requested":["AADHAAR"]}}`

func TestNewTakesTheEnvironmentAndTheSpecsServers(t *testing.T) {
	env := map[string]string{"EKO_DEVELOPER_KEY": "dev", "EKO_ACCESS_KEY": "access", "EKO_INITIATOR_ID": "1", "EKO_USER_CODE": "20810200"}
	c, err := New(Options{Environment: "production", Getenv: func(name string) string { return env[name] }})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != environments()["production"] || c.userCode != "20810200" || c.keys.AccessKey != "access" {
		t.Fatalf("got %q %q", c.baseURL, c.userCode)
	}
	env["EKO_BASE_URL"] = "http://127.0.0.1:8080/"
	if c, _ = New(Options{Getenv: func(name string) string { return env[name] }}); c.baseURL != "http://127.0.0.1:8080" {
		t.Fatalf("EKO_BASE_URL not used: %q", c.baseURL)
	}
	var config *ConfigurationError
	for _, options := range []Options{
		{Getenv: noEnv},
		{BaseURL: "http://x", Environment: "uat", Keys: Keys{"d", "a"}, InitiatorID: "1", Getenv: noEnv},
		{Environment: "nowhere", Keys: Keys{"d", "a"}, InitiatorID: "1", Getenv: noEnv},
		{BaseURL: "ftp://x", Keys: Keys{"d", "a"}, InitiatorID: "1", Getenv: noEnv},
		{BaseURL: "http://x", Keys: Keys{"d\n", "a"}, InitiatorID: "1", Getenv: noEnv},
	} {
		if _, err := New(options); !errors.As(err, &config) {
			t.Errorf("%+v: got %v, want a *ConfigurationError", options, err)
		}
	}
	if _, err := New(Options{Getenv: noEnv}); !strings.Contains(fmt.Sprint(err), "EKO_ACCESS_KEY") || !strings.Contains(fmt.Sprint(err), "EKO_INITIATOR_ID") {
		t.Errorf("the error should name every missing setting: %v", err)
	}
}

func TestInvalidInputSendsNothing(t *testing.T) {
	r, base := serve(t, func(int, http.ResponseWriter) {})
	c := testClient(t, base)
	ctx := context.Background()
	var invalid *ValidationError
	for name, call := range map[string]func() error{
		"redirect URL not a URL": func() error {
			_, err := c.CreateDigilockerURL(ctx, CreateInput{RedirectURL: "notaurl"})
			return err
		},
		"unknown document": func() error {
			_, err := c.CreateDigilockerURL(ctx, CreateInput{RedirectURL: "https://a.example/", DocumentRequested: []string{"PASSPORT"}})
			return err
		},
		"no documents": func() error {
			_, err := c.CreateDigilockerURL(ctx, CreateInput{RedirectURL: "https://a.example/", DocumentRequested: []string{}})
			return err
		},
		"client_ref_id of 21": func() error {
			_, err := c.GetVerificationStatus(ctx, 1, WithClientRefID(strings.Repeat("x", 21)))
			return err
		},
		"reference_id 0": func() error { _, err := c.GetVerificationStatus(ctx, 0); return err },
		"reference_id -5": func() error {
			_, err := c.GetDocument(ctx, -5, "VER-1", WithDocumentTypes("AADHAAR"))
			return err
		},
		"empty verification_id": func() error {
			_, err := c.GetDocument(ctx, 5, "", WithDocumentTypes("AADHAAR"))
			return err
		},
		"not UTF-8": func() error {
			_, err := c.CreateDigilockerURL(ctx, CreateInput{RedirectURL: "https://a.example/", UserCode: "\xff"})
			return err
		},
	} {
		if err := call(); !errors.As(err, &invalid) {
			t.Errorf("%s: got %v, want a *ValidationError", name, err)
		}
	}
	if len(r.requests) != 0 {
		t.Fatalf("%d requests sent for invalid input", len(r.requests))
	}
}

func TestRetriesSendTheSameBodyAndClientRefIDSignedAnew(t *testing.T) {
	r, base := serve(t, func(n int, w http.ResponseWriter) {
		if n < 3 {
			w.Header().Set("Retry-After", "0")
			jsonAnswer(w, 503, `busy`)
			return
		}
		jsonAnswer(w, 200, created)
	})
	s, err := testClient(t, base).CreateDigilockerURL(context.Background(), CreateInput{RedirectURL: "https://a.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	if s.ReferenceID != 9223372036854775807 || len(s.ClientRefID) != 20 {
		t.Fatalf("got %+v", s)
	}
	if len(r.bodies) != 3 || r.bodies[0] != r.bodies[1] || r.bodies[1] != r.bodies[2] || !strings.Contains(r.bodies[0], s.ClientRefID) {
		t.Fatalf("bodies differ or lack the client_ref_id: %q", r.bodies)
	}
	for i := 1; i < 3; i++ {
		if r.requests[i].Header.Get("secret-key-timestamp") <= r.requests[i-1].Header.Get("secret-key-timestamp") {
			t.Fatalf("attempt %d was not signed later", i+1)
		}
	}
	agent := r.requests[0].Header.Get("User-Agent")
	if !strings.HasPrefix(agent, "eko-digilocker-go/") || !strings.Contains(agent, "go1.") {
		t.Fatalf("User-Agent %q names neither the SDK nor Go", agent)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere, target := serve(t, func(_ int, w http.ResponseWriter) { jsonAnswer(w, 200, created) })
	_, base := serve(t, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Location", target+"/tools/kyc/digilocker")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	_, err := testClient(t, base).CreateDigilockerURL(context.Background(), CreateInput{RedirectURL: "https://a.example/cb"})
	var response *ResponseError
	if !errors.As(err, &response) || response.HTTPStatus != http.StatusTemporaryRedirect {
		t.Fatalf("got %v, want a *ResponseError with HTTP 307", err)
	}
	if len(elsewhere.requests) != 0 {
		t.Fatal("the redirect was followed: the signed request reached another server")
	}
	if testClient(t, base).http.Transport.(*http.Transport).Proxy == nil {
		t.Fatal("proxies from the environment are not used")
	}
}

func TestSessionEndingsAreTyped(t *testing.T) {
	for state, kind := range map[string]Kind{"CONSENT_DENIED": KindConsentDenied, "EXPIRED": KindExpired, "PENDING": KindPending} {
		_, base := serve(t, func(_ int, w http.ResponseWriter) {
			jsonAnswer(w, 200, `{"status":1,"message":"ended","response_status_id":1,"data":{"session_status":"`+state+`"}}`)
		})
		c := testClient(t, base)
		_, err := c.GetVerificationStatus(context.Background(), 5)
		var api *APIError
		if !errors.As(err, &api) || api.Kind != kind {
			t.Fatalf("%s: got %v, want an *APIError of kind %q", state, err, kind)
		}
		if kind == KindPending {
			continue
		}
		done, err := c.WaitForConsent(context.Background(), 5, WaitOptions{})
		if err != nil || string(done.State) != state || done.Err.Kind != kind {
			t.Fatalf("%s: WaitForConsent gave %+v, %v", state, done, err)
		}
	}
	_, base := serve(t, func(_ int, w http.ResponseWriter) {
		jsonAnswer(w, 200, `{"status":1,"message":"Invalid reference_id","response_status_id":-1,"data":{}}`)
	})
	var api *APIError
	if _, err := testClient(t, base).WaitForConsent(context.Background(), 5, WaitOptions{}); !errors.As(err, &api) || api.Kind != KindNotFound {
		t.Fatalf("an unknown reference should end the wait with a not_found error: %v", err)
	}
}

func TestTheAnswerRuleIsClosed(t *testing.T) {
	for name, body := range map[string]string{
		"status 0.0":               `{"status":0.0,"message":"ok","data":{"reference_id":1,"url":"https://x.example/"}}`,
		"status 0e0":               `{"status":0e0,"message":"ok","data":{"reference_id":1,"url":"https://x.example/"}}`,
		"duplicate status":         `{"status":1,"status":0,"message":"ok","data":{"reference_id":1,"url":"https://x.example/"}}`,
		"duplicate in data":        `{"status":0,"message":"ok","data":{"reference_id":1,"reference_id":2,"url":"https://x.example/"}}`,
		"reference_id 1.0":         `{"status":0,"message":"ok","data":{"reference_id":1.0,"url":"https://x.example/"}}`,
		"reference_id past 2^63-1": `{"status":0,"message":"ok","data":{"reference_id":9223372036854775808,"url":"https://x.example/"}}`,
	} {
		_, base := serve(t, func(_ int, w http.ResponseWriter) { jsonAnswer(w, 200, body) })
		_, err := testClient(t, base).CreateDigilockerURL(context.Background(), CreateInput{RedirectURL: "https://a.example/cb"})
		var response *ResponseError
		if !errors.As(err, &response) || response.HTTPStatus != 200 || response.TooLarge {
			t.Errorf("%s: got %v, want a malformed answer (*ResponseError)", name, err)
		}
	}
}

func TestConcurrentCallsShareOneClient(t *testing.T) {
	var stamps sync.Map
	var duplicates atomic.Int32
	_, base := serve(t, func(_ int, w http.ResponseWriter) { jsonAnswer(w, 200, created) })
	c := testClient(t, base)
	c.http.Transport = stampCheck{c.http.Transport, &stamps, &duplicates}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := c.CreateDigilockerURL(context.Background(), CreateInput{RedirectURL: "https://a.example/cb"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if duplicates.Load() != 0 {
		t.Fatalf("%d requests shared a timestamp or client_ref_id", duplicates.Load())
	}
}

// stampCheck counts requests whose timestamp or client_ref_id another request had.
type stampCheck struct {
	next       http.RoundTripper
	seen       *sync.Map
	duplicates *atomic.Int32
}

func (s stampCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	for _, key := range []string{"t" + req.Header["secret-key-timestamp"][0], "b" + string(body)} {
		if _, loaded := s.seen.LoadOrStore(key, true); loaded {
			s.duplicates.Add(1)
		}
	}
	return s.next.RoundTrip(req)
}

func TestParseRedirect(t *testing.T) {
	approved, err := ParseRedirect(&url.URL{RawQuery: "reference_id=3000000001&verification_id=VER-1"})
	if err != nil || !approved.Approved() || approved.ReferenceID != 3000000001 {
		t.Fatalf("got %+v, %v", approved, err)
	}
	denied, err := ParseRedirectString("https://yourapp.com/kyc/callback?reference_id=5&status=consent_denied")
	if err != nil || !denied.Denied || denied.Approved() {
		t.Fatalf("got %+v, %v", denied, err)
	}
	var invalid *ValidationError
	for _, query := range []string{"reference_id=abc&verification_id=V", "reference_id=9223372036854775808&verification_id=V",
		"reference_id=0&verification_id=V", "verification_id=%20", "verification_id=a&verification_id=b", "verification_id=%ff",
		"verification_id=V&x=" + strings.Repeat("a", MaxRedirectLength)} {
		if _, err := ParseRedirectString(query); !errors.As(err, &invalid) {
			t.Errorf("%.60s: got %v, want a *ValidationError", query, err)
		}
	}
}

func TestParseRedirectReadsQueriesAsBrowsersSendThem(t *testing.T) {
	back, err := ParseRedirectString("https://yourapp.com/cb?verification_id=V%2B1+x;y%zz&reference_id=7#frag?reference_id=8")
	if err != nil || back.VerificationID != "V+1 x;y%zz" || back.ReferenceID != 7 {
		t.Fatalf("got %+v, %v", back, err)
	}
}

func TestRetryWaitsFollowThePolicy(t *testing.T) {
	p := DefaultPolicy().Retry
	for attempt := 0; attempt < 6; attempt++ {
		ceiling := p.BackoffInitial << attempt
		if ceiling > p.BackoffMax {
			ceiling = p.BackoffMax
		}
		for i := 0; i < 200; i++ {
			if wait := p.delay(attempt, ""); wait < 0 || wait > ceiling {
				t.Fatalf("attempt %d: waited %v, outside [0, %v]", attempt, wait, ceiling)
			}
		}
	}
	if wait := p.delay(0, "3"); wait != 3*time.Second {
		t.Fatalf("Retry-After 3: %v", wait)
	}
	for _, ignored := range []string{"-1", "61", "soon", "NaN"} {
		if wait := p.delay(0, ignored); wait > p.BackoffInitial {
			t.Fatalf("Retry-After %q was honoured: %v", ignored, wait)
		}
	}
	date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	if wait := p.delay(0, date); wait <= 0 || wait > 2*time.Second {
		t.Fatalf("Retry-After %q: %v", date, wait)
	}
}

func TestAnEmptyClientRefIDGivenIsRefusedNotReplaced(t *testing.T) {
	r, base := serve(t, func(int, http.ResponseWriter) {})
	c := testClient(t, base)
	var invalid *ValidationError
	if _, err := c.CreateDigilockerURL(context.Background(), CreateInput{RedirectURL: "https://a.example/"}, WithClientRefID("")); !errors.As(err, &invalid) {
		t.Fatalf("create: %v", err)
	}
	if _, err := c.GetVerificationStatus(context.Background(), 5, WithClientRefID("")); !errors.As(err, &invalid) {
		t.Fatalf("status: %v", err)
	}
	if len(r.requests) != 0 {
		t.Fatal("sent")
	}
}
