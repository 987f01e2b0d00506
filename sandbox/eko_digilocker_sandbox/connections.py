"""Connection limits: what one TCP peer can make the sandbox hold open, and for how long.

uvicorn's HTTP/1.1 protocol (h11) times out only the wait between two requests
(`timeout_keep_alive`), and its `limit_concurrency` answers a plain-text 503. This
subclass adds, per connection:

- idle timeout: no byte of a request within `idle_timeout` of the connection opening or
  of the previous answer -> closed (uvicorn's keep-alive timer, also armed on connect);
- header timeout: a request's headers not complete within `header_timeout` of its first
  byte -> HTTP 408 envelope, closed (slowloris);
- body timeout: a request's body not complete within `body_timeout` of its headers ->
  HTTP 408 envelope if no answer has started yet, closed;
- send timeout: answers backed up in our write buffer (the client does not read them)
  for `send_timeout` -> connection aborted. Without it a peer that never reads holds its
  connection, and the unsent megabytes, forever: closing waits for the buffer to drain;
- connection cap: a connection beyond `max_connections` open ones -> HTTP 503 envelope,
  closed at once;
- a request with both Content-Length and Transfer-Encoding: answered (the body read
  by Transfer-Encoding), then the connection is closed (RFC 9112 6.1);
- header size: a request line plus headers over `max_header_bytes` -> HTTP 400
  envelope, closed; any request h11 cannot parse gets a 400 envelope too. Measured in
  h11's buffer just before h11 parses each head, so a head that arrived behind another
  request (pipelined) is measured too: h11's own bound sees incomplete heads only.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from eko_digilocker_sandbox import answers


@dataclass(frozen=True)
class ConnectionLimits:
    idle_timeout: float = 5.0
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    send_timeout: float = 30.0
    max_connections: int = 1000
    max_header_bytes: int = 16 * 1024

    def __post_init__(self) -> None:
        for name in ("idle_timeout", "header_timeout", "body_timeout", "send_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.max_connections < 1:
            raise ValueError("max_connections must be positive")
        if self.max_header_bytes < 1024:
            raise ValueError("max_header_bytes must be at least 1024")


#: The listen queue. asyncio accepts up to this many connections in one go before any
#: is refused, so a burst beyond the cap briefly holds a few queues' worth of sockets.
BACKLOG = 128
#: Files the process holds besides its connections (listening socket, event loop,
#: standard streams: 8 measured), plus the sockets of a burst beyond the cap.
SPARE_FILES = 16 + 3 * BACKLOG


def reserve_files(max_connections: int) -> None:
    """Raise this process's open-file limit to what `max_connections` needs, or raise
    ValueError saying why it cannot be. Past the limit accept() fails (EMFILE) and the
    server stops answering everyone, so the cap must fit under it."""
    try:
        import resource
    except ImportError:  # not on Unix: nothing to raise
        return
    needed = max_connections + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise ValueError(
            f"--max-connections {max_connections} needs {needed} open files, but this "
            f"process may open at most {hard} (ulimit -n): lower --max-connections"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


_HEAD_END = re.compile(rb"\n\r?\n")
_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 503: b"Service Unavailable"}


def raw_envelope(status: int, message: str) -> bytes:
    """A whole HTTP/1.1 answer carrying an Eko envelope, closing the connection."""
    body = answers.encode(answers.http_error(status, message))
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"connection: close\r\n\r\n" % (status, _REASONS[status], len(body))
    )
    return head + body


class _HeadLimitedConnection(h11.Connection):
    """h11's server side, measuring each request head in its buffer before parsing it.

    Calls `too_big` (and parses nothing more) when the next head is, or is becoming,
    longer than `max_head_bytes`."""

    def __init__(self, max_head_bytes: int, too_big: Callable[[], None]) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=max_head_bytes)
        self._max_head_bytes = max_head_bytes
        self._too_big = too_big
        self._refused = False

    def next_event(self) -> Any:
        if self.their_state is h11.IDLE and not self._refused:
            # `trailing_data` copies the buffer: once per request, and the buffer holds
            # at most one read (uvicorn stops reading while a pipelined request waits).
            buffered = self.trailing_data[0]
            if len(buffered) > self._max_head_bytes and not _HEAD_END.search(
                buffered, 0, self._max_head_bytes
            ):
                self._refused = True
                self._too_big()
        if self._refused:
            return h11.NEED_DATA
        event = super().next_event()
        if isinstance(event, h11.Request):
            names = {name for name, _ in event.headers}
            if b"content-length" in names and b"transfer-encoding" in names:
                # RFC 9112 6.1: h11 reads the body by Transfer-Encoding, as allowed, but
                # the connection MUST close after the answer (a request-smuggling guard).
                # h11 then writes `connection: close` itself; its own API has no switch.
                self._cstate.process_keep_alive_disabled()
        return event


def protocol_class(limits: ConnectionLimits) -> type[H11Protocol]:
    """An h11 protocol for uvicorn's `Config(http=...)` that enforces `limits`."""

    class LimitedH11Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # uvicorn's keep-alive timer is the idle timeout between requests.
            self.timeout_keep_alive = limits.idle_timeout  # type: ignore[assignment]
            self._deadline: asyncio.TimerHandle | None = None
            self._send_deadline: asyncio.TimerHandle | None = None
            self.conn = _HeadLimitedConnection(limits.max_header_bytes, self._head_too_big)

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                message = (
                    f"Too many connections: the sandbox holds at most "
                    f"{limits.max_connections} open (--max-connections)"
                )
                self._refuse(503, message)
                return
            # uvicorn arms its keep-alive timer only after an answer; arm it on connect too.
            self.timeout_keep_alive_task = self.loop.call_later(
                limits.idle_timeout, self.timeout_keep_alive_handler
            )

        def data_received(self, data: bytes) -> None:
            waiting_for_headers = self.conn.their_state is h11.IDLE
            if waiting_for_headers and self._deadline is None:
                self._arm(limits.header_timeout, self._headers_too_slow)
            super().data_received(data)
            state = self.conn.their_state
            if state is h11.SEND_BODY and (waiting_for_headers or self._deadline is None):
                self._arm(limits.body_timeout, self._body_too_slow)
            elif state is not h11.IDLE and state is not h11.SEND_BODY:
                self._disarm()  # the whole request is in

        def on_response_complete(self) -> None:
            self._disarm()
            # Checked before uvicorn's own handling, which returns early once closing.
            if self.transport.get_write_buffer_size():
                self._arm_send_deadline()
            super().on_response_complete()

        def pause_writing(self) -> None:
            super().pause_writing()  # the write buffer is over its high-water mark
            self._arm_send_deadline()

        def _arm_send_deadline(self) -> None:
            if self._send_deadline is None:
                self._send_deadline = self.loop.call_later(
                    limits.send_timeout, self._answer_not_taken
                )

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._send_deadline is not None:
                self._send_deadline.cancel()
            super().connection_lost(exc)

        def _answer_not_taken(self) -> None:
            self._send_deadline = None
            if self.transport.get_write_buffer_size():
                self.transport.abort()  # close() would wait for the client to read

        def _should_upgrade(self) -> bool:
            # The sandbox speaks HTTP/1.1 only (no WebSocket protocol, `ws="none"`), so it
            # declines every offer to switch protocols by answering over HTTP/1.1, which
            # RFC 9110 7.8 allows. Java's HttpClient offers `Upgrade: h2c` on every
            # plain-HTTP request; uvicorn logged two warnings for each, one of them telling
            # the user to install a WebSocket library.
            return False

        def send_400_response(self, msg: str) -> None:
            self._refuse(400, f"Bad request: not a valid HTTP/1.1 request ({msg.rstrip('.')})")

        def _arm(self, seconds: float, handler: Any) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, handler)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _head_too_big(self) -> None:
            message = (
                f"Bad request: the request line and headers exceed "
                f"{limits.max_header_bytes} bytes (--max-header-bytes)"
            )
            self._refuse(400, message)

        def _headers_too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state is h11.IDLE:
                message = (
                    f"Request Timeout: the request headers did not arrive within "
                    f"{limits.header_timeout:g} s (--header-timeout)"
                )
                self._refuse(408, message)

        def _body_too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state is not h11.SEND_BODY:
                return
            if self.cycle is not None and not self.cycle.response_started:
                message = (
                    f"Request Timeout: the request body did not arrive within "
                    f"{limits.body_timeout:g} s (--body-timeout)"
                )
                self._refuse(408, message)
            else:
                self.transport.close()

        def _refuse(self, status: int, message: str) -> None:
            """Answer with an envelope and close, bypassing h11's state (the request is
            incomplete, so h11 would not let us answer it)."""
            self._unset_keepalive_if_required()
            if not self.transport.is_closing():
                self.transport.write(raw_envelope(status, message))
                self.transport.close()

    return LimitedH11Protocol
