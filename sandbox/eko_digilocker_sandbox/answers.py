"""The JSON answers the sandbox sends, in each of Eko's documented variants (profiles).

Every answer is an Eko envelope: `status`, `message`, `response_status_id`,
`response_type_id`, `data` (and `invalid_params` on validation errors). The `eps`
profile puts an error's code in `status` (`status: 463, response_status_id: 1`, as Eko's
corrected answers do) and answers the status call as eps.eko.in documents it; the
`legacy` profile puts the code in `response_status_id` (`status: 1,
response_status_id: 463`) and uses the legacy README's ids and status shape. The spec's
description names the sources. The data is synthetic and obviously fake: no real
person's details are ever produced.
"""

from __future__ import annotations

import json
from typing import Any

from eko_digilocker_sandbox.config import PROFILES
from eko_digilocker_sandbox.sessions import Session, SessionState

EPS, LEGACY = PROFILES

CREATE = "createDigilockerUrl"
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"

# response_type_id of each success answer, per profile. eps: api-specs.ts gives 1389 for
# the status call and Eko's placeholder 1388 for the other two (the real ids are not
# published); legacy: the legacy README 7.1-7.3.
TYPE_IDS = {
    EPS: {CREATE: 1388, STATUS: 1389, DOCUMENT: 1388},
    LEGACY: {CREATE: 1627, STATUS: 1628, DOCUMENT: 1630},
}
ERROR_TYPE_ID = -1

VALIDATION_STATUS = 461
FAILURE = 1  # `status` of a failure whose code sits elsewhere; `response_status_id` of a failure
STATUS_CALL_NOT_SUCCESS = -1  # eps.eko.in: pending or invalid reference on the status call

PENDING_ID = 327
NOT_FOUND_ID = 463
INVALID_REDIRECT_ID = 301
USER_NOT_ONBOARDED_ID = 346
INVALID_INITIATOR_ID = 319

# Eko's own messages (api-specs.ts); the sandbox's own are marked where they are made.
MESSAGES = {
    INVALID_REDIRECT_ID: "Invalid redirect URL provided.",
    USER_NOT_ONBOARDED_ID: "Agent not allowed to this transaction",
    INVALID_INITIATOR_ID: "Invalid Sender/Initiator",
    PENDING_ID: "Verification pending. Customer has not completed DigiLocker consent.",
    NOT_FOUND_ID: "Invalid reference ID. Please check and retry.",
}
# eps.eko.in's two answers of the status call that are not a success.
STATUS_PENDING_MESSAGE = "Verification pending. User has not completed DigiLocker consent."
STATUS_INVALID_REFERENCE_MESSAGE = "Invalid reference_id"

# A 1x1 transparent PNG: the synthetic customer's "photo".
PHOTO = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)
CUSTOMER_NAME = "Sandbox Test Customer"
CUSTOMER_DOB = "01-01-1990"
CUSTOMER_GENDER = "F"
# The same customer as the legacy README 7.2 writes its values.
LEGACY_CUSTOMER_DOB = "1990-01-01"
LEGACY_CUSTOMER_GENDER = "Female"


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def encode(answer: dict[str, Any]) -> bytes:
    return _ENCODER.encode(answer).encode("ascii")


def envelope(
    status: int,
    message: str,
    response_status_id: int,
    response_type_id: int = ERROR_TYPE_ID,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "message": message,
        "response_status_id": response_status_id,
        "response_type_id": response_type_id,
        "data": {} if data is None else data,
    }


def http_error(http_status: int, message: str) -> dict[str, Any]:
    """The envelope sent with HTTP 403/404/405/413/415: `status` repeats the HTTP status
    (the sandbox's own; Eko publishes no body for these)."""
    return envelope(http_status, message, FAILURE)


def validation_error(invalid_params: dict[str, str]) -> dict[str, Any]:
    """Eko's validation error, the same in both profiles (no source shows another)."""
    answer = envelope(VALIDATION_STATUS, "Invalid parameters", FAILURE)
    answer["invalid_params"] = invalid_params
    return answer


