package eko

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeStrictAgreesWithEncodingJSONAndRefusesDuplicates(t *testing.T) {
	for _, text := range []string{
		`{"a":1,"b":[true,false,null,"x\"\u00e9\\",-1.5e3,{}],"c":{"d":[]}}`,
		` [ 1 , "two" , { "three" : 3 } ] `, `"\ud83d\ude00"`, `0`, `{"a":{"a":1}}`,
	} {
		got, err := decodeStrict([]byte(text))
		var want interface{}
		decoder := json.NewDecoder(stringsReader(text))
		decoder.UseNumber()
		if decoder.Decode(&want) != nil || err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, %v; want %#v", text, got, err, want)
		}
	}
	for _, text := range []string{`{"a":1,"a":2}`, `{"x":{"b":1,"b":1}}`, `[{"a\u0062":1,"ab":2}]`, `{"a":1} x`, `{"a":}`, ``, `[` + string(make([]byte, 0)) + `]]`} {
		if got, err := decodeStrict([]byte(text)); err == nil {
			t.Errorf("%s: read as %#v", text, got)
		}
	}
}

func stringsReader(text string) *strings.Reader { return strings.NewReader(text) }
