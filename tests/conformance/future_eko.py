"""A tiny loopback server answering the journey as Eko might some day: a `reference_id`
past 2^31 (from 3,000,000,001) and fields no client has heard of at every level (top
level, `data`, each nested object and list item). The local sandbox issues neither, so
the journey test runs every language's client against this too. It plays the journey's
calls only (create, the forced 301, status, approval, document) and checks no signature."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIRST_REFERENCE_ID = 3_000_000_001


def envelope(status: int, message: str, data: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "status": status,
        "message": message,
        "response_status_id": 0 if status == 0 else -1,
        "response_type_id": 1388,
        "data": data,
        "trace_id": "future-1",  # unknown, top level
        "meta": {"region": "in", "hops": [1, 2]},
        **more,
    }


def status_answer(reference_id: int, approved: bool) -> dict[str, Any]:
    if not approved:
        data = {"session_status": "PENDING", "poll_after": 5}
        return envelope(1, "Verification pending. User has not completed consent.", data)
    data = {
        "session_status": "AUTHENTICATED",
        "user_details": {"name": "Future Customer", "dob": "01-01-1990", "pan": "XXXXX1234X"},
        "document_requested": ["AADHAAR"],
        "document_consent": [{"document_type": "AADHAAR", "consent": "Y", "at": "2030-01-01"}],
        "consented_at": {"epoch_ms": 1893456000000, "zone": "IST"},
    }
    return envelope(0, "Verification status fetched successfully", data)


def document_answer(reference_id: int) -> dict[str, Any]:
    document = {
        "document_type": "AADHAAR",
        "name": "Future Customer",
        "masked_aadhaar": "XXXX-XXXX-0001",
        "qr_signature": "c2ln",
        "address": {"pincode": "000000", "state": "Test State", "geo": {"lat": 1.5}},
    }
    data = {"verification_status": "SUCCESS", "documents": [document], "fetched_from": "x"}
    return envelope(0, "Documents retrieved successfully", data)


@contextmanager
def future_eko() -> Iterator[str]:
    lock = threading.Lock()
    ids = itertools.count(FIRST_REFERENCE_ID)
    sessions: dict[str, int] = {}  # client_ref_id -> reference_id: a repeated create
    approved: set[int] = set()

    class Answer(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, code: int, body: dict[str, Any]) -> None:
            content = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            body: dict[str, Any] = json.loads(raw or b"{}")
            return body

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            with lock:
                if path == "/tools/kyc/digilocker":
                    self._send(200, self._create(body))
                elif path == "/tools/kyc/digilocker/document":
                    self._send(200, document_answer(int(body["reference_id"])))
                elif path.startswith("/_sandbox/sessions/") and path.endswith("/approve"):
                    reference_id = int(path.split("/")[3])
                    approved.add(reference_id)
                    self._send(200, {"verification_id": f"VER-{reference_id}"})
                else:
                    self._send(404, envelope(404, "Not found", {}))

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            reference_id = int(query["reference_id"][0])
            with lock:
                self._send(200, status_answer(reference_id, reference_id in approved))

        def _create(self, body: dict[str, Any]) -> dict[str, Any]:
            client_ref_id = str(body.get("client_ref_id"))
            if client_ref_id == "SCENARIO-301":
                return envelope(301, "Invalid redirect URL provided.", {}, response_status_id=1)
            reference_id = sessions.setdefault(client_ref_id, next(ids))
            data = {
                "reference_id": reference_id,
                "url": f"https://digilocker.example/auth?session={reference_id}",
                "document_requested": body.get("document_requested"),
                "redirect_url": body.get("redirect_url"),
                "expires_in": 600,
                "extra": {"nested": True, "list": [{"deep": "x"}]},
            }
            return envelope(0, "DigiLocker URL created successfully", data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="future-eko")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
