package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sync"
)

type corpusCase struct {
	Name       string          `json:"name"`
	Operation  string          `json:"operation"`
	HTTPStatus int             `json:"http_status"`
	Body       json.RawMessage `json:"body"`
	BodyText   *string         `json:"body_text"`
	Expect     struct {
		Outcome string                     `json:"outcome"`
		Code    *int64                     `json:"code"`
		Values  map[string]json.RawMessage `json:"values"`
	} `json:"expect"`
}

// served is the answer the loopback server gives: the case's body exactly as the corpus
// has it (a JSON string stands for a non-JSON body, sent as its text).
type served struct {
	mu     sync.Mutex
	status int
	body   []byte
	json   bool
}

func (s *served) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
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

func (s *served) set(c corpusCase) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = c.HTTPStatus
	var text string
	if c.BodyText != nil {
		s.body, s.json = []byte(*c.BodyText), true
	} else if json.Unmarshal(c.Body, &text) == nil {
		s.body, s.json = []byte(text), false
	} else {
		s.body, s.json = c.Body, true
	}
}

func runCorpus(path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var corpus struct {
		Cases []corpusCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
		return 1
	}
	answers := &served{}
	server := httptest.NewServer(answers)
	defer server.Close()
	c := newClient(server.URL)
	passed := 0
	for _, item := range corpus.Cases {
		answers.set(item)
		got, err := c.call(item.Operation)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", item.Name, err)
			continue
		}
		if problems := compare(item, got); len(problems) > 0 {
			for _, problem := range problems {
				fmt.Printf("FAIL %s: %s\n", item.Name, problem)
			}
			continue
		}
		passed++
	}
	fmt.Printf("conformance go (generated client): %d/%d\n", passed, len(corpus.Cases))
	if passed != len(corpus.Cases) || passed == 0 {
		return 1
	}
	return 0
}

// compare lists how a reading differs from a case's expectation. Each expected value is
// compared with the field the generated model decoded, both as JSON.
func compare(item corpusCase, got reading) []string {
	var problems []string
	if got.Outcome != item.Expect.Outcome {
		problems = append(problems, fmt.Sprintf("outcome %s (%s), want %s", got.Outcome, got.Message, item.Expect.Outcome))
	}
	if !reflect.DeepEqual(got.Code, item.Expect.Code) {
		problems = append(problems, fmt.Sprintf("code %s, want %s", show(got.Code), show(item.Expect.Code)))
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(got.Values, &values); err != nil {
		return append(problems, fmt.Sprintf("values: %v", err))
	}
	for name, want := range item.Expect.Values {
		if !sameJSON(values[name], want) {
			problems = append(problems, fmt.Sprintf("%s = %s, want %s", name, values[name], want))
		}
	}
	return problems
}

func sameJSON(a, b json.RawMessage) bool {
	var left, right interface{}
	decode := func(raw json.RawMessage, into *interface{}) bool {
		decoder := json.NewDecoder(bytes.NewReader(raw))
		decoder.UseNumber() // 3000000001 stays exact
		return decoder.Decode(into) == nil
	}
	return decode(a, &left) && decode(b, &right) && reflect.DeepEqual(left, right)
}

func show(code *int64) string {
	if code == nil {
		return "null"
	}
	return fmt.Sprint(*code)
}