def business_error(
    profile: str,
    code: int,
    message: str | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A documented business error (HTTP 200), with its code where `profile` puts it."""
    text = message or MESSAGES[code]
    if profile == LEGACY:
        return envelope(FAILURE, text, code, data=data)
    return envelope(code, text, FAILURE, data=data)


def failure(message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A failure without a code (`status` 1, `response_status_id` 1): the sandbox's own
    answers (denied or expired session, reused client_ref_id, document not requested)."""
    return envelope(FAILURE, message, FAILURE, data=data)


def pending_data() -> dict[str, Any]:
    # The sandbox's own addition: Eko's pending answers carry `data: {}`.
    return {"session_status": SessionState.PENDING.value}


def pending(profile: str, operation_id: str) -> dict[str, Any]:
    """The customer has not consented yet. The status call answers as eps.eko.in
    documents (`status` 1, `response_status_id` -1) in the eps profile."""
    if profile == EPS and operation_id == STATUS:
        message = STATUS_PENDING_MESSAGE
        return envelope(FAILURE, message, STATUS_CALL_NOT_SUCCESS, data=pending_data())
    return business_error(profile, PENDING_ID, data=pending_data())


def not_found(profile: str, operation_id: str, message: str | None = None) -> dict[str, Any]:
    """No session for this reference (eps.eko.in's "Invalid or expired reference_id" on
    the status call in the eps profile)."""
    if profile == EPS and operation_id == STATUS:
        text = message or STATUS_INVALID_REFERENCE_MESSAGE
        return envelope(FAILURE, text, STATUS_CALL_NOT_SUCCESS)
    return business_error(profile, NOT_FOUND_ID, message)


def session_closed(state: SessionState) -> dict[str, Any]:
    """A denied or expired session (the sandbox's own; Eko publishes none)."""
    message = {
        SessionState.CONSENT_DENIED: "The customer denied consent on DigiLocker.",
        SessionState.EXPIRED: "The DigiLocker session has expired.",
    }[state]
    return failure(message, data={"session_status": state.value})


def created(profile: str, session: Session, url: str) -> dict[str, Any]:
    return envelope(
        0,
        "DigiLocker URL created successfully"
        if profile == EPS
        else "DigiLocker URL creation success",
        0,
        TYPE_IDS[profile][CREATE],
        {
            "reference_id": session.reference_id,
            "url": url,
            "document_requested": list(session.document_requested),
            "redirect_url": session.redirect_url,
        },
    )


def _last_four(session: Session) -> str:
    return f"{session.reference_id % 10_000:04d}"


def _user_details(profile: str, session: Session) -> dict[str, Any]:
    if profile == LEGACY:  # legacy README 7.2: ISO date, words, an unmasked mobile
        return {
            "name": CUSTOMER_NAME,
            "dob": LEGACY_CUSTOMER_DOB,
            "gender": LEGACY_CUSTOMER_GENDER,
            "eaadhaar": "Available",
            "mobile": f"999999{_last_four(session)}",
        }
    return {
        "name": CUSTOMER_NAME,
        "dob": CUSTOMER_DOB,
        "gender": CUSTOMER_GENDER,
        "eaadhaar": "Y",
        "mobile": f"XXXXXX{_last_four(session)}",
    }


def status(profile: str, session: Session) -> dict[str, Any]:
    """The status answer for any state: details once authenticated, an error otherwise."""
    if session.state is SessionState.PENDING:
        return pending(profile, STATUS)
    if session.state is not SessionState.AUTHENTICATED:
        return session_closed(session.state)
    consent: list[Any] = (
        ["Y" for _ in session.document_requested]
        if profile == LEGACY
        else [{"document_type": doc, "consent": "Y"} for doc in session.document_requested]
    )
    return envelope(
        0,
        "Verification status fetched successfully"
        if profile == EPS
        else "DigiLocker Verification Status Retrieved",
        0,
        TYPE_IDS[profile][STATUS],
        {
            # The sandbox's own field, in both profiles (see the spec's SessionState).
            "session_status": session.state.value,
            "user_details": _user_details(profile, session),
            "document_requested": list(session.document_requested),
            "document_consent": consent,
        },
    )


def _document(session: Session, document_type: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "document_type": document_type,
        "name": CUSTOMER_NAME,
        "dob": CUSTOMER_DOB,
        "gender": CUSTOMER_GENDER,
        "issue_date": "01-01-2020",
    }
    if document_type == "AADHAAR":
        document["masked_aadhaar"] = f"XXXX-XXXX-{_last_four(session)}"
        document["photo"] = PHOTO
        document["address"] = {
            "house": "0",
            "street": "Sandbox Street",
            "village_or_city": "Testpur",
            "district": "Test District",
            "state": "Test State",
            "pincode": "000000",
        }
    return document


def document(profile: str, session: Session, document_types: list[str]) -> dict[str, Any]:
    """The eps document answer in both profiles (the legacy GET document call is not in
    the spec); the legacy profile sends it with the legacy id 1630."""
    return envelope(
        0,
        "Documents retrieved successfully",
        0,
        TYPE_IDS[profile][DOCUMENT],
        {
            "verification_status": "SUCCESS",
            "documents": [_document(session, doc) for doc in dict.fromkeys(document_types)],
        },
    )
