package eko

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go"
)

// Outcome is what an answer means (docs/answer-rule.md).
type Outcome string

const (
	Success       Outcome = "success"
	BusinessError Outcome = "business_error"
	Pending       Outcome = "pending"
	Malformed     Outcome = "malformed"
	HTTPError     Outcome = "http_error"
)

// Answer is one call's answer, read by the rule every language of this project shares.
type Answer[D any] struct {
	Outcome Outcome
	// Code is Eko's code (301, 327, 463...) of a business error or a pending answer, or nil.
	Code *int64
	// Message is the envelope's message, or why the answer is malformed.
	Message    string
	HTTPStatus int
	// Data is the success's data, decoded by the generated client; nil otherwise.
	Data *D
	// InvalidParams names each refused field of a validation error.
	InvalidParams map[string]string
	// State is the session state that data reports (PENDING, EXPIRED...), or "".
	State ekodigilocker.SessionState
}

// envelope is what every operation's answer shares, read from the body as sent: the
// generated decoders take `status: null` for 0 and refuse a whole answer for a `data: []`.
type envelope struct {
	Status           json.RawMessage   `json:"status"`
	Message          json.RawMessage   `json:"message"`
	ResponseStatusID json.RawMessage   `json:"response_status_id"`
	Data             json.RawMessage   `json:"data"`
	InvalidParams    map[string]string `json:"invalid_params"`
}

// ReadCreate reads what CreateDigilockerUrl(...).Execute() returned.
func ReadCreate(env *ekodigilocker.DigilockerUrlEnvelope, resp *http.Response, err error) (Answer[ekodigilocker.DigilockerUrlPayload], error) {
	return ReadAnswer[ekodigilocker.DigilockerUrlPayload](env, ekodigilocker.DigilockerUrlSuccess{}, resp, err)
}

// ReadStatus reads what GetDigilockerVerificationStatus(...).Execute() returned.
func ReadStatus(env *ekodigilocker.VerificationStatusEnvelope, resp *http.Response, err error) (Answer[ekodigilocker.VerificationStatusPayload], error) {
	return ReadAnswer[ekodigilocker.VerificationStatusPayload](env, ekodigilocker.VerificationStatusPayload{}, resp, err)
}

// ReadDocument reads what GetDigilockerDocument(...).Execute() returned.
func ReadDocument(env *ekodigilocker.DigilockerDocumentEnvelope, resp *http.Response, err error) (Answer[ekodigilocker.DigilockerDocumentPayload], error) {
	return ReadAnswer[ekodigilocker.DigilockerDocumentPayload](env, ekodigilocker.DigilockerDocumentPayload{}, resp, err)
}

// envelopeData is every generated envelope (its GetDataOk is safe on a nil envelope).
type envelopeData[D any] interface {
	GetDataOk() (*D, bool)
}

// ReadAnswer reads what a generated call returned (env is nil when the generated client
// could not decode the answer). success is the operation's `x-eko-success-data` model,
// whose required fields a success must carry. The error is not nil only when no HTTP
// answer came at all. ReadCreate, ReadStatus and ReadDocument name D and success for you.
func ReadAnswer[D any, E envelopeData[D]](env E, success any, resp *http.Response, err error) (Answer[D], error) {
	data, _ := env.GetDataOk()
	if resp == nil {
		if err == nil {
			err = errors.New("no answer")
		}
		return Answer[D]{}, err
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body)) // the caller may read it again
	answer := Answer[D]{HTTPStatus: resp.StatusCode}
	if readErr != nil {
		return answer, readErr
	}
	var sent envelope
	isEnvelope := json.Unmarshal(body, &sent) == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
	if isEnvelope {
		_ = json.Unmarshal(sent.Message, &answer.Message) // a message that is not a string is none
	}
	if resp.StatusCode != http.StatusOK {
		answer.Outcome = HTTPError
		return answer, nil
	}
	status, ok := integer(sent.Status)
	if !isEnvelope || !ok {
		return malformed(answer, "the answer is not an Eko envelope with an integer `status`"), nil
	}
	answer.InvalidParams = sent.InvalidParams
	state, known := sessionState(sent.Data)
	answer.State = state
	if status != 0 {
		// An error answer: nothing else in it needs a shape.
		answer.Code = errorCode(status, sent.ResponseStatusID)
		answer.Outcome = BusinessError
		if (answer.Code != nil && *answer.Code == verificationPending) || (answer.Code == nil && state == ekodigilocker.PENDING) {
			answer.Outcome = Pending
		}
		return answer, nil
	}
	switch {
	case data == nil || err != nil || !known:
		return malformed(answer, "a success whose `data` does not match the spec"), nil
	case state == ekodigilocker.PENDING:
		answer.Outcome = Pending // the upstream provider's pending session
	case state != "" && state != ekodigilocker.AUTHENTICATED:
		answer.Outcome = BusinessError
	default:
		if missing := missingFields(sent.Data, success); missing != "" {
			return malformed(answer, "a success whose `data` lacks "+missing), nil
		}
		answer.Outcome = Success
		answer.Data = data
	}
	return answer, nil
}

// verificationPending is Eko's code for a customer who has not consented yet.
const verificationPending = 327

func malformed[D any](answer Answer[D], why string) Answer[D] {
	return Answer[D]{Outcome: Malformed, Message: why, HTTPStatus: answer.HTTPStatus}
}

// integer is a JSON integer (not null, a string or a fraction).
func integer(raw json.RawMessage) (int64, bool) {
	var value int64
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" || strings.ContainsAny(text, `".eE`) || json.Unmarshal(raw, &value) != nil {
		return 0, false
	}
	return value, true
}

// errorCode is whichever of status and response_status_id is not a generic value
// (status 0 or 1, response_status_id -2..5), status first; nil when both are generic.
func errorCode(status int64, responseStatusID json.RawMessage) *int64 {
	if status != 0 && status != 1 {
		return &status
	}
	if detail, ok := integer(responseStatusID); ok && (detail < -2 || detail > 5) {
		return &detail
	}
	return nil
}

// sessionState is the SessionState that data reports in `status` or `session_status` (the
// upstream provider's and the sandbox's field), or ""; known is false when one of them
// holds something else (not a success's data, then).
func sessionState(data json.RawMessage) (state ekodigilocker.SessionState, known bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return "", true
	}
	known = true
	for _, name := range []string{"status", "session_status"} {
		raw, present := fields[name]
		if !present || string(raw) == "null" {
			continue
		}
		var value string
		found := ekodigilocker.SessionState("")
		if json.Unmarshal(raw, &value) == nil {
			found = ekodigilocker.SessionState(value)
		}
		if !found.IsValid() || found == ekodigilocker.SESSIONSTATE_UNKNOWN_DEFAULT_OPEN_API {
			known = false
		} else if state == "" {
			state = found
		}
	}
	return state, known
}

// missingFields names the fields that the generated model `success` requires (those its
// JSON tags do not mark omitempty) and that data lacks or sends as null.
func missingFields(data json.RawMessage, success any) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return "an object"
	}
	var missing []string
	model := reflect.TypeOf(success)
	for i := 0; i < model.NumField(); i++ {
		name, options, _ := strings.Cut(model.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" || strings.Contains(options, "omitempty") {
			continue
		}
		if value, ok := fields[name]; !ok || string(value) == "null" {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}
