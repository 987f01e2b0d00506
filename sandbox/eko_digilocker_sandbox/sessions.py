"""In-memory DigiLocker sessions: creation, idempotency, consent decisions, expiry.

Every method takes one lock and does no I/O, so the store is safe for concurrent async
requests and for other threads (the test-control surface, a test's helper thread).
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

# The session states are the spec's `SessionState` enum, as generated from it.
from eko_digilocker_client.models import SessionState as SessionState

FIRST_REFERENCE_ID = 7_000_001


class IdempotencyConflict(Exception):
    """The `client_ref_id` was used before with a different request body."""


class SessionNotFound(Exception):
    pass


class DecisionConflict(Exception):
    """The session can no longer take this decision (already decided otherwise, or expired)."""


@dataclass
class Session:
    reference_id: int
    token: str
    developer_key: bytes
    client_ref_id: str | None
    fingerprint: str
    initiator_id: str
    user_code: str
    document_requested: list[str]
    redirect_url: str
    created_at: float
    expires_at: float
    state: SessionState = SessionState.PENDING
    verification_id: str | None = None
    redirect_location: str | None = None
    answer: bytes = field(default=b"", repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "reference_id": self.reference_id,
            "client_ref_id": self.client_ref_id,
            "session_status": self.state.value,
            "verification_id": self.verification_id,
            "document_requested": list(self.document_requested),
            "redirect_url": self.redirect_url,
            "redirect_location": self.redirect_location,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
        }


def append_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` appended to its query string; existing parameters are kept."""
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class SessionStore:
    """All sessions of one sandbox, by reference_id and by (developer_key, client_ref_id)."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float], max_sessions: int) -> None:
        self._lock = threading.Lock()
        self._ttl = ttl_seconds
        self._clock = clock
        self._max = max_sessions
        self._ids = itertools.count(FIRST_REFERENCE_ID)
        self._by_reference: dict[int, Session] = {}
        self._by_client_ref: dict[tuple[bytes, str], Session] = {}

    # --- creation --------------------------------------------------------------------

    def create(
        self,
        *,
        developer_key: bytes,
        client_ref_id: str | None,
        fingerprint: str,
        initiator_id: str,
        user_code: str,
        document_requested: list[str],
        redirect_url: str,
        render_answer: Callable[[Session], bytes],
    ) -> Session:
        """A new session, or the earlier one for a repeated `client_ref_id` and body.

        `render_answer` builds the create answer once, under the lock, so a repeated call
        gets byte-for-byte the same answer. Raises `IdempotencyConflict` when the
        `client_ref_id` was used with a different body.
        """
        with self._lock:
            if client_ref_id is not None:
                earlier = self._by_client_ref.get((developer_key, client_ref_id))
                if earlier is not None:
                    if earlier.fingerprint != fingerprint:
                        raise IdempotencyConflict(client_ref_id)
                    return earlier
            now = self._clock()
            reference_id = next(self._ids)
            session = Session(
                reference_id=reference_id,
                token=secrets.token_urlsafe(16),
                developer_key=developer_key,
                client_ref_id=client_ref_id,
                fingerprint=fingerprint,
                initiator_id=initiator_id,
                user_code=user_code,
                document_requested=document_requested,
                redirect_url=redirect_url,
                created_at=now,
                expires_at=now + self._ttl,
            )
            session.answer = render_answer(session)
            self._by_reference[reference_id] = session
            if client_ref_id is not None:
                self._by_client_ref[(developer_key, client_ref_id)] = session
            while len(self._by_reference) > self._max:
                self._forget(next(iter(self._by_reference.values())))
            return session

    def _forget(self, session: Session) -> None:
        self._by_reference.pop(session.reference_id, None)
        if session.client_ref_id is not None:
            key = (session.developer_key, session.client_ref_id)
            if self._by_client_ref.get(key) is session:
                del self._by_client_ref[key]

    # --- reading ---------------------------------------------------------------------

    def _refresh(self, session: Session) -> Session:
        """Expire a pending session whose consent window has passed."""
        if session.state is SessionState.PENDING and self._clock() >= session.expires_at:
            session.state = SessionState.EXPIRED
        return session

    def get(self, reference_id: int) -> Session | None:
        with self._lock:
            session = self._by_reference.get(reference_id)
            return None if session is None else self._refresh(session)

    def snapshot(self, reference_id: int) -> dict[str, Any] | None:
        with self._lock:
            session = self._by_reference.get(reference_id)
            return None if session is None else self._refresh(session).summary()

    def summaries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._refresh(s).summary() for s in self._by_reference.values()]

    def count(self) -> int:
        with self._lock:
            return len(self._by_reference)

    def reset(self) -> None:
        """Forget every session. Reference ids keep counting, so old ids stay unknown."""
        with self._lock:
            self._by_reference.clear()
            self._by_client_ref.clear()

    # --- consent decisions -----------------------------------------------------------

    def _decide(self, reference_id: int, state: SessionState) -> Session:
        session = self._by_reference.get(reference_id)
        if session is None:
            raise SessionNotFound(reference_id)
        self._refresh(session)
        if session.state is state:
            return session  # deciding twice the same way changes nothing
        if session.state is not SessionState.PENDING:
            raise DecisionConflict(
                f"session {reference_id} is {session.state.value}, it cannot become {state.value}"
            )
        session.state = state
        if state is SessionState.AUTHENTICATED:
            session.verification_id = f"VER-{reference_id}-{secrets.token_hex(4).upper()}"
            session.redirect_location = append_query(
                session.redirect_url,
                {"reference_id": str(reference_id), "verification_id": session.verification_id},
            )
        elif state is SessionState.CONSENT_DENIED:
            session.redirect_location = append_query(
                session.redirect_url,
                {"reference_id": str(reference_id), "status": SessionState.CONSENT_DENIED.value},
            )
        return session

    def approve(self, reference_id: int) -> dict[str, Any]:
        with self._lock:
            return self._decide(reference_id, SessionState.AUTHENTICATED).summary()

    def deny(self, reference_id: int) -> dict[str, Any]:
        with self._lock:
            return self._decide(reference_id, SessionState.CONSENT_DENIED).summary()

    def expire(self, reference_id: int) -> dict[str, Any]:
        """Expire a session now, whatever its state (the TTL only expires pending ones)."""
        with self._lock:
            session = self._by_reference.get(reference_id)
            if session is None:
                raise SessionNotFound(reference_id)
            session.state = SessionState.EXPIRED
            session.expires_at = min(session.expires_at, self._clock())
            return session.summary()
