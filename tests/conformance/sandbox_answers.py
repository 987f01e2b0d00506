"""The answers the local sandbox sends, in both profiles, made by its own answer module
(`eko_digilocker_sandbox.answers`) for one synthetic session. The corpus holds each of
them as a case (tests/conformance/test_corpus.py checks it), so a change in what the
sandbox sends shows up as a case the corpus lacks."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from eko_digilocker_sandbox import answers
from eko_digilocker_sandbox.config import PROFILES
from eko_digilocker_sandbox.sessions import Session, SessionState

CREATE, STATUS, DOCUMENT = answers.CREATE, answers.STATUS, answers.DOCUMENT

SESSION = Session(
    reference_id=7_000_001,
    token="t",
    developer_key=b"k",
    client_ref_id=None,
    fingerprint="f",
    initiator_id="9962981729",
    user_code="20810200",
    document_requested=["AADHAAR"],
    redirect_url="https://yourapp.example/kyc/callback",
    created_at=0.0,
    expires_at=600.0,
)
URL = "http://127.0.0.1:8080/consent/7000001?token=t"


def sandbox_answers() -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    """(what, operationId, HTTP status, body) of every kind of answer, per profile."""
    for profile in PROFILES:
        at = dataclasses.replace

        def name(what: str, p: str = profile) -> str:
            return f"sandbox {p}: {what}"

        yield name("created"), CREATE, 200, answers.created(profile, SESSION, URL)
        for code in (301, 346, 319):
            yield name(f"create refused {code}"), CREATE, 200, answers.business_error(profile, code)
        yield name("validation error"), CREATE, 200, answers.validation_error({"x": "bad"})
        for state in SessionState:
            session = at(SESSION, state=state)
            yield name(f"status {state.value}"), STATUS, 200, answers.status(profile, session)
        for op in (STATUS, DOCUMENT):
            yield name(f"{op} unknown reference"), op, 200, answers.not_found(profile, op)
        yield name("document pending"), DOCUMENT, 200, answers.pending(profile, DOCUMENT)
        session = at(SESSION, state=SessionState.AUTHENTICATED)
        yield name("document"), DOCUMENT, 200, answers.document(profile, session, ["AADHAAR"])
    yield "sandbox: bad signature", STATUS, 403, answers.http_error(403, "Authentication failed")
