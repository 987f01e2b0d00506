"""The JSON answers the sandbox sends, shaped like the examples in the spec.

Every answer is an Eko envelope: `status`, `message`, `response_status_id`,
`response_type_id`, `data` (and `invalid_params` on validation errors). The data is
synthetic and obviously fake: no real person's details are ever produced.
"""

from __future__ import annotations

import json
from typing import Any

from eko_digilocker_sandbox.sessions import Session, SessionState

# response_type_id of each success shape (spec examples)
CREATED_TYPE_ID = 1388
STATUS_TYPE_ID = 1389
DOCUMENT_TYPE_ID = 1390
ERROR_TYPE_ID = -1

VALIDATION_STATUS = 461
FAILURE = 1  # response_status_id of a failure

PENDING_ID = 327
NOT_FOUND_ID = 463
INVALID_REDIRECT_ID = 301
USER_NOT_ONBOARDED_ID = 346
INVALID_INITIATOR_ID = 319

MESSAGES = {
    INVALID_REDIRECT_ID: "Invalid redirect URL provided.",
    USER_NOT_ONBOARDED_ID: "User not onboarded for this service or wrong user_code.",
    INVALID_INITIATOR_ID: "Invalid initiator.",
    PENDING_ID: "Verification pending. The customer has not completed the DigiLocker journey.",
    NOT_FOUND_ID: "No DigiLocker session found for this reference_id.",
}

# A 1x1 transparent PNG: the synthetic customer's "photo".
PHOTO = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)
CUSTOMER_NAME = "Sandbox Test Customer"
CUSTOMER_DOB = "01-01-1990"
CUSTOMER_GENDER = "F"


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
    """The envelope sent with HTTP 403/404/405/413/415: `status` repeats the HTTP status."""
    return envelope(http_status, message, FAILURE)


def validation_error(invalid_params: dict[str, str]) -> dict[str, Any]:
    answer = envelope(VALIDATION_STATUS, "Invalid parameters", FAILURE)
    answer["invalid_params"] = invalid_params
    return answer


def business_error(
    response_status_id: int, message: str | None = None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A documented business error: HTTP 200, `status` 1."""
    return envelope(1, message or MESSAGES[response_status_id], response_status_id, data=data)


def pending(message: str | None = None) -> dict[str, Any]:
    return business_error(PENDING_ID, message, {"session_status": SessionState.PENDING.value})


def not_found(message: str | None = None) -> dict[str, Any]:
    return business_error(NOT_FOUND_ID, message)


def session_closed(state: SessionState) -> dict[str, Any]:
    """A denied or expired session (sandbox behaviour; Eko publishes none)."""
    message = {
        SessionState.CONSENT_DENIED: "The customer denied consent on DigiLocker.",
        SessionState.EXPIRED: "The DigiLocker session has expired.",
    }[state]
    return envelope(1, message, FAILURE, data={"session_status": state.value})


def created(session: Session, url: str) -> dict[str, Any]:
    return envelope(
        0,
        "DigiLocker URL created successfully",
        0,
        CREATED_TYPE_ID,
        {
            "reference_id": session.reference_id,
            "url": url,
            "document_requested": list(session.document_requested),
            "redirect_url": session.redirect_url,
        },
    )


def _last_four(session: Session) -> str:
    return f"{session.reference_id % 10_000:04d}"


def status(session: Session) -> dict[str, Any]:
    """The status answer for any state: details once authenticated, an error otherwise."""
    if session.state is SessionState.PENDING:
        return pending()
    if session.state is not SessionState.AUTHENTICATED:
        return session_closed(session.state)
    return envelope(
        0,
        "Verification status fetched successfully",
        -1,
        STATUS_TYPE_ID,
        {
            "session_status": session.state.value,
            "user_details": {
                "name": CUSTOMER_NAME,
                "dob": CUSTOMER_DOB,
                "gender": CUSTOMER_GENDER,
                "eaadhaar": "Y",
                "mobile": f"XXXXXX{_last_four(session)}",
            },
            "document_requested": list(session.document_requested),
            "document_consent": [
                {"document_type": doc, "consent": "Y"} for doc in session.document_requested
            ],
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


def document(session: Session, document_types: list[str]) -> dict[str, Any]:
    return envelope(
        0,
        "Document fetched successfully",
        0,
        DOCUMENT_TYPE_ID,
        {
            "verification_status": "SUCCESS",
            "documents": [_document(session, doc) for doc in dict.fromkeys(document_types)],
        },
    )
