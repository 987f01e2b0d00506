"""In-memory DigiLocker sessions: creation, idempotency, consent decisions, expiry.

Every method takes one lock and does no I/O, so the store is safe for concurrent async
requests and for other threads (the test-control surface, a test's helper thread).
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

# The session states are the spec's `SessionState` enum, as generated from it.
from eko_digilocker_client.models import SessionState as SessionState

FIRST_REFERENCE_ID = 7_000_001
#: More digits than any reference_id has; a longer one names no session (and int() of
#: an unbounded digit string is slow, and refused past 4,300 digits).
MAX_REFERENCE_ID_DIGITS = 18


def reference_id_in(text: str) -> int | None:
    """The reference_id a URL path segment names, or None when it can name no session."""
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_REFERENCE_ID_DIGITS):
        return None
    return int(text)


# The largest first id: JSON numbers past 2^53 lose precision in JavaScript clients.
MAX_FIRST_REFERENCE_ID = 2**53 - 2**32


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


#: Bytes one session costs beyond its variable-length fields: the Session object, its
#: dict entries, token, floats and deque slot. tracemalloc measured 1,507 bytes for a
#: whole approved session with short fields (estimate below: 1,678) and 9,484 with a
#: 2 KB redirect_url (estimate: 9,630), 2,758 with 4-byte characters filling every text
#: field (estimate: 3,172): the estimate errs high (tests/sandbox/test_store_limits.py).
SESSION_OVERHEAD_BYTES = 1000


def text_bytes(text: str) -> int:
    """Bytes CPython holds for `text`'s characters: 1, 2 or 4 each, by the widest one,
    and for non-ASCII text also the UTF-8 copy it may cache (at most 4 a character)."""
    if text.isascii():
        return len(text)
    widest = ord(max(text))
    return len(text) * ((1 if widest < 0x100 else 2 if widest < 0x10000 else 4) + 4)


def session_cost(session: Session) -> int:
    """An estimate of the memory a session holds, for the store's byte budget.

    `redirect_url` counts twice: `redirect_location` repeats it once a decision is made;
    the fingerprint (the canonical body) and the rendered answer repeat it once more each."""
    text = (
        text_bytes(session.fingerprint)
        + text_bytes(session.client_ref_id or "")
        + text_bytes(session.initiator_id)
        + text_bytes(session.user_code)
        + 2 * text_bytes(session.redirect_url)
        + sum(text_bytes(doc) + 60 for doc in session.document_requested)
    )
    return SESSION_OVERHEAD_BYTES + text + len(session.answer)


def _size(count: int) -> str:
    """`count` bytes for a person: `1.0 MiB`, `0.5 MiB`, `12 KiB`."""
    mib = count / (1024 * 1024)
    return f"{mib:.1f} MiB" if mib >= 0.1 else f"{count / 1024:.0f} KiB"


class StoreFull(Exception):
    """No room for a new session, and no session whose consent window is over to forget."""


class SessionStore:
    """All sessions of one sandbox, by reference_id and by (developer_key, client_ref_id).

    Sessions live in creation order (a deque), which is also the order their consent
    windows close, because every session gets the same TTL. So forgetting the oldest
    session is O(1) and a create is O(1). A session is kept at least `ttl_seconds` (its
    consent window) and at most `retention_seconds` after creation; between the two it
    is forgotten early only when the store is full. When the store is full of sessions
    whose window is still open, a create raises `StoreFull`: live sessions are never
    dropped. Reference ids count up, so the listing can page by id; they skip only
    `reserved_ids` (those of a replayed recording, which must keep their recorded meaning).
    """

    def __init__(
        self,
        *,
        ttl_seconds: float,
        retention_seconds: float,
        clock: Callable[[], float],
        max_sessions: int,
        max_bytes: int,
        reserved_ids: frozenset[int] = frozenset(),
        first_reference_id: int = FIRST_REFERENCE_ID,
    ) -> None:
        self._lock = threading.Lock()
        self._reserved = reserved_ids
        self._ttl = ttl_seconds
        self._retention = retention_seconds
        self._clock = clock
        self._max = max_sessions
        self._max_bytes = max_bytes
        self._next_id = first_reference_id
        self._in_order: deque[Session] = deque()
        self._bytes = 0
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
        `client_ref_id` was used with a different body, `StoreFull` when there is no room.
        """
        with self._lock:
            now = self._clock()
            self._forget_older_than(now - self._retention)
            if client_ref_id is not None:
                earlier = self._by_client_ref.get((developer_key, client_ref_id))
                if earlier is not None:
                    if earlier.fingerprint != fingerprint:
                        raise IdempotencyConflict(client_ref_id)
                    return earlier
            while self._next_id in self._reserved:
                self._next_id += 1
            session = Session(
                reference_id=self._next_id,
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
            cost = session_cost(session)
            if not self._has_room(cost):
                # Expire first: forget sessions whose consent window is over, oldest first.
                self._forget_older_than(now - self._ttl, until_room_for=cost)
                if not self._has_room(cost):
                    raise StoreFull(self._full_message())
            self._next_id += 1
            self._in_order.append(session)
            self._bytes += cost
            self._by_reference[session.reference_id] = session
            if client_ref_id is not None:
                self._by_client_ref[(developer_key, client_ref_id)] = session
            return session

    def _has_room(self, cost: int) -> bool:
        return len(self._in_order) < self._max and self._bytes + cost <= self._max_bytes

    def _full_message(self) -> str:
        return (
            f"The sandbox's session store is full ({len(self._in_order)} sessions, about "
            f"{_size(self._bytes)}; limits {self._max} sessions, "
            f"{_size(self._max_bytes)}) and every session is still inside "
            f"its {self._ttl:g} s consent window. Retry later, reset the sandbox, or start "
            "it with a larger --max-sessions / --max-store-mb."
        )

    def _forget_older_than(self, created_before: float, until_room_for: int = 0) -> None:
        """Forget the oldest sessions created before `created_before`; with
        `until_room_for`, stop as soon as a session of that cost fits."""
        in_order = self._in_order
        while in_order and in_order[0].created_at <= created_before:
            if until_room_for and self._has_room(until_room_for):
                return
            self._forget(in_order.popleft())

    def _forget(self, session: Session) -> None:
        self._bytes -= session_cost(session)
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
            self._forget_older_than(self._clock() - self._retention)
            session = self._by_reference.get(reference_id)
            return None if session is None else self._refresh(session)

    def snapshot(self, reference_id: int) -> dict[str, Any] | None:
        with self._lock:
            self._forget_older_than(self._clock() - self._retention)
            session = self._by_reference.get(reference_id)
            return None if session is None else self._refresh(session).summary()

    def page(self, after: int | None, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """Up to `limit` session summaries with reference_id above `after`, ascending,
        and the reference_id to pass as `after` for the next page (None on the last)."""
        with self._lock:
            self._forget_older_than(self._clock() - self._retention)
            if not self._in_order:
                return [], None
            start = self._in_order[0].reference_id
            if after is not None:
                start = max(start, after + 1)
            found: list[dict[str, Any]] = []
            reference_id = start
            while reference_id < self._next_id and len(found) < limit:
                session = self._by_reference.get(reference_id)
                if session is not None:
                    found.append(self._refresh(session).summary())
                reference_id += 1
            more = bool(found) and found[-1]["reference_id"] < self._in_order[-1].reference_id
            return found, (found[-1]["reference_id"] if more else None)

    def count(self) -> int:
        with self._lock:
            return len(self._in_order)

    def bytes_used(self) -> int:
        with self._lock:
            return self._bytes

    def reset(self) -> None:
        """Forget every session. Reference ids keep counting, so old ids stay unknown."""
        with self._lock:
            self._in_order.clear()
            self._bytes = 0
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
