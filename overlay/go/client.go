package eko

import (
	"net/http"
	"time"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v3"
)

// NewClient is the generated client talking to serverURL (e.g.
// https://staging.eko.in/ekoapi/v3, or a local sandbox's URL), every request signed with
// keys. Each call gives up after timeout (the generated client sets none).
func NewClient(serverURL string, keys Keys, timeout time.Duration) *ekodigilocker.APIClient {
	config := ekodigilocker.NewConfiguration()
	config.Servers = ekodigilocker.ServerConfigurations{{URL: serverURL}}
	config.HTTPClient = &http.Client{Transport: &Signer{Keys: keys}, Timeout: timeout}
	return ekodigilocker.NewAPIClient(config)
}
