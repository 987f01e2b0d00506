"""A call's frozen configuration: all that a flow reads of its client (`flow.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # annotations only: this module sits below all that uses it
    import httpx

    from .options import Settings
    from .retries import RetryPolicy
    from .signing import EkoAuth


class ClientConfig(NamedTuple):
    """What a flow reads of its client, fixed when the client is made (frozen)."""

    settings: Settings  # credentials and default identifiers, for preparing calls
    auto_client_ref_id: bool
    signer: EkoAuth  # hands out strictly increasing timestamps, and signs them
    # Host, the client's default headers and the developer key, as sent
    fixed_headers: tuple[tuple[bytes, bytes], ...]
    base_url: str
    host: str
    phase_timeout: httpx.Timeout
    longest_phase: float
    max_response_bytes: int
    policy: RetryPolicy


class Config(NamedTuple):
    """One call's configuration: the client's, the retry policy and the deadline (a
    clock instant, or None for no deadline)."""

    client: ClientConfig
    policy: RetryPolicy
    until: float | None


Clock = Callable[[], float]  # seconds, only ever compared with itself (time.monotonic)
