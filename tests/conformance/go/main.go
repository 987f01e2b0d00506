// The Go client (generated/go plus overlay/go) as a user of Go runs it:
//
//	runner corpus tests/vectors/answers.json   every corpus answer, served on loopback, read
//	                                           through the generated client and eko.Read*;
//	                                           prints "conformance go: P/T", fails on any miss
//	runner journey BASE_URL REF_PREFIX         the consent journey against a sandbox; prints
//	                                           each step's reading as JSON (tests/conformance/
//	                                           test_journey.py compares it with Python's)
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "corpus" {
		os.Exit(runCorpus(os.Args[2]))
	}
	if len(os.Args) == 4 && os.Args[1] == "journey" {
		os.Exit(runJourney(os.Args[2], os.Args[3]))
	}
	fmt.Fprintln(os.Stderr, "usage: runner corpus ANSWERS.json | runner journey BASE_URL REF_PREFIX")
	os.Exit(2)
}
