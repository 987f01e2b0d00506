package eko

import (
	"reflect"
	"testing"
)

// The fields a session state is read from come from the spec, in its order.
func TestStateFieldsComeFromTheSpec(t *testing.T) {
	for id, want := range map[string][]string{
		"getDigilockerVerificationStatus": {"status", "session_status"},
		"getDigilockerDocument":           {"status", "session_status"},
		"createDigilockerUrl":             nil,
	} {
		if got := operationOf(id).stateFields; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
}
