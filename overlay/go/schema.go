package eko

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The spec itself (openapi.json, written beside this file by `make generate` and checked
// by `make check-generated`): a success is held to the same schemas the Python client
// validates it with, for the keywords the spec's answer schemas use.
//
//go:embed openapi.json
var specJSON []byte

// spec is the embedded document, its numbers kept as written (json.Number): a bound of
// 2^63-1 stays exact.
var spec = func() map[string]interface{} {
	decoder := json.NewDecoder(bytes.NewReader(specJSON))
	decoder.UseNumber()
	var document map[string]interface{}
	if err := decoder.Decode(&document); err != nil {
		panic("eko: the embedded openapi.json is not JSON: " + err.Error())
	}
	return document
}()

// operation is what the spec says of one operation, read once.
type operation struct {
	id, method, path string
	params           []parameter // the query's, in the spec's order
	body             interface{} // the request body's schema, or nil
	answer, success  interface{} // the HTTP 200 answer's schema and its x-eko-success-data
	policy           Policy      // the root x-eko-client with the operation's own over it
	// stateFields are the success data's fields typed as a SessionState, in spec order.
	stateFields []string
}

const sessionStateRef = "#/components/schemas/SessionState"

type parameter struct {
	name     string
	required bool
	schema   interface{}
}

var operations = func() map[string]*operation {
	found := map[string]*operation{}
	for path, item := range object(spec["paths"]) {
		for method, node := range object(item) {
			op := object(node)
			id, ok := op["operationId"].(string)
			if !ok {
				continue
			}
			answer := object(resolve(object(op["responses"])["200"]))
			media := object(object(answer["content"])["application/json"])
			entry := &operation{id: id, method: strings.ToUpper(method), path: path,
				answer: media["schema"], success: answer["x-eko-success-data"],
				policy: policyFrom(merged(object(spec["x-eko-client"]), object(op["x-eko-client"])))}
			params, _ := op["parameters"].([]interface{})
			for _, p := range params {
				param := object(resolve(p))
				required, _ := param["required"].(bool)
				entry.params = append(entry.params, parameter{fmt.Sprint(param["name"]), required, param["schema"]})
			}
			entry.stateFields = stateFields(entry.success)
			body := object(object(object(resolve(op["requestBody"]))["content"])["application/json"])
			entry.body = body["schema"]
			found[id] = entry
		}
	}
	return found
}()

// stateFields: the properties of schema typed as a SessionState, in the order the spec
// lists them (the embedded JSON keeps it; a Go map would not).
func stateFields(schema interface{}) []string {
	ref, _ := object(schema)["$ref"].(string)
	properties := object(resolve(schema))["properties"]
	var found []string
	for _, name := range keysInOrder(append(strings.Split(strings.TrimPrefix(ref, "#/"), "/"), "properties")) {
		if object(object(properties)[name])["$ref"] == sessionStateRef {
			found = append(found, name)
		}
	}
	return found
}

// keysInOrder are the keys of the embedded spec's object at path, in the order written.
func keysInOrder(path []string) []string {
	decoder := json.NewDecoder(bytes.NewReader(specJSON))
	var walk func(depth int) []string
	// walk reads one value; at the end of path, it returns the object's keys.
	walk = func(depth int) []string {
		token, err := decoder.Token()
		if err != nil {
			return nil
		}
		switch token {
		case json.Delim('{'):
			var keys, found []string
			for decoder.More() {
				key, _ := decoder.Token()
				keys = append(keys, key.(string))
				if depth < len(path) && key == path[depth] {
					found = walk(depth + 1)
				} else {
					walk(len(path) + 1) // skip it
				}
			}
			decoder.Token() // '}'
			if depth == len(path) {
				return keys
			}
			return found
		case json.Delim('['):
			for decoder.More() {
				walk(len(path) + 1)
			}
			decoder.Token() // ']'
		}
		return nil
	}
	return walk(0)
}

func operationOf(id string) *operation {
	op, ok := operations[id]
	if !ok {
		panic("eko: no operation " + id + " in the spec")
	}
	return op
}

// answerSchemas are an operation's HTTP 200 answer schema and its `x-eko-success-data`.
func answerSchemas(operationID string) (envelope, success interface{}) {
	op := operationOf(operationID)
	return op.answer, op.success
}

func object(node interface{}) map[string]interface{} {
	found, _ := node.(map[string]interface{})
	return found
}

// resolvedRefs are the spec's component schemas by $ref, resolved once.
var resolvedRefs = func() map[string]interface{} {
	found := map[string]interface{}{}
	for name, schema := range object(object(spec["components"])["schemas"]) {
		found["#/components/schemas/"+name] = resolve(schema)
	}
	return found
}()

func resolveRef(ref string) interface{} {
	if found, ok := resolvedRefs[ref]; ok {
		return found
	}
	return resolve(map[string]interface{}{"$ref": ref})
}

// resolve follows local $refs ("#/components/...") to the object they name.
func resolve(node interface{}) interface{} {
	ref, ok := object(node)["$ref"].(string)
	if !ok {
		return node
	}
	target := interface{}(spec)
	for _, name := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		target = object(target)[name]
	}
	return resolve(target)
}

