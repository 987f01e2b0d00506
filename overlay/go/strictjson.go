package eko

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decodeStrict reads one JSON value as the answer rule reads it (docs/answer-rule.md):
// numbers kept as written (json.Number), a key twice in one object refused (no "last
// wins"), nothing after the value.
func decodeStrict(body []byte) (interface{}, error) {
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	value, err := strictValue(decoder, 0)
	if err != nil {
		return nil, err
	}
	if _, err := decoder.Token(); err != io.EOF {
		return nil, errors.New("more after the JSON value")
	}
	return value, nil
}

// maxDepth bounds the nesting a hostile answer can make the reader recurse into.
const maxDepth = 64

func strictValue(decoder *json.Decoder, depth int) (interface{}, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	token, err := decoder.Token()
	if err != nil {
		return nil, err
	}
	switch token {
	case json.Delim('{'):
		object := map[string]interface{}{}
		for decoder.More() {
			key, err := decoder.Token()
			if err != nil {
				return nil, err
			}
			name := key.(string) // the decoder accepts only a string here
			if _, seen := object[name]; seen {
				return nil, fmt.Errorf("key %q twice in one object", name)
			}
			if object[name], err = strictValue(decoder, depth+1); err != nil {
				return nil, err
			}
		}
		_, err := decoder.Token() // '}'
		return object, err
	case json.Delim('['):
		array := []interface{}{}
		for decoder.More() {
			item, err := strictValue(decoder, depth+1)
			if err != nil {
				return nil, err
			}
			array = append(array, item)
		}
		_, err := decoder.Token() // ']'
		return array, err
	}
	return token, nil
}
