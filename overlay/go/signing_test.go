package eko

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

func TestSignSecretKeyMatchesTheSharedVectors(t *testing.T) {
	raw, err := os.ReadFile("../../tests/vectors/signing.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors struct {
		Vectors []map[string]string `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vectors.Vectors {
		if got := SignSecretKey(v["access_key"], v["timestamp"]); got != v["secret_key"] {
			t.Errorf("%s: got %s, want %s", v["name"], got, v["secret_key"])
		}
	}
}

// The headers as they reach a server, for a GET with no body: the content type included.
func TestSignerSendsEveryHeaderOnAGet(t *testing.T) {
	seen := make(chan http.Header, 1)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
	}))
	defer server.Close()
	signer := &Signer{
		Keys: Keys{DeveloperKey: "dev", AccessKey: "TEST_ACCESS_KEY_DO_NOT_USE"},
		Now:  func() time.Time { return time.UnixMilli(1700000000000) },
	}
	request, err := http.NewRequest(http.MethodGet, server.URL+"/tools/kyc/digilocker/status", nil)
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Content-Type", "text/plain")
	response, err := (&http.Client{Transport: signer}).Do(request)
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	header := <-seen
	want := map[string]string{
		"developer_key":        "dev",
		"secret-key-timestamp": "1700000000000",
		"secret-key":           "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk=",
		"content-type":         "application/json",
	}
	for name, value := range want {
		if got := header.Values(name); len(got) != 1 || got[0] != value {
			t.Errorf("%s: got %q, want [%q]", name, got, value)
		}
	}
	if request.Header.Get("secret-key") != "" {
		t.Error("the caller's request was changed")
	}
}
