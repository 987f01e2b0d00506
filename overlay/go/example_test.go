package eko_test

import (
	"context"
	"errors"
	"log"
	"net/http"
	"time"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// The journey of docs/other-languages.md (tests/conformance/test_docs_examples.py keeps the
// two the same); compiled by go vet and go test, not run: it would call Eko's UAT.
func Example() {
	// Keys and initiator from EKO_DEVELOPER_KEY, EKO_ACCESS_KEY, EKO_INITIATOR_ID.
	c, err := eko.New(eko.Options{Environment: "uat", MaxRetries: 2, MaxResponseBytes: 1 << 20})
	if err != nil {
		log.Fatal(err) // *eko.ConfigurationError: what is missing
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // the whole call's deadline
	defer cancel()

	s, err := c.CreateDigilockerURL(ctx, eko.CreateInput{RedirectURL: "https://yourapp.com/kyc/callback"})
	var apiErr *eko.APIError
	switch {
	case errors.As(err, &apiErr):
		log.Fatalf("Eko refused: code %v, %s", apiErr.Code, apiErr.Message)
	case errors.Is(err, context.DeadlineExceeded):
		log.Fatal("no answer in time (an *eko.TimeoutError)")
	case err != nil:
		log.Fatal(err) // *eko.ValidationError, *eko.ResponseError, *eko.ConnectionError
	}
	// Store s.ReferenceID (an int64) and send the customer to s.URL.

	// Your redirect_url handler: the customer's return.
	http.HandleFunc("/kyc/callback", func(w http.ResponseWriter, r *http.Request) {
		back, err := eko.ParseRedirect(r.URL)
		if err != nil { // *eko.ValidationError: a tampered return
			http.Error(w, "invalid return", http.StatusBadRequest)
			return
		}
		if !back.Approved() {
			http.Error(w, "consent not given", http.StatusForbidden)
			return
		}
		doc, err := c.GetDocument(r.Context(), s.ReferenceID, back.VerificationID)
		if err != nil {
			http.Error(w, "try again later", http.StatusBadGateway)
			return
		}
		log.Printf("%d documents", len(doc.Documents))
	})

	// Or poll: the status alone, or until the session ends.
	st, err := c.GetVerificationStatus(ctx, s.ReferenceID)
	if errors.As(err, &apiErr) && apiErr.Kind == eko.KindPending {
		log.Print("the customer has not consented yet")
	} else if err == nil {
		log.Printf("consented: %s", st.UserDetails.GetName())
	}
	done, err := c.WaitForConsent(context.Background(), s.ReferenceID, eko.WaitOptions{Interval: 2 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	switch done.State {
	case eko.Authenticated:
		log.Print("consented")
	case eko.ConsentDenied, eko.Expired: // done.Err.Kind: "consent_denied" / "expired"
		log.Printf("the session ended: %s", done.State)
	case eko.TimedOut:
		log.Print("still waiting; ask again later")
	}
}
