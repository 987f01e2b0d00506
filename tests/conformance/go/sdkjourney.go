package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// runSDKJourney drives the whole consent journey with the SDK's calls, as
// docs/other-languages.md shows it: create, a forced 301, a pending status, approval
// through the sandbox's control surface, the customer's return (read, not printed), status
// and the document. One line per step, the steps Python's runner prints.
func runSDKJourney(baseURL, profile string) int {
	client, err := eko.New(eko.Options{BaseURL: baseURL, Keys: uatKeys, InitiatorID: initiator, UserCode: userCode,
		Getenv: func(string) string { return "" }})
	if err != nil {
		fmt.Fprintln(os.Stderr, "journey:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	step := func(name string, result interface{}, err error) {
		outcome, code, _ := outcomeOf(err)
		values := json.RawMessage("{}")
		if err == nil {
			values = valuesOf(result)
		}
		var message *string
		var api *eko.APIError
		if errors.As(err, &api) {
			message = &api.Message
		}
		emit(line{Name: name, Outcome: outcome, Code: code, Values: values, Message: message})
	}
	session, err := client.CreateDigilockerURL(ctx, eko.CreateInput{RedirectURL: redirectURL})
	if err != nil {
		step("create", session, err)
		fmt.Fprintln(os.Stderr, "journey: create:", err)
		return 1
	}
	emit(line{Name: "create", Outcome: "success", Values: valuesOf(session), ClientRefID: session.ClientRefID})
	forced, err := client.CreateDigilockerURL(ctx, eko.CreateInput{RedirectURL: redirectURL, ClientRefID: "SCENARIO-301"})
	step("forced_301", forced, err)
	pending, err := client.GetVerificationStatus(ctx, session.ReferenceID)
	step("pending", pending, err)
	verificationID, err := approve(baseURL, session.ReferenceID)
	if err != nil {
		fmt.Fprintln(os.Stderr, "journey:", err)
		return 1
	}
	approved, _ := json.Marshal(map[string]interface{}{"reference_id": session.ReferenceID, "verification_id": verificationID})
	emit(line{Name: "approve", Outcome: "success", Values: approved})
	// The customer's return, as the sandbox sends it to redirect_url.
	back, err := eko.ParseRedirectString(redirectURL + "?reference_id=" + strconv.FormatInt(session.ReferenceID, 10) +
		"&verification_id=" + url.QueryEscape(verificationID))
	if err != nil || !back.Approved() {
		fmt.Fprintln(os.Stderr, "journey: the return does not read as an approval:", err)
		return 1
	}
	status, err := client.GetVerificationStatus(ctx, session.ReferenceID)
	step("status", status, err)
	documents, err := client.GetDocument(ctx, session.ReferenceID, back.VerificationID, eko.WithDocumentTypes("AADHAAR"))
	step("document", documents, err)
	_ = profile // the sandbox's profile shapes its answers; the calls are the same
	return 0
}

// approve consents as the customer would, through POST /_sandbox/sessions/{id}/approve.
func approve(baseURL string, referenceID int64) (string, error) {
	url := fmt.Sprintf("%s/_sandbox/sessions/%d/approve", baseURL, referenceID)
	response, err := (&http.Client{Timeout: 30 * time.Second}).Post(url, "application/json", nil)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	var session struct {
		VerificationID string `json:"verification_id"`
	}
	if response.StatusCode != http.StatusOK || json.NewDecoder(response.Body).Decode(&session) != nil || session.VerificationID == "" {
		return "", fmt.Errorf("approve: HTTP %d", response.StatusCode)
	}
	return session.VerificationID, nil
}