// absoluteURI is RFC 3986's absolute URI (a scheme, ":", then no whitespace), as
// `format: uri` asks.
var absoluteURI = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:\S*$`)

// mismatch says where value (decoded with UseNumber) breaks schema, or "" when it matches.
// It knows the keywords the spec's request and answer schemas use: $ref (with keywords
// beside it), type, enum, format uri, minLength/maxLength, minimum/maximum,
// minItems/maxItems, properties, required, additionalProperties, items.
func mismatch(value interface{}, schema interface{}, where string) string {
	if found := mismatchAt(value, schema); found != "" {
		return where + found
	}
	return ""
}

// mismatchAt says what breaks schema as "<path below value>: why", or "". The path is
// spelled out on the way back from a mismatch only: a match allocates nothing for it.
func mismatchAt(value interface{}, schema interface{}) string {
	rule := object(schema)
	if ref, ok := rule["$ref"].(string); ok {
		if found := mismatchAt(value, resolveRef(ref)); found != "" {
			return found
		}
	}
	if types, ok := rule["type"]; ok && !hasAnyType(value, types) {
		return fmt.Sprintf(": not %s", strings.Join(typesOf(types), " or "))
	}
	if allowed, ok := rule["enum"].([]interface{}); ok && !contains(allowed, value) {
		return ": not one of the spec's values"
	}
	switch typed := value.(type) {
	case string:
		if !utf8.ValidString(typed) {
			return ": not valid UTF-8"
		}
		length := int64(utf8.RuneCountInString(typed))
		if min, ok := bound(rule["minLength"]); ok && length < min {
			return fmt.Sprintf(": shorter than %d characters", min)
		}
		if max, ok := bound(rule["maxLength"]); ok && length > max {
			return fmt.Sprintf(": longer than %d characters", max)
		}
		if rule["format"] == "uri" && !absoluteURI.MatchString(typed) {
			return ": not an absolute URI"
		}
	case json.Number:
		if min, ok := rule["minimum"].(json.Number); ok && compareNumbers(typed, min) < 0 {
			return fmt.Sprintf(": less than %s", min)
		}
		if max, ok := rule["maximum"].(json.Number); ok && compareNumbers(typed, max) > 0 {
			return fmt.Sprintf(": more than %s", max)
		}
	case []interface{}:
		count := int64(len(typed))
		if min, ok := bound(rule["minItems"]); ok && count < min {
			return fmt.Sprintf(": fewer than %d items", min)
		}
		if max, ok := bound(rule["maxItems"]); ok && count > max {
			return fmt.Sprintf(": more than %d items", max)
		}
		if items, ok := rule["items"]; ok {
			for index, item := range typed {
				if found := mismatchAt(item, items); found != "" {
					return fmt.Sprintf("[%d]%s", index, found)
				}
			}
		}
	case map[string]interface{}:
		required, _ := rule["required"].([]interface{})
		for _, name := range required {
			if _, ok := typed[fmt.Sprint(name)]; !ok {
				return fmt.Sprintf(".%v: missing", name)
			}
		}
		// The first field by name that breaks its schema: the same message whatever the
		// map's order.
		first, found := "", ""
		for name, item := range typed {
			sub, own := object(rule["properties"])[name]
			if !own {
				sub = object(rule["additionalProperties"]) // nil (anything) unless a schema
			}
			if sub == nil || (found != "" && name > first) {
				continue
			}
			if problem := mismatchAt(item, sub); problem != "" {
				first, found = name, "."+name+problem
			}
		}
		return found
	}
	return ""
}

// bound is a schema's count keyword (minLength, maxItems...).
func bound(node interface{}) (int64, bool) {
	number, ok := node.(json.Number)
	if !ok {
		return 0, false
	}
	value, err := number.Int64()
	return value, err == nil
}

// compareNumbers orders two JSON numbers exactly (integers past 2^53 included).
func compareNumbers(a, b json.Number) int {
	if x, err := a.Int64(); err == nil {
		if y, err := b.Int64(); err == nil {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	x, okX := new(big.Rat).SetString(string(a))
	y, okY := new(big.Rat).SetString(string(b))
	if !okX || !okY {
		return 0
	}
	return x.Cmp(y)
}

func typesOf(node interface{}) []string {
	switch typed := node.(type) {
	case string:
		return []string{typed}
	case []interface{}:
		types := make([]string, 0, len(typed))
		for _, one := range typed {
			types = append(types, fmt.Sprint(one))
		}
		return types
	}
	return nil
}

// hasAnyType: value has the schema's `type` (a name or a list of names).
func hasAnyType(value interface{}, types interface{}) bool {
	switch typed := types.(type) {
	case string:
		return hasType(value, typed)
	case []interface{}:
		for _, name := range typed {
			if text, ok := name.(string); ok && hasType(value, text) {
				return true
			}
		}
	}
	return false
}

func hasType(value interface{}, name string) bool {
	switch name {
	case "object":
		_, ok := value.(map[string]interface{})
		return ok
	case "array":
		_, ok := value.([]interface{})
		return ok
	case "string":
		_, ok := value.(string)
		return ok
	case "boolean":
		_, ok := value.(bool)
		return ok
	case "null":
		return value == nil
	case "number":
		_, ok := value.(json.Number)
		return ok
	case "integer":
		number, ok := value.(json.Number)
		return ok && isInteger(number)
	}
	return false
}

func contains(allowed []interface{}, value interface{}) bool {
	for _, one := range allowed {
		if one == value {
			return true
		}
	}
	return false
}

// isInteger is the answer rule's integer: a JSON number token with no fraction and no
// exponent (so 1.0 and 1e0 are not integers) that fits in 64 signed bits.
func isInteger(number json.Number) bool {
	if strings.ContainsAny(string(number), ".eE") {
		return false
	}
	_, err := number.Int64()
	return err == nil
}
