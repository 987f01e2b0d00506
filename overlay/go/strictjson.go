package eko

import (
	"encoding/json"
	"errors"
	"fmt"
)

// decodeStrict reads one JSON value as the answer rule reads it (docs/answer-rule.md):
// numbers kept as written (json.Number), a key twice in one object refused (no "last
// wins"), nothing after the value. json.Valid checks the syntax first, so the walk below
// reads text already known to be JSON.
func decodeStrict(body []byte) (interface{}, error) {
	if !json.Valid(body) {
		return nil, errors.New("not valid JSON")
	}
	walk := strictWalk{text: body}
	return walk.value(0)
}

// maxDepth bounds the nesting a hostile answer can make the reader recurse into.
const maxDepth = 64

type strictWalk struct {
	text []byte
	at   int
}

func (w *strictWalk) space() {
	for w.at < len(w.text) {
		switch w.text[w.at] {
		case ' ', '\t', '\n', '\r':
			w.at++
		default:
			return
		}
	}
}

func (w *strictWalk) value(depth int) (interface{}, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	w.space()
	switch w.text[w.at] {
	case '{':
		w.at++
		object := map[string]interface{}{}
		for {
			w.space()
			if w.text[w.at] == '}' {
				w.at++
				return object, nil
			}
			if w.text[w.at] == ',' {
				w.at++
				w.space()
			}
			name, err := w.string()
			if err != nil {
				return nil, err
			}
			if _, seen := object[name]; seen {
				return nil, fmt.Errorf("key %q twice in one object", name)
			}
			w.space()
			w.at++ // ':'
			if object[name], err = w.value(depth + 1); err != nil {
				return nil, err
			}
		}
	case '[':
		w.at++
		array := []interface{}{}
		for {
			w.space()
			if w.text[w.at] == ']' {
				w.at++
				return array, nil
			}
			if w.text[w.at] == ',' {
				w.at++
			}
			item, err := w.value(depth + 1)
			if err != nil {
				return nil, err
			}
			array = append(array, item)
		}
	case '"':
		return w.string()
	case 't':
		w.at += 4
		return true, nil
	case 'f':
		w.at += 5
		return false, nil
	case 'n':
		w.at += 4
		return nil, nil
	}
	start := w.at
	for w.at < len(w.text) && numberByte(w.text[w.at]) {
		w.at++
	}
	return json.Number(w.text[start:w.at]), nil
}

// string reads the string at w.at (escapes through encoding/json, which knows them all).
func (w *strictWalk) string() (string, error) {
	start := w.at
	w.at++
	escaped := false
	for {
		switch w.text[w.at] {
		case '\\':
			escaped = true
			w.at += 2
			continue
		case '"':
			w.at++
			if !escaped {
				return string(w.text[start+1 : w.at-1]), nil
			}
			var text string
			err := json.Unmarshal(w.text[start:w.at], &text)
			return text, err
		}
		w.at++
	}
}

func numberByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E'
}
