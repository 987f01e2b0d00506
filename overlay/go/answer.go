package eko

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v3"
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
	if readErr != nil {
		return Answer[D]{HTTPStatus: resp.StatusCode}, readErr
	}
	found := judge(operationID, resp.StatusCode, body)
	answer := Answer[D]{Outcome: found.outcome, Code: found.code, Message: found.message,
		HTTPStatus: resp.StatusCode, InvalidParams: found.invalidParams, State: found.state}
	if found.outcome == Success && (data == nil || err != nil) {
		return Answer[D]{Outcome: Malformed, HTTPStatus: resp.StatusCode,
			Message: "a success that does not match the spec: the generated client cannot decode it"}, nil
	}
	if found.outcome == Success {
		answer.Data = data
	}
	return answer, nil
}

// verdict is what the answer rule makes of one answer's status and exact bytes.
type verdict struct {
	outcome Outcome
	// code is Eko's code of a business error or a pending answer, or nil.
	code *int64
	// message is the envelope's message, or why the answer is malformed.
	message       string
	state         ekodigilocker.SessionState
	invalidParams map[string]string
	// envelope is the answer as decoded, when it is a JSON object without duplicate keys.
	envelope map[string]interface{}
}

// judge reads one answer by the rule every language of this project shares
// (docs/answer-rule.md); the caller decodes a success's data with the generated models.
func judge(operationID string, httpStatus int, body []byte) verdict {
	tree, decodeErr := decodeStrict(body)
	sent, isObject := tree.(map[string]interface{})
	found := verdict{envelope: sent}
	if message, ok := sent["message"].(string); ok {
		found.message = message
	}
	if httpStatus != http.StatusOK {
		found.outcome = HTTPError
		return found
	}
	if decodeErr != nil {
		return malformedVerdict("the answer is not JSON as the answer rule reads it: " + decodeErr.Error())
	}
	status, ok := integer(sent["status"])
	invalidParams, paramsOK := stringMap(sent["invalid_params"])
	if !isObject || !ok || !paramsOK {
		return malformedVerdict("the answer is not an Eko envelope with an integer `status`")
	}
	found.invalidParams = invalidParams
	data := object(sent["data"])
	found.state = sessionState(operationOf(operationID), data)
	if status != 0 {
		// An error answer: nothing else in it needs a shape. The code first, then.
		found.code = errorCode(status, sent["response_status_id"])
		meaning, documented := ekoCodes[codeOrZero(found.code)]
		switch {
		case documented:
			found.outcome = meaning.outcome
		case len(invalidParams) > 0:
			found.outcome = BusinessError // a validation error
		case found.state == ekodigilocker.PENDING:
			found.outcome = Pending
		default:
			found.outcome = BusinessError
		}
		return found
	}
	if why := successMismatch(operationID, tree); why != "" {
		return malformedVerdict("a success that does not match the spec: " + why)
	}
	switch {
	case found.state == ekodigilocker.PENDING:
		found.outcome = Pending // the upstream provider's pending session
	case documentsPending(operationID, data):
		found.outcome = Pending
	case found.state != "" && found.state != ekodigilocker.AUTHENTICATED:
		found.outcome = BusinessError
	default:
		found.outcome = Success
	}
	return found
}

func malformedVerdict(why string) verdict {
	return verdict{outcome: Malformed, message: why}
}

// stringMap is `invalid_params` (absent or null: none), or false when it is not an
// object of strings.
func stringMap(node interface{}) (map[string]string, bool) {
	if node == nil {
		return nil, true
	}
	fields, ok := node.(map[string]interface{})
	if !ok {
		return nil, false
	}
	found := make(map[string]string, len(fields))
	for name, value := range fields {
		text, ok := value.(string)
		if !ok {
			return nil, false
		}
		found[name] = text
	}
	return found, true
}

// Eko's document answer says in `data.verification_status` whether verification is done:
// SUCCESS or PENDING (eps.eko.in, api-specs.ts `digilocker-get-document`). With PENDING
// its documents are empty or partial, so it is not a success (docs/answer-rule.md, step 4).
const (
	documentOperation = "getDigilockerDocument"
	documentPending   = "PENDING"
)

func documentsPending(operationID string, data map[string]interface{}) bool {
	return operationID == documentOperation && data["verification_status"] == documentPending
}

// codeMeaning is what one of Eko's codes means: the outcome, the kind of *APIError, and
// whether waiting for consent can still change the answer (final) or not.
type codeMeaning struct {
	outcome Outcome
	kind    Kind
	final   bool
}

// ekoCodes are the codes Eko documents, and what each means.
var ekoCodes = map[int64]codeMeaning{
	301: {BusinessError, KindOther, true},         // invalid redirect URL
	319: {BusinessError, KindOther, true},         // invalid initiator
	327: {Pending, KindPending, false},            // the customer has not consented yet
	346: {BusinessError, KindOther, true},         // user not onboarded or wrong user_code
	461: {BusinessError, KindInvalidParams, true}, // invalid parameters
	463: {BusinessError, KindNotFound, true},      // invalid reference
}

func codeOrZero(code *int64) int64 {
	if code == nil {
		return 0
	}
	return *code
}

// successMismatch says where a status-0 answer breaks the operation's schemas, or "".
func successMismatch(operationID string, answer interface{}) string {
	envelope, success := answerSchemas(operationID)
	if found := mismatch(answer, envelope, "answer"); found != "" {
		return found
	}
	return mismatch(object(answer)["data"], success, "answer.data")
}

// integer is a JSON integer by the answer rule (not null, a string, a fraction or an
// exponent; within 64 signed bits).
func integer(node interface{}) (int64, bool) {
	number, ok := node.(json.Number)
	if !ok || !isInteger(number) {
		return 0, false
	}
	value, _ := number.Int64()
	return value, true
}

// errorCode is whichever of status and response_status_id is not a generic value
// (status 0 or 1, response_status_id -2..5), status first; nil when both are generic.
func errorCode(status int64, responseStatusID interface{}) *int64 {
	if status != 0 && status != 1 {
		return &status
	}
	if detail, ok := integer(responseStatusID); ok && (detail < -2 || detail > 5) {
		return &detail
	}
	return nil
}

// sessionState is the first SessionState that data reports in a field the operation's
// success data types as one (`status` for the upstream provider, `session_status` for the
// sandbox), or "". (On a success, the schema check has already refused any other value.)
func sessionState(op *operation, data map[string]interface{}) ekodigilocker.SessionState {
	for _, name := range op.stateFields {
		value, ok := data[name].(string)
		if !ok {
			continue
		}
		if state := ekodigilocker.SessionState(value); state.IsValid() && state != ekodigilocker.SESSIONSTATE_UNKNOWN_DEFAULT_OPEN_API {
			return state
		}
	}
	return ""
}
