// The Go client (generated/go plus overlay/go) as a user of Go runs it, behind the
// runner protocol (docs/conformance.md; tests/conformance/runners/go.json):
//
//	runner answers FILE                every answers case, served on loopback, read through
//	                                   the generated client and eko.Read*: one JSON line each
//	runner journey BASE_URL PROFILE    the consent journey against a sandbox: one JSON line
//	                                   per step
//	runner corpus FILE                 the answers corpus judged here: "conformance go: P/T"
//
// Other protocol commands (behaviour, redirects, policy) are not supported yet: exit 2.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "answers" {
		os.Exit(runAnswers(os.Args[2]))
	}
	if len(os.Args) == 3 && os.Args[1] == "corpus" {
		os.Exit(runCorpus(os.Args[2]))
	}
	if len(os.Args) == 4 && os.Args[1] == "journey" {
		os.Exit(runJourney(os.Args[2], fmt.Sprintf("GO%s%d", os.Args[3][:1], os.Getpid()%100000)))
	}
	fmt.Fprintln(os.Stderr, "usage: runner answers FILE | runner corpus FILE | runner journey BASE_URL PROFILE")
	os.Exit(2)
}
