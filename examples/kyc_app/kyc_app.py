"""A small web app of the kind that integrates Eko's DigiLocker KYC (Starlette, async).

    POST /kyc/start                 form `customer_id`: starts a DigiLocker session and
                                    redirects the customer to its consent URL
    GET  /kyc/callback              where DigiLocker sends the customer back: reads the
                                    return with `parse_redirect`, fetches the document
    GET  /kyc/{reference_id}/status the session's consent state, polled once

Run it against the local sandbox (`make sandbox`, with the EKO_* variables of the
README's Quickstart and EKO_BASE_URL=http://127.0.0.1:8080):

    uvicorn --factory kyc_app:app_from_environment --port 8000

Its tests (`tests/`) use only the kit: the pytest plugin's sandbox, control client and
customer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from eko_digilocker import (
    AsyncEkoClient,
    ConsentState,
    EkoError,
    EkoNotFoundError,
    EkoValidationError,
    parse_redirect,
)

MAX_FORM_BYTES = 1024


@dataclass
class Verification:
    customer_id: str
    state: str = "PENDING"  # then VERIFIED, DENIED or FAILED
    name: str | None = None
    masked_aadhaar: str | None = None


def _client_ref_id() -> str:
    # Unique per call (at most 20 characters): lets the client retry a POST safely.
    return f"KYC{secrets.token_hex(8)}"


def create_app(eko: AsyncEkoClient, *, public_url: str) -> Starlette:
    """The app, calling Eko through `eko`; `public_url` is where customers reach it."""
    verifications: dict[int, Verification] = {}
    callback_url = f"{public_url.rstrip('/')}/kyc/callback"

    async def start(request: Request) -> Response:
        form = parse_qs((await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace"))
        customer_id = form.get("customer_id", [""])[0]
        if not customer_id:
            return JSONResponse({"error": "customer_id is required"}, status_code=400)
        try:
            session = await eko.create_digilocker_url(callback_url, client_ref_id=_client_ref_id())
        except EkoError as exc:
            return JSONResponse({"error": f"KYC is unavailable: {exc}"}, status_code=503)
        verifications[session.reference_id] = Verification(customer_id)
        return RedirectResponse(session.url, status_code=303)

    async def callback(request: Request) -> Response:
        try:
            back = parse_redirect(request.query_params)
        except EkoValidationError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        verification = verifications.get(back.reference_id or 0)
        if back.reference_id is None or verification is None:
            return JSONResponse({"error": "unknown KYC session"}, status_code=404)
        if back.denied:
            verification.state = "DENIED"
            return JSONResponse({"state": verification.state})
        if not back.approved or back.verification_id is None:
            verification.state = "FAILED"
            return JSONResponse({"state": verification.state, "error": back.error}, 502)
        try:
            document = await eko.get_document(
                back.reference_id, back.verification_id, client_ref_id=_client_ref_id()
            )
        except EkoNotFoundError:
            verification.state = "FAILED"
            return JSONResponse({"error": "KYC session not found: start again"}, 404)
        except EkoError as exc:
            return JSONResponse({"error": f"could not fetch the document: {exc}"}, 503)
        documents = document.documents or []
        aadhaar = documents[0] if documents else None
        verification.state = "VERIFIED"
        verification.name = aadhaar.name if aadhaar and isinstance(aadhaar.name, str) else None
        if aadhaar and isinstance(aadhaar.masked_aadhaar, str):
            verification.masked_aadhaar = aadhaar.masked_aadhaar
        return JSONResponse(
            {
                "state": verification.state,
                "customer_id": verification.customer_id,
                "name": verification.name,
                "masked_aadhaar": verification.masked_aadhaar,
            }
        )

    async def status(request: Request) -> Response:
        reference_id = request.path_params["reference_id"]
        if reference_id not in verifications:
            return JSONResponse({"error": "unknown KYC session"}, status_code=404)
        try:
            result = await eko.wait_for_consent(reference_id, timeout=0)
        except EkoError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        # One poll (timeout=0): a session still waiting for the customer reads TIMED_OUT.
        pending = result.state is ConsentState.TIMED_OUT
        return JSONResponse({"consent": "PENDING" if pending else result.state.value})

    return Starlette(
        routes=[
            Route("/kyc/start", start, methods=["POST"]),
            Route("/kyc/callback", callback, methods=["GET"]),
            Route("/kyc/{reference_id:int}/status", status, methods=["GET"]),
        ]
    )


def app_from_environment() -> Starlette:
    """For `uvicorn --factory`: the client from EKO_* variables, the app on :8000."""
    return create_app(AsyncEkoClient(), public_url="http://127.0.0.1:8000")
