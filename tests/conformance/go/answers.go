package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// answerCase is one case of tests/vectors/answers.json: the answer as `body` (JSON; a
// JSON string stands for a non-JSON body, sent as its text) or `body_text` (the exact
// bytes, as a UTF-8 string).
type answerCase struct {
	Name       string          `json:"name"`
	Operation  string          `json:"operation"`
	HTTPStatus int             `json:"http_status"`
	Body       json.RawMessage `json:"body"`
	BodyText   *string         `json:"body_text"`
}

// exactAnswer serves one answer, byte for byte.
type exactAnswer struct {
	mu     sync.Mutex
	status int
	body   []byte
	json   bool
}

func (s *exactAnswer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.json {
		w.Header().Set("content-type", "application/json")
	} else {
		w.Header().Set("content-type", "text/html; charset=utf-8")
	}
	w.WriteHeader(s.status)
	w.Write(s.body)
}

func (s *exactAnswer) set(c answerCase) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = c.HTTPStatus
	var text string
	switch {
	case c.BodyText != nil:
		s.body, s.json = []byte(*c.BodyText), true
	case json.Unmarshal(c.Body, &text) == nil:
		s.body, s.json = []byte(text), false
	default:
		s.body, s.json = c.Body, true
	}
}

// runAnswers reads every corpus answer through the SDK's calls (one attempt each) and
// prints one line per case.
func runAnswers(path string) int {
	var corpus struct {
		Cases []answerCase `json:"cases"`
	}
	if err := readJSON(path, &corpus); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	answer := &exactAnswer{}
	server := httptest.NewServer(answer)
	defer server.Close()
	client, err := eko.New(eko.Options{BaseURL: server.URL, Keys: uatKeys, InitiatorID: initiator,
		UserCode: userCode, MaxRetries: eko.NoRetries})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	for _, item := range corpus.Cases {
		answer.set(item)
		var result interface{}
		switch item.Operation {
		case "createDigilockerUrl":
			result, err = client.CreateDigilockerURL(ctx, eko.CreateInput{RedirectURL: redirectURL})
		case "getDigilockerVerificationStatus":
			result, err = client.GetVerificationStatus(ctx, 1)
		case "getDigilockerDocument":
			result, err = client.GetDocument(ctx, 1, "VER-1", eko.WithDocumentTypes("AADHAAR"))
		default:
			fmt.Fprintf(os.Stderr, "%s: unknown operation %q\n", item.Name, item.Operation)
			return 1
		}
		outcome, code, _ := outcomeOf(err)
		values := json.RawMessage("{}")
		if err == nil {
			values = valuesOf(result)
		}
		emit(line{Name: item.Name, Outcome: outcome, Code: code, Values: values})
	}
	return 0
}

func readJSON(path string, into interface{}) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}
