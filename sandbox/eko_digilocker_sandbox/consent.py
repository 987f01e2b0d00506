"""The consent page the create call's `url` points at: DigiLocker's part of the journey.

`GET /consent/{reference_id}?token=...` shows Approve / Deny. Posting the form decides:
Approve redirects (303) to `redirect_url` with `reference_id` and `verification_id`
appended to its query; Deny redirects with `reference_id` and `status=CONSENT_DENIED`.
"""

from __future__ import annotations

import hmac
from html import escape
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from eko_digilocker_sandbox.sessions import (
    DecisionConflict,
    Session,
    SessionNotFound,
    SessionState,
    reference_id_in,
)
from eko_digilocker_sandbox.state import ServerState

_MAX_FORM_BYTES = 4096

#: What the customer reads for each `DocumentType` of the spec (the one place for it; a
#: test checks it covers the spec's enum exactly).
DOCUMENT_NAMES = {
    "AADHAAR": "Aadhaar",
    "PAN": "PAN",
    "DRIVING_LICENSE": "Driving licence",
}

# Phones first: DigiLocker consent happens on a phone. One column, full-width buttons
# stacked below 480 px, nothing wider than the 360 px viewport.
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
*{{box-sizing:border-box}}
body{{font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;
line-height:1.5;font-size:1rem;overflow-wrap:anywhere}}
h1{{font-size:1.4rem;margin:.5rem 0 1rem}}
.note{{color:#8a0000;background:#fff3f3;padding:.5rem .75rem;border-radius:.25rem}}
ul.docs{{padding-left:1.25rem}}
.actions{{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.5rem}}
button{{font-size:1rem;padding:.75rem 1.5rem;min-height:44px;flex:1 1 10rem;
border-radius:.375rem;border:1px solid #555;background:#fff;cursor:pointer}}
button.approve{{background:#0b5cad;color:#fff;border-color:#0b5cad}}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="note">eko-digilocker sandbox: a simulated DigiLocker consent page.
No real DigiLocker account or document is involved.</p>
{content}
</body>
</html>
"""


def document_name(document_type: str) -> str:
    return DOCUMENT_NAMES.get(document_type, document_type)


def _page(title: str, content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), content=content), status_code=status)


def _not_found() -> HTMLResponse:
    return _page("Consent request not found", "<p>This consent link is unknown.</p>", 404)


def _closed(session: Session) -> HTMLResponse:
    if session.state is SessionState.EXPIRED:
        return _page("Consent request expired", "<p>This consent link has expired.</p>", 410)
    link = escape(session.redirect_location or session.redirect_url)
    return _page(
        "Consent already given"
        if session.state is SessionState.AUTHENTICATED
        else "Consent denied",
        f"<p>Decision recorded: {escape(session.state.value)}. "
        f'<a href="{link}">Return to the application</a></p>',
    )


def consent_routes(state: ServerState) -> list[Route]:
    def find(path_segment: str, token: str) -> Session | None:
        reference_id = reference_id_in(path_segment)
        session = None if reference_id is None else state.store.get(reference_id)
        if session is None or not hmac.compare_digest(
            session.token.encode(), token.encode("utf-8", "replace")
        ):
            return None
        return session

    async def show(request: Request) -> Response:
        session = find(request.path_params["reference_id"], request.query_params.get("token", ""))
        if session is None:
            return _not_found()
        if session.state is not SessionState.PENDING:
            return _closed(session)
        documents = "".join(
            f"<li>{escape(document_name(doc))}</li>"
            for doc in dict.fromkeys(session.document_requested)
        )
        action = f"/consent/{session.reference_id}"
        token = escape(session.token)
        form = (
            f'<form method="post" action="{action}" class="actions">'
            f'<input type="hidden" name="token" value="{token}">'
            f'<button type="submit" name="decision" value="approve" class="approve">'
            f"Approve</button>"
            f'<button type="submit" name="decision" value="deny" class="deny">Deny</button>'
            f"</form>"
        )
        content = (
            f"<p>An application asks to read these documents from your DigiLocker:</p>"
            f'<ul class="docs">{documents}</ul>'
            f"<p>Reference {session.reference_id}.</p>{form}"
        )
        return _page("Share documents from DigiLocker?", content)

    async def decide(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > _MAX_FORM_BYTES:
                return _page("Request too large", "<p>The form is too large.</p>", 413)
        try:
            form = dict(parse_qsl(body.decode("utf-8"), max_num_fields=10))
        except ValueError:
            return _page("Bad request", "<p>The form could not be read.</p>", 400)
        session = find(request.path_params["reference_id"], form.get("token", ""))
        if session is None:
            return _not_found()
        decision = form.get("decision")
        try:
            if decision == "approve":
                summary = state.store.approve(session.reference_id)
            elif decision == "deny":
                summary = state.store.deny(session.reference_id)
            else:
                return _page("Bad request", "<p>Choose Approve or Deny.</p>", 400)
        except SessionNotFound:
            return _not_found()
        except DecisionConflict:
            return _closed(session)
        return RedirectResponse(summary["redirect_location"], status_code=303)

    return [
        Route("/consent/{reference_id}", show, methods=["GET"]),
        Route("/consent/{reference_id}", decide, methods=["POST"]),
    ]
