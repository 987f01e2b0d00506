"""Running the sandbox: the command line (`main`) and `running_sandbox` for tests and demos.

`main` binds the socket itself (port 0 picks a free one), starts uvicorn on it and,
once uvicorn listens, prints the base URL as the first line of stdout. SIGINT and
SIGTERM stop it cleanly with exit status 0.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import math
import signal
import socket
import sys
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import uvicorn

from eko_digilocker_sandbox.app import create_app
from eko_digilocker_sandbox.config import (
    PROFILES,
    UAT_ACCESS_KEY,
    UAT_DEVELOPER_KEY,
    SandboxConfig,
)
from eko_digilocker_sandbox.connections import (
    BACKLOG,
    ConnectionLimits,
    protocol_class,
    reserve_files,
)
from eko_digilocker_sandbox.faults import TIMINGS, FaultSettings
from eko_digilocker_sandbox.har import MAX_HAR_BYTES, MAX_HAR_VALUES, MIB
from eko_digilocker_sandbox.replay import Replay

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
LOG_LEVEL = "warning"

# The wheel carries no docs/: help points at the published pages.
DOCS_URL = "https://github.com/eko-digilocker/eko-digilocker/blob/main/docs/"


class _Server(uvicorn.Server):
    """uvicorn, told when it listens, and stopping on signals without re-raising them."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(sig: int, frame: FrameType | None) -> None:
            if self.should_exit:
                self.force_exit = True
            self.should_exit = True

        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, stop) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", ""):  # noqa: S104 - turning a wildcard into a usable address
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _uvicorn_config(
    config: SandboxConfig, limits: ConnectionLimits, log_level: str
) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(config),
        log_level=log_level,
        access_log=False,
        lifespan="off",
        http=protocol_class(limits),
        # No WebSocket protocol: an `Upgrade: websocket` request would otherwise leave the
        # limited HTTP protocol and be refused with an empty, non-JSON 403.
        ws="none",
        backlog=BACKLOG,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        loop="asyncio",
        server_header=False,
        timeout_graceful_shutdown=5,
    )


# --- running inside a process (tests, demo) ----------------------------------------------


@contextlib.contextmanager
def running_sandbox(
    config: SandboxConfig | None = None,
    host: str = DEFAULT_HOST,
    *,
    log_level: str = LOG_LEVEL,
    limits: ConnectionLimits | None = None,
) -> Iterator[str]:
    """Serve the sandbox on a free loopback port in a thread; yield its base URL."""
    sock = bind(host, 0)
    started = threading.Event()
    uvicorn_config = _uvicorn_config(
        config or SandboxConfig(), limits or ConnectionLimits(), log_level
    )
    server = _Server(uvicorn_config, started.set)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="eko-digilocker-sandbox", daemon=True
    )
    thread.start()
    try:
        while not started.wait(0.05):
            if not thread.is_alive():
                raise RuntimeError("the sandbox server stopped before it listened")
        yield base_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# --- the command line ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `eko-digilocker sandbox: error: ...`, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _number(text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a finite number")
    return value


def _positive(kind: type[int] | type[float], unit: str = "") -> Callable[[str], Any]:
    def check(text: str) -> Any:
        value = _number(text, kind)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive number{unit}, not {text[:40]}")
        return value

    return check


def _port(text: str) -> int:
    value = int(_number(text, int))
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, not {value}")
    return value


def _probability(text: str) -> float:
    value = _number(text, float)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _credential(text: str) -> tuple[str, str]:
    developer_key, sep, access_key = text.partition(":")
    if not sep or not developer_key or not access_key:
        raise argparse.ArgumentTypeError("use DEVELOPER_KEY:ACCESS_KEY")
    return developer_key, access_key


def _field(cls: type[Any], name: str) -> dict[str, Any]:
    """An option that sets the dataclass field `name`: its `dest`, and its default read
    from the dataclass, the one place it is written."""
    default = {field.name: field for field in dataclasses.fields(cls)}[name].default
    assert default is not dataclasses.MISSING, name
    return {"dest": name, "default": default}


