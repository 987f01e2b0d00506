package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

// runJourney drives create, a forced 301, pending status, approval through the sandbox's
// control surface, status and document, and prints each step's reading as one JSON line.
func runJourney(baseURL, prefix string) int {
	result, err := journey(baseURL, prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "journey:", err)
		return 1
	}
	approve := map[string]interface{}{"outcome": "success", "code": nil,
		"values": map[string]interface{}{"reference_id": result["reference_id"], "verification_id": result["verification_id"]}}
	for _, name := range []string{"create", "forced_301", "pending", "approve", "status", "document"} {
		var step map[string]interface{}
		if name == "approve" {
			step = approve
		} else if raw, err := json.Marshal(result[name]); err != nil || json.Unmarshal(raw, &step) != nil {
			fmt.Fprintln(os.Stderr, "journey:", name, err)
			return 1
		}
		step["name"] = name
		if name == "create" {
			step["client_ref_id"] = result["create_client_ref_id"]
		}
		out, err := json.Marshal(step)
		if err != nil {
			fmt.Fprintln(os.Stderr, "journey:", err)
			return 1
		}
		fmt.Println(string(out))
	}
	return 0
}

func journey(baseURL, prefix string) (map[string]interface{}, error) {
	c := newClient(baseURL)
	steps := map[string]interface{}{}
	createRef := prefix + "-create"
	created, err := c.create(createRef)
	if err != nil {
		return nil, err
	}
	steps["create"], steps["create_client_ref_id"] = created, createRef
	var session struct {
		ReferenceID int64 `json:"reference_id"`
	}
	if created.Outcome != "success" || json.Unmarshal(created.Values, &session) != nil {
		return nil, fmt.Errorf("create: %+v", created)
	}
	if steps["forced_301"], err = c.create("SCENARIO-301"); err != nil {
		return nil, err
	}
	if steps["pending"], err = c.status(session.ReferenceID, prefix+"-pending"); err != nil {
		return nil, err
	}
	verificationID, err := approve(baseURL, session.ReferenceID)
	if err != nil {
		return nil, err
	}
	steps["reference_id"], steps["verification_id"] = session.ReferenceID, verificationID
	if steps["status"], err = c.status(session.ReferenceID, prefix+"-status"); err != nil {
		return nil, err
	}
	if steps["document"], err = c.document(session.ReferenceID, verificationID, prefix+"-doc"); err != nil {
		return nil, err
	}
	return steps, nil
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
