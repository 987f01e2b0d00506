package eko

import (
	"errors"
	"testing"
)

// The corpus (tests/vectors/answers.json, run by tests/conformance/go) covers every answer;
// this is the case with no answer at all.
func TestReadAnswerWithoutAnAnswerIsTheTransportError(t *testing.T) {
	refused := errors.New("connection refused")
	if _, err := ReadCreate(nil, nil, refused); err != refused {
		t.Fatalf("got %v, want the transport's error", err)
	}
	if _, err := ReadStatus(nil, nil, nil); err == nil {
		t.Fatal("no answer and no error read as an answer")
	}
}