def _given(args: argparse.Namespace, cls: type[Any]) -> dict[str, Any]:
    """The fields of `cls` that options of the same name set."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if f.name in args}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eko-digilocker sandbox",
        description="Local emulator of Eko's DigiLocker API: checks signatures, validates "
        "requests against the spec, plays the consent journey. Prints its base URL "
        f"as the first line of stdout. Every limit and timeout: {DOCS_URL}sandbox.md.",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port (default %(default)s; 0 = free port)"
    )
    parser.add_argument(
        "--credential",
        action="append",
        type=_credential,
        metavar="DEVELOPER_KEY:ACCESS_KEY",
        help="a known key pair (repeatable); default: Eko's public UAT pair "
        f"{UAT_DEVELOPER_KEY}:{UAT_ACCESS_KEY}",
    )
    parser.add_argument(
        "--timestamp-window",
        type=_positive(float),
        metavar="SECONDS",
        help="accepted distance of secret-key-timestamp from the server's time "
        "(default %(default)s)",
        **_field(SandboxConfig, "timestamp_window_seconds"),
    )
    parser.add_argument(
        "--reject-replay",
        action="store_true",
        help="refuse a (developer_key, timestamp, signature) already seen within the window "
        "(default: accept, as Eko's scheme does). The signature covers only the timestamp, "
        "so two clients sharing keys that sign in the same millisecond are refused too",
        **_field(SandboxConfig, "reject_replay"),
    )
    parser.add_argument(
        "--max-replay-entries",
        type=_positive(int),
        metavar="N",
        help="signatures --reject-replay remembers; beyond it new ones are refused (%(default)s)",
        **_field(SandboxConfig, "max_replay_entries"),
    )
    parser.add_argument(
        "--public-base-url",
        metavar="URL",
        help="base of consent URLs, an absolute http(s) URL (default: from the Host header)",
        **_field(SandboxConfig, "public_base_url"),
    )
    store = parser.add_argument_group("sessions")
    store.add_argument(
        "--session-ttl",
        type=_positive(float),
        metavar="SECONDS",
        help="time a pending session waits for consent before it expires (default %(default)s)",
        **_field(SandboxConfig, "session_ttl_seconds"),
    )
    store.add_argument(
        "--session-retention",
        type=_positive(float),
        metavar="SECONDS",
        help="how long a session is remembered after creation, at most (default %(default)s)",
        **_field(SandboxConfig, "session_retention_seconds"),
    )
    store.add_argument(
        "--max-sessions",
        type=_positive(int),
        metavar="N",
        help="sessions kept at once; a create beyond them is refused (default %(default)s)",
        **_field(SandboxConfig, "max_sessions"),
    )
    store.add_argument(
        "--first-reference-id",
        type=_positive(int),
        metavar="ID",
        help="reference_id of the first session, e.g. 3000000001 to try ids past 2^31 "
        "(default %(default)s)",
        **_field(SandboxConfig, "first_reference_id"),
    )
    store.add_argument(
        "--max-store-mb",
        type=_positive(int),
        default=_field(SandboxConfig, "max_store_bytes")["default"] // MIB,
        metavar="MIB",
        help="memory the sessions may hold, estimated; a create beyond it is refused (%(default)s)",
    )
    limits = parser.add_argument_group("requests and connections")
    limits.add_argument(
        "--max-body-bytes",
        type=_positive(int),
        metavar="BYTES",
        help="largest accepted request body (default %(default)s)",
        **_field(SandboxConfig, "max_body_bytes"),
    )
    limits.add_argument(
        "--max-header-bytes",
        type=_positive(int),
        metavar="BYTES",
        help="largest request line plus headers (default %(default)s)",
        **_field(ConnectionLimits, "max_header_bytes"),
    )
    for flag, name, what in (
        ("--idle-timeout", "idle_timeout", "an open connection may wait for its next request"),
        ("--header-timeout", "header_timeout", "a request's headers may take to arrive"),
        ("--body-timeout", "body_timeout", "a request's body may take to arrive after its headers"),
        ("--send-timeout", "send_timeout", "the client may take to read an answer sent to it"),
    ):
        limits.add_argument(
            flag,
            type=_positive(float),
            metavar="SECONDS",
            help=f"time {what} (default %(default)s)",
            **_field(ConnectionLimits, name),
        )
    limits.add_argument(
        "--max-connections",
        type=_positive(int),
        metavar="N",
        help="open connections at once; more are answered 503 and closed (default %(default)s)",
        **_field(ConnectionLimits, "max_connections"),
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        help="which of Eko's documented answer variants to send: eps (error codes in "
        "`status`, eps.eko.in fields) or legacy (codes in `response_status_id`, the legacy "
        "README's status shape and ids 1627/1628/1630); default %(default)s",
        **_field(SandboxConfig, "profile"),
    )
    parser.add_argument(
        "--replay",
        type=Path,
        dest="replay_har",
        metavar="FILE.har",
        help="answer requests that match one recorded by `eko-digilocker proxy --record` "
        "with the recorded answer (same operation, body and query apart from "
        "client_ref_id and signing); everything else as usual",
    )
    parser.add_argument(
        "--max-har-mb",
        type=_positive(int),
        default=MAX_HAR_BYTES // MIB,
        metavar="MIB",
        help="largest --replay file read; a larger one is refused at start (%(default)s)",
    )
    parser.add_argument(
        "--max-har-values",
        type=_positive(int),
        default=MAX_HAR_VALUES,
        metavar="N",
        help="most JSON values in a --replay file, counted before parsing it (each costs "
        "up to ~100 bytes parsed); a file with more is refused at start (%(default)s)",
    )
    faults = parser.add_argument_group("fault injection (off by default; API paths only)")
    for flag, name, help_text in (
        (
            "--fault-latency",
            "latency_probability",
            "probability of added latency (--fault-latency-ms)",
        ),
        ("--fault-5xx", "http_5xx_probability", "probability of an HTTP 502/503 answer"),
        ("--fault-drop", "drop_probability", "probability of a dropped connection (no answer)"),
        ("--fault-truncate", "truncate_probability", "probability of an answer cut off halfway"),
        ("--fault-html", "html_probability", "probability of an HTML (non-JSON) answer"),
    ):
        faults.add_argument(
            flag, type=_probability, metavar="P", help=help_text, **_field(FaultSettings, name)
        )
    faults.add_argument(
        "--fault-latency-ms", type=float, metavar="MS", **_field(FaultSettings, "latency_ms")
    )
    faults.add_argument(
        "--fault-html-status",
        type=int,
        metavar="STATUS",
        help="HTTP status of HTML answers (default %(default)s)",
        **_field(FaultSettings, "html_status"),
    )
    faults.add_argument(
        "--fault-timing",
        choices=TIMINGS,
        help="strike before the operation runs, after it (answer lost), or either "
        "(default %(default)s)",
        **_field(FaultSettings, "timing"),
    )
    faults.add_argument(
        "--fault-seed",
        type=int,
        metavar="N",
        help="seed of the fault RNG",
        **_field(FaultSettings, "seed"),
    )
    parser.add_argument(
        "--log-level", default=LOG_LEVEL, choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    config = SandboxConfig(
        **_given(args, SandboxConfig),
        max_store_bytes=args.max_store_mb * MIB,
        faults=FaultSettings(**_given(args, FaultSettings)),
        replay=(
            Replay.from_har(args.replay_har, args.max_har_mb * MIB, args.max_har_values)
            if args.replay_har
            else None
        ),
    )
    if args.credential:
        config = dataclasses.replace(config, credentials=dict(args.credential))
    return config


def limits_from_args(args: argparse.Namespace) -> ConnectionLimits:
    return ConnectionLimits(**_given(args, ConnectionLimits))


def main(argv: Sequence[str] | None = None) -> int:
    """`eko-digilocker sandbox ...`: serve until SIGINT/SIGTERM; 0 on a clean stop.

    A setting that cannot work is refused before anything listens, with one line on
    stderr and exit status 2."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        config = config_from_args(args)
        limits = limits_from_args(args)
        reserve_files(limits.max_connections)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        sock = bind(args.host, args.port)
    except (OSError, OverflowError) as exc:
        message = f"eko-digilocker sandbox: cannot listen on {args.host}:{args.port}: {exc}"
        print(message, file=sys.stderr)
        return 1
    url = base_url(sock)

    def announce() -> None:
        print(url, flush=True)

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    server = _Server(_uvicorn_config(config, limits, args.log_level), announce)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0 if server.started else 1
