package eko

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	ekodigilocker "github.com/eko-digilocker/eko-digilocker/generated/go/v3"
)

// The results, as the generated client decodes them.
type (
	// VerificationStatus is a status answer's data.
	VerificationStatus = ekodigilocker.VerificationStatusPayload
	// Documents is a document answer's data.
	Documents = ekodigilocker.DigilockerDocumentPayload
)

// CreateInput is what CreateDigilockerURL sends. Empty fields take the client's settings,
// the spec's default documents and a fresh client_ref_id.
type CreateInput struct {
	RedirectURL       string
	DocumentRequested []string
	ClientRefID       string
	UserCode          string
	InitiatorID       string
}

// Session is a created DigiLocker session.
type Session struct {
	ReferenceID int64
	// URL is where to send the customer for consent.
	URL string
	// VerificationID is "" when Eko returns none here (it then comes with the customer's
	// return to your redirect URL).
	VerificationID string
	// ClientRefID is the idempotency key the call sent (yours or the generated one).
	ClientRefID string
	// Data is the whole answer's data.
	Data ekodigilocker.DigilockerUrlPayload
}

// CallOption sets a field of one call.
type CallOption func(*callFields)

type callFields struct {
	userCode, initiatorID string
	// clientRefID is nil unless given: then it is sent as given, "" included (and refused
	// by the spec), never replaced by a generated one.
	clientRefID   *string
	documentTypes []string
}

// WithClientRefID sends this client_ref_id (the calls that create or fetch make one when
// none is given).
func WithClientRefID(id string) CallOption { return func(f *callFields) { f.clientRefID = &id } }

// WithUserCode sends this user_code instead of the client's.
func WithUserCode(code string) CallOption { return func(f *callFields) { f.userCode = code } }

// WithInitiatorID sends this initiator_id instead of the client's.
func WithInitiatorID(id string) CallOption { return func(f *callFields) { f.initiatorID = id } }

// WithDocumentTypes: the documents GetDocument fetches. Without it, a status call first
// asks which documents the session requested.
func WithDocumentTypes(types ...string) CallOption {
	return func(f *callFields) { f.documentTypes = append([]string{}, types...) }
}

func (c *Client) fields(options []CallOption) callFields {
	f := callFields{userCode: c.userCode, initiatorID: c.initiatorID}
	for _, option := range options {
		option(&f)
	}
	return f
}

// CreateDigilockerURL creates a consent session. The context's deadline is the whole
// call's (every attempt and wait); without one, the policy's timeout applies.
// Options: WithClientRefID (the same as CreateInput.ClientRefID, but sent even when "").
func (c *Client) CreateDigilockerURL(ctx context.Context, in CreateInput, options ...CallOption) (*Session, error) {
	op := operationOf("createDigilockerUrl")
	var given callFields
	for _, option := range options {
		option(&given)
	}
	if given.clientRefID != nil {
		in.ClientRefID = *given.clientRefID
	} else if in.ClientRefID == "" {
		in.ClientRefID = NewClientRefID()
	}
	if in.InitiatorID == "" {
		in.InitiatorID = c.initiatorID
	}
	if in.UserCode == "" {
		in.UserCode = c.userCode
	}
	documents := in.DocumentRequested
	if documents == nil {
		documents = defaultDocuments(op)
	}
	body := map[string]interface{}{"initiator_id": in.InitiatorID, "client_ref_id": in.ClientRefID,
		"document_requested": strings2(documents), "redirect_url": in.RedirectURL}
	if in.UserCode != "" {
		body["user_code"] = in.UserCode
	}
	r, err := c.postRequest(op, "CreateDigilockerURL", body, in.ClientRefID)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withDeadline(ctx, c.policy(op).Timeout)
	defer cancel()
	status, answer, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var envelope ekodigilocker.DigilockerUrlEnvelope
	if err := read(r, status, answer, &envelope); err != nil {
		return nil, err
	}
	data := envelope.GetData()
	return &Session{ReferenceID: data.GetReferenceId(), URL: data.GetUrl(), VerificationID: data.GetVerificationId(),
		ClientRefID: in.ClientRefID, Data: data}, nil
}

// GetVerificationStatus asks how the consent session stands. A session that is not
// authenticated is an *APIError whose Kind says why: pending, consent_denied, expired,
// not_found...
func (c *Client) GetVerificationStatus(ctx context.Context, referenceID int64, options ...CallOption) (*VerificationStatus, error) {
	op := operationOf("getDigilockerVerificationStatus")
	r, err := c.statusRequest(op, "GetVerificationStatus", referenceID, c.fields(options))
	if err != nil {
		return nil, err
	}
	ctx, cancel := withDeadline(ctx, c.policy(op).Timeout)
	defer cancel()
	return c.status(ctx, r)
}

func (c *Client) status(ctx context.Context, r request) (*VerificationStatus, error) {
	status, answer, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var envelope ekodigilocker.VerificationStatusEnvelope
	if err := read(r, status, answer, &envelope); err != nil {
		return nil, err
	}
	data := envelope.GetData()
	return &data, nil
}

