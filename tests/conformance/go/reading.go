package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v3"
	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v3"
)

// Eko's public UAT credentials (the sandbox's default pair) and test initiator.
var uatKeys = eko.Keys{
	DeveloperKey: "becbbce45f79c6f5109f848acd540567",
	AccessKey:    "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
}

const (
	initiator   = "9962981729"
	userCode    = "20810200"
	redirectURL = "https://yourapp.example/kyc/callback"
)

// reading is one answer as every runner reports it.
type reading struct {
	Outcome string          `json:"outcome"`
	Code    *int64          `json:"code"`
	Message string          `json:"message"`
	Values  json.RawMessage `json:"values"`
}

func toReading[D any](answer eko.Answer[D]) (reading, error) {
	values := json.RawMessage("{}")
	if answer.Data != nil {
		encoded, err := json.Marshal(answer.Data) // the generated model's own encoding
		if err != nil {
			return reading{}, err
		}
		values = encoded
	}
	return reading{string(answer.Outcome), answer.Code, answer.Message, values}, nil
}

type client struct {
	api *ekodigilocker.APIClient
	ctx context.Context
}

func newClient(baseURL string) client {
	return client{eko.NewClient(baseURL, uatKeys, 30*time.Second), context.Background()}
}

func (c client) create(clientRefID string) (reading, error) {
	body := *ekodigilocker.NewCreateDigilockerUrlRequest(initiator, []ekodigilocker.DocumentType{ekodigilocker.AADHAAR}, redirectURL)
	body.SetUserCode(userCode)
	body.SetClientRefId(clientRefID)
	answer, err := eko.ReadCreate(c.api.DigilockerAPI.CreateDigilockerUrl(c.ctx).CreateDigilockerUrlRequest(body).Execute())
	if err != nil {
		return reading{}, err
	}
	return toReading(answer)
}

func (c client) status(referenceID int64, clientRefID string) (reading, error) {
	call := c.api.DigilockerAPI.GetDigilockerVerificationStatus(c.ctx).
		InitiatorId(initiator).UserCode(userCode).ClientRefId(clientRefID).ReferenceId(referenceID)
	answer, err := eko.ReadStatus(call.Execute())
	if err != nil {
		return reading{}, err
	}
	return toReading(answer)
}

func (c client) document(referenceID int64, verificationID, clientRefID string) (reading, error) {
	body := *ekodigilocker.NewGetDigilockerDocumentRequest(initiator, []ekodigilocker.DocumentType{ekodigilocker.AADHAAR}, verificationID, fmt.Sprint(referenceID))
	body.SetUserCode(userCode)
	body.SetClientRefId(clientRefID)
	answer, err := eko.ReadDocument(c.api.DigilockerAPI.GetDigilockerDocument(c.ctx).GetDigilockerDocumentRequest(body).Execute())
	if err != nil {
		return reading{}, err
	}
	return toReading(answer)
}

// call reads one corpus operation.
func (c client) call(operation string) (reading, error) {
	switch operation {
	case "createDigilockerUrl":
		return c.create("CORPUS")
	case "getDigilockerVerificationStatus":
		return c.status(1, "CORPUS")
	case "getDigilockerDocument":
		return c.document(1, "VER-1", "CORPUS")
	}
	return reading{}, fmt.Errorf("unknown operation %q", operation)
}
