package eko

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// The spec itself (openapi.json, written beside this file by `make generate` and checked
// by `make check-generated`): a success is held to the same schemas the Python client
// validates it with, for the keywords the spec's answer schemas use.
//
//go:embed openapi.json
var specJSON []byte

var spec = func() map[string]interface{} {
	var document map[string]interface{}
	if err := json.Unmarshal(specJSON, &document); err != nil {
		panic("eko: the embedded openapi.json is not JSON: " + err.Error())
	}
	return document
}()

// answerSchemas are an operation's HTTP 200 answer schema and its `x-eko-success-data`.
func answerSchemas(operationID string) (envelope, success interface{}) {
	for _, item := range object(spec["paths"]) {
		for _, operation := range object(item) {
			if object(operation)["operationId"] != operationID {
				continue
			}
			answer := resolve(object(object(operation)["responses"])["200"])
			media := object(object(object(answer)["content"])["application/json"])
			return media["schema"], object(answer)["x-eko-success-data"]
		}
	}
	panic("eko: no operation " + operationID + " in the spec")
}

func object(node interface{}) map[string]interface{} {
	found, _ := node.(map[string]interface{})
	return found
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
// It knows the keywords the spec's answer schemas use: $ref, type, enum, format uri,
// minLength/maxLength, properties, required, additionalProperties, items.
func mismatch(value interface{}, schema interface{}, where string) string {
	rule := object(resolve(schema))
	if types := typesOf(rule["type"]); len(types) > 0 && !hasAnyType(value, types) {
		return fmt.Sprintf("%s: not %s", where, strings.Join(types, " or "))
	}
	if allowed, ok := rule["enum"].([]interface{}); ok && !contains(allowed, value) {
		return where + ": not one of the spec's values"
	}
	switch typed := value.(type) {
	case string:
		length := utf8.RuneCountInString(typed)
		if min, ok := rule["minLength"].(float64); ok && float64(length) < min {
			return where + ": too short"
		}
		if max, ok := rule["maxLength"].(float64); ok && float64(length) > max {
			return where + ": too long"
		}
		if rule["format"] == "uri" && !absoluteURI.MatchString(typed) {
			return where + ": not a URI"
		}
	case []interface{}:
		if items, ok := rule["items"]; ok {
			for index, item := range typed {
				if found := mismatch(item, items, fmt.Sprintf("%s[%d]", where, index)); found != "" {
					return found
				}
			}
		}
	case map[string]interface{}:
		required, _ := rule["required"].([]interface{})
		for _, name := range required {
			if _, ok := typed[fmt.Sprint(name)]; !ok {
				return fmt.Sprintf("%s.%v: missing", where, name)
			}
		}
		names := make([]string, 0, len(typed))
		for name := range typed {
			names = append(names, name)
		}
		sort.Strings(names) // the same message whatever the map's order
		for _, name := range names {
			sub, own := object(rule["properties"])[name]
			if !own {
				sub = object(rule["additionalProperties"]) // nil (anything) unless a schema
			}
			if sub != nil {
				if found := mismatch(typed[name], sub, where+"."+name); found != "" {
					return found
				}
			}
		}
	}
	return ""
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

func hasAnyType(value interface{}, types []string) bool {
	for _, name := range types {
		if hasType(value, name) {
			return true
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
		_, err := number.Int64()
		return ok && err == nil
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
