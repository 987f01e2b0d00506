package eko

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v2"
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
	return ReadAnswer[ekodigilocker.DigilockerUrlPayload]("createDigilockerUrl", env, resp, err)
}

// ReadStatus reads what GetDigilockerVerificationStatus(...).Execute() returned.
func ReadStatus(env *ekodigilocker.VerificationStatusEnvelope, resp *http.Response, err error) (Answer[ekodigilocker.VerificationStatusPayload], error) {
	return ReadAnswer[ekodigilocker.VerificationStatusPayload]("getDigilockerVerificationStatus", env, resp, err)
}

// ReadDocument reads what GetDigilockerDocument(...).Execute() returned.
func ReadDocument(env *ekodigilocker.DigilockerDocumentEnvelope, resp *http.Response, err error) (Answer[ekodigilocker.DigilockerDocumentPayload], error) {
	return ReadAnswer[ekodigilocker.DigilockerDocumentPayload]("getDigilockerDocument", env, resp, err)
}

// envelopeData is every generated envelope (its GetDataOk is safe on a nil envelope).
type envelopeData[D any] interface {
	GetDataOk() (*D, bool)
}

// ReadAnswer reads what a generated call of operationID (the spec's operationId) returned;
// env is nil when the generated client could not decode the answer. A success must also
// match the spec's schemas: the 200 answer's and its `x-eko-success-data`. The error is
// not nil only when no HTTP answer came at all. ReadCreate, ReadStatus and ReadDocument
// name D and the operation for you.
func ReadAnswer[D any, E envelopeData[D]](operationID string, env E, resp *http.Response, err error) (Answer[D], error) {
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
	state := sessionState(sent.Data)
	answer.State = state
	if status != 0 {
		// An error answer: nothing else in it needs a shape. The code first, then.
		answer.Code = errorCode(status, sent.ResponseStatusID)
		outcome, documented := ekoCodes[codeOrZero(answer.Code)]
		switch {
		case documented:
			answer.Outcome = outcome
		case len(sent.InvalidParams) > 0:
			answer.Outcome = BusinessError // a validation error
		case state == ekodigilocker.PENDING:
			answer.Outcome = Pending
		default:
			answer.Outcome = BusinessError
		}
		return answer, nil
	}
	if why := successMismatch(operationID, body); data == nil || err != nil || why != "" {
		if why == "" {
			why = "the generated client cannot decode it"
		}
		return malformed(answer, "a success that does not match the spec: "+why), nil
	}
	switch {
	case state == ekodigilocker.PENDING:
		answer.Outcome = Pending // the upstream provider's pending session
	case documentsPending(operationID, sent.Data):
		answer.Outcome = Pending
	case state != "" && state != ekodigilocker.AUTHENTICATED:
		answer.Outcome = BusinessError
	default:
		answer.Outcome = Success
		answer.Data = data
	}
	return answer, nil
}

// Eko's document answer says in `data.verification_status` whether verification is done:
// SUCCESS or PENDING (eps.eko.in, api-specs.ts `digilocker-get-document`). With PENDING
// its documents are empty or partial, so it is not a success (docs/answer-rule.md, step 4).
const (
	documentOperation = "getDigilockerDocument"
	documentPending   = "PENDING"
)

func documentsPending(operationID string, data json.RawMessage) bool {
	var fields struct {
		VerificationStatus json.RawMessage `json:"verification_status"`
	}
	var value string
	return operationID == documentOperation && json.Unmarshal(data, &fields) == nil &&
		json.Unmarshal(fields.VerificationStatus, &value) == nil && value == documentPending
}

// ekoCodes are the codes Eko documents, and what each means.
var ekoCodes = map[int64]Outcome{
	301: BusinessError, // invalid redirect URL
	319: BusinessError, // invalid initiator
	327: Pending,       // the customer has not consented yet
	346: BusinessError, // user not onboarded or wrong user_code
	461: BusinessError, // invalid parameters
	463: BusinessError, // invalid reference
}

func codeOrZero(code *int64) int64 {
	if code == nil {
		return 0
	}
	return *code
}

// successMismatch says where a status-0 body breaks the operation's schemas, or "".
func successMismatch(operationID string, body []byte) string {
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	var answer interface{}
	if decoder.Decode(&answer) != nil {
		return "not JSON"
	}
	envelope, success := answerSchemas(operationID)
	if found := mismatch(answer, envelope, "answer"); found != "" {
		return found
	}
	return mismatch(object(answer)["data"], success, "answer.data")
}

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

// sessionState is the first SessionState that data reports in `status` or `session_status`
// (the upstream provider's and the sandbox's field), or "". (On a success, the schema
// check has already refused any other value there.)
func sessionState(data json.RawMessage) ekodigilocker.SessionState {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return ""
	}
	for _, name := range []string{"status", "session_status"} {
		var value string
		if json.Unmarshal(fields[name], &value) != nil {
			continue
		}
		if state := ekodigilocker.SessionState(value); state.IsValid() && state != ekodigilocker.SESSIONSTATE_UNKNOWN_DEFAULT_OPEN_API {
			return state
		}
	}
	return ""
}