// GetDocument fetches the verified documents. Without WithDocumentTypes, a status call
// first asks which documents the session requested; both share the call's one deadline.
func (c *Client) GetDocument(ctx context.Context, referenceID int64, verificationID string, options ...CallOption) (*Documents, error) {
	op := operationOf("getDigilockerDocument")
	f := c.fields(options)
	if f.clientRefID == nil {
		generated := NewClientRefID()
		f.clientRefID = &generated
	}
	documents := f.documentTypes
	if documents == nil {
		documents = defaultDocuments(operationOf("createDigilockerUrl"))
	}
	// The document call carries reference_id as a string; the spec types a reference id
	// (1..2^63-1) on the status call, and that rule applies here too.
	if problem := referenceMismatch(referenceID); problem != "" {
		return nil, invalid("GetDocument", problem)
	}
	document := func(types []string) (request, error) {
		body := map[string]interface{}{"initiator_id": f.initiatorID, "client_ref_id": *f.clientRefID,
			"document_type": strings2(types), "verification_id": verificationID,
			"reference_id": strconv.FormatInt(referenceID, 10)}
		if f.userCode != "" {
			body["user_code"] = f.userCode
		}
		return c.postRequest(op, "GetDocument", body, *f.clientRefID)
	}
	r, err := document(documents)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withDeadline(ctx, c.policy(op).Timeout)
	defer cancel()
	if f.documentTypes == nil {
		asked, err := c.statusRequest(operationOf("getDigilockerVerificationStatus"), "GetDocument", referenceID,
			callFields{userCode: f.userCode, initiatorID: f.initiatorID})
		if err != nil {
			return nil, err
		}
		if st, err := c.status(ctx, asked); err == nil && len(st.DocumentRequested) > 0 {
			if r, err = document(st.DocumentRequested); err != nil {
				return nil, err
			}
		} else if err != nil && !isAnswer(err) {
			return nil, err
		} // an error answer: the document call itself will say what is wrong
	}
	status, answer, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var envelope ekodigilocker.DigilockerDocumentEnvelope
	if err := read(r, status, answer, &envelope); err != nil {
		return nil, err
	}
	data := envelope.GetData()
	return &data, nil
}

func isAnswer(err error) bool {
	switch err.(type) {
	case *APIError, *ResponseError:
		return true
	}
	return false
}

// --- requests, checked against the spec before anything is sent ------------------------

func (c *Client) postRequest(op *operation, name string, body map[string]interface{}, clientRefID string) (request, error) {
	if problem := mismatch(body, op.body, "body"); problem != "" {
		return request{}, invalid(name, problem)
	}
	encoded, err := json.Marshal(body) // compact, keys sorted: the same bytes on every attempt
	if err != nil {
		return request{}, invalid(name, err.Error())
	}
	return request{op: op, name: name, target: c.baseURL + op.path, body: encoded,
		idempotent: op.policy.Idempotent && clientRefID != ""}, nil
}

func (c *Client) statusRequest(op *operation, name string, referenceID int64, f callFields) (request, error) {
	values := map[string]interface{}{"initiator_id": f.initiatorID,
		"reference_id": json.Number(strconv.FormatInt(referenceID, 10))}
	if f.userCode != "" {
		values["user_code"] = f.userCode
	}
	if f.clientRefID != nil {
		values["client_ref_id"] = *f.clientRefID
	}
	query := url.Values{}
	for _, param := range op.params {
		value, given := values[param.name]
		if !given {
			if param.required {
				return request{}, invalid(name, param.name+": missing")
			}
			continue
		}
		if problem := mismatch(value, param.schema, param.name); problem != "" {
			return request{}, invalid(name, problem)
		}
		query.Set(param.name, stringOf(value))
	}
	return request{op: op, name: name, target: c.baseURL + op.path + "?" + query.Encode(),
		idempotent: op.policy.Idempotent}, nil
}

// invalid turns mismatch's "where: why" into a ValidationError naming the field.
func invalid(name, problem string) error {
	where, why, _ := strings.Cut(problem, ": ")
	return &ValidationError{Operation: name, Fields: []FieldError{{strings.TrimPrefix(where, "body."), why}}}
}

func stringOf(value interface{}) string {
	if number, ok := value.(json.Number); ok {
		return string(number)
	}
	return value.(string)
}

func strings2(values []string) []interface{} {
	out := make([]interface{}, len(values))
	for i, value := range values {
		out[i] = value
	}
	return out
}

// defaultDocuments is the spec's default of document_requested.
func defaultDocuments(create *operation) []string {
	schema := object(resolve(create.body))
	var found []string
	// the property may name its schema by $ref (DocumentTypesToRequest), default and all
	requested := object(resolve(object(schema["properties"])["document_requested"]))
	for _, value := range requested["default"].([]interface{}) {
		found = append(found, value.(string))
	}
	return found
}

// referenceMismatch checks a reference id against the status call's reference_id schema.
func referenceMismatch(referenceID int64) string {
	for _, param := range operationOf("getDigilockerVerificationStatus").params {
		if param.name == "reference_id" {
			return mismatch(json.Number(strconv.FormatInt(referenceID, 10)), param.schema, "reference_id")
		}
	}
	panic("eko: the spec's status call has no reference_id")
}
