package main

import (
	"encoding/json"
	"fmt"
	"os"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// runRedirects reads every return URL of the redirect corpus with eko.ParseRedirectString.
func runRedirects(path string) int {
	var corpus struct {
		Cases []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"cases"`
	}
	if err := readJSON(path, &corpus); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, item := range corpus.Cases {
		back, err := eko.ParseRedirectString(item.URL)
		if err != nil {
			outcome, _, _ := outcomeOf(err)
			emit(line{Name: item.Name, Outcome: outcome})
			continue
		}
		values := map[string]interface{}{"reference_id": nil, "verification_id": nil, "denied": back.Denied, "error": nil}
		if back.ReferenceID != 0 {
			values["reference_id"] = back.ReferenceID
		}
		if back.VerificationID != "" {
			values["verification_id"] = back.VerificationID
		}
		if back.Error != "" {
			values["error"] = back.Error
		}
		encoded, _ := json.Marshal(values)
		emit(line{Name: item.Name, Outcome: "ok", Values: encoded})
	}
	return 0
}
