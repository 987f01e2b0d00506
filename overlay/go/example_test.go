package eko_test

import (
	"context"
	"log"
	"time"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v2"
	eko "github.com/eko-digilocker/eko-digilocker/overlay/go/v2"
)

// The example of docs/other-languages.md (tests/conformance/test_docs_examples.py keeps the
// two the same); compiled by go vet and go test, not run: it would call Eko's UAT.
func ExampleReadCreate() {
	ctx := context.Background()
	developerKey, accessKey := "becbbce45f79c6f5109f848acd540567", "d2fe1d99-6298-4af2-8cc5-d97dcf46df30"
	run := func() error {
		api := eko.NewClient("https://staging.eko.in/ekoapi/v3",
			eko.Keys{DeveloperKey: developerKey, AccessKey: accessKey}, 30*time.Second)

		body := *ekodigilocker.NewCreateDigilockerUrlRequest("9962981729",
			[]ekodigilocker.DocumentType{ekodigilocker.AADHAAR}, "https://yourapp.example/kyc/callback")
		answer, err := eko.ReadCreate(api.DigilockerAPI.CreateDigilockerUrl(ctx).CreateDigilockerUrlRequest(body).Execute())
		if err != nil {
			return err // no HTTP answer at all
		}
		switch answer.Outcome {
		case eko.Success:
			referenceID := answer.Data.GetReferenceId() // int64
			_ = referenceID
		case eko.Pending, eko.BusinessError:
			log.Printf("Eko code %v: %s", answer.Code, answer.Message)
		default: // eko.Malformed, eko.HTTPError
			log.Printf("HTTP %d: %s", answer.HTTPStatus, answer.Message)
		}
		return nil
	}
	_ = run
}
