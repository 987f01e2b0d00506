package eko

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"
)

// The SDK's call against the bare generated client's call to the same in-process stub
// server, interleaved in one run (the machine is noisy). `make bench` runs it with
// EKO_GO_BENCH=1 and prints the ratio; the target is <= 1.25x.

const statusAnswer = `{"status":0,"message":"Verification status fetched successfully","response_status_id":0,"response_type_id":1389,"data":{"user_details":{"name":"Test Customer","dob":"01-01-1990","gender":"F","eaadhaar":"Y","mobile":"XXXXXX1234"},"document_requested":["AADHAAR"],"document_consent":["Y"],"session_status":"AUTHENTICATED"}}`

func stubServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(statusAnswer))
	}))
}

func TestOverheadAgainstTheGeneratedClient(t *testing.T) {
	if os.Getenv("EKO_GO_BENCH") == "" {
		t.Skip("a measurement, not a check: `make bench` runs it (EKO_GO_BENCH=1)")
	}
	server := stubServer()
	defer server.Close()
	keys := Keys{"becbbce45f79c6f5109f848acd540567", "d2fe1d99-6298-4af2-8cc5-d97dcf46df30"}
	bare := NewClient(server.URL, keys, 30*time.Second)
	sdk, err := New(Options{BaseURL: server.URL, Keys: keys, InitiatorID: "9962981729", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	generated := func() error {
		answer, err := ReadStatus(bare.DigilockerAPI.GetDigilockerVerificationStatus(ctx).
			InitiatorId("9962981729").ReferenceId(7483920).Execute())
		if err == nil && answer.Outcome != Success {
			err = fmt.Errorf("generated: %s", answer.Outcome)
		}
		return err
	}
	generatedRaw := func() error {
		_, resp, err := bare.DigilockerAPI.GetDigilockerVerificationStatus(ctx).
			InitiatorId("9962981729").ReferenceId(7483920).Execute()
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("generated: HTTP %d", resp.StatusCode)
		}
		return err
	}
	ours := func() error {
		_, err := sdk.GetVerificationStatus(ctx, 7483920)
		return err
	}
	// Many short rounds, the order rotated each round; each round's ratio compares calls
	// made within milliseconds of each other, and the median ratio is reported.
	const rounds, calls = 40, 100
	calls3 := []func() error{generatedRaw, generated, ours}
	names := []string{"generated (bare Execute)", "generated + eko.ReadStatus", "eko.Client.GetVerificationStatus"}
	for _, call := range calls3 { // warm the connections
		for i := 0; i < 200; i++ {
			if err := call(); err != nil {
				t.Fatal(err)
			}
		}
	}
	perCall := make([][]float64, len(calls3))
	ratios := make([][]float64, len(calls3))
	for round := 0; round < rounds; round++ {
		took := make([]float64, len(calls3))
		for k := range calls3 {
			index := (round + k) % len(calls3)
			started := time.Now()
			for i := 0; i < calls; i++ {
				if err := calls3[index](); err != nil {
					t.Fatal(err)
				}
			}
			took[index] = float64(time.Since(started).Nanoseconds()) / 1000 / calls
		}
		for index := range calls3 {
			perCall[index] = append(perCall[index], took[index])
			ratios[index] = append(ratios[index], took[index]/took[0])
		}
	}
	median := func(values []float64) float64 {
		sorted := append([]float64{}, values...)
		sort.Float64s(sorted)
		return sorted[len(sorted)/2]
	}
	for index, name := range names {
		fmt.Printf("go %-34s %7.1f us/call  %.2fx\n", name, median(perCall[index]), median(ratios[index]))
	}
	fmt.Printf("go SDK / bare generated client: %.2fx (target <= 1.25x; median of %d interleaved rounds)\n", median(ratios[2]), rounds)
}

func BenchmarkGetVerificationStatus(b *testing.B) {
	server := stubServer()
	defer server.Close()
	sdk, err := New(Options{BaseURL: server.URL, Keys: Keys{"dev", "access"}, InitiatorID: "9962981729", Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := sdk.GetVerificationStatus(ctx, 7483920); err != nil {
			b.Fatal(err)
		}
	}
}

// The answer reading alone, without the network: what the SDK adds per answer.
func BenchmarkReadAnswer(b *testing.B) {
	r := request{op: operationOf("getDigilockerVerificationStatus"), name: "bench"}
	body := []byte(statusAnswer)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var envelope struct{ Data VerificationStatus }
		if err := read(r, 200, body, &envelope); err != nil {
			b.Fatal(err)
		}
	}
}
