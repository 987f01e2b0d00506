// The Go client (overlay/go over generated/go) as a user of Go runs it. The runner
// protocol (docs/conformance.md), one JSON line per case or step:
//
//	runner answers FILE            every answer of tests/vectors/answers.json through the SDK
//	runner behaviour FILE          each case's call against its scenario server
//	runner redirects FILE          each return URL through eko.ParseRedirectString
//	runner journey BASE_URL eps|legacy   the consent journey against a sandbox, with the SDK
//	runner policy                  the client's default policy (the spec's x-eko-client)
//
// And, for `make go-test`:
//
//	runner corpus FILE             the answer corpus through the generated client and
//	                               eko.Read*, judged here; prints "conformance go
//	                               (generated client): P/T"
package main

import (
	"encoding/json"
	"fmt"
	"os"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

func main() {
	args := os.Args[1:]
	switch {
	case len(args) == 2 && args[0] == "answers":
		os.Exit(runAnswers(args[1]))
	case len(args) == 2 && args[0] == "behaviour":
		os.Exit(runBehaviour(args[1]))
	case len(args) == 2 && args[0] == "redirects":
		os.Exit(runRedirects(args[1]))
	case len(args) == 3 && args[0] == "journey" && (args[2] == "eps" || args[2] == "legacy"):
		os.Exit(runSDKJourney(args[1], args[2]))
	case len(args) == 1 && args[0] == "policy":
		encoded, err := json.Marshal(eko.DefaultPolicy().Wire())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(string(encoded))
		os.Exit(0)
	case len(args) == 2 && args[0] == "corpus":
		os.Exit(runCorpus(args[1]))
	}
	fmt.Fprintln(os.Stderr, "usage: runner answers FILE | behaviour FILE | redirects FILE | journey BASE_URL eps|legacy | policy | corpus FILE")
	os.Exit(2)
}
