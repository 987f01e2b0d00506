"""A call's whole answer, for logging and auditing: `client.with_raw_response.<call>(...)`.

Plain calls return the typed `data` model; the raw form adds the envelope's other fields,
the `client_ref_id` sent, the number of attempts and the httpx response itself (its body
already read within the client's limit, so `.content`, `.text` and `.json()` work).
"""

from __future__ import annotations

from typing import Any, Generic

import httpx

from .calls import M


class RawResponse(Generic[M]):
    # A plain slotted class: every call makes one, so it must cost next to nothing.
    __slots__ = ("_data", "_envelope", "attempts", "client_ref_id", "http_response")

    def __init__(
        self, http_response: httpx.Response, client_ref_id: str | None, attempts: int, data: M
    ) -> None:
        self.http_response = http_response
        self.client_ref_id = client_ref_id
        self.attempts = attempts
        self._data = data
        self._envelope: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return (
            f"RawResponse(http_status={self.http_response.status_code}, "
            f"client_ref_id={self.client_ref_id!r}, attempts={self.attempts})"
        )

    def parse(self) -> M:
        """The success answer's `data` as the generated model (what the plain call returns)."""
        return self._data

    @property
    def envelope(self) -> dict[str, Any]:
        """The whole JSON envelope Eko answered with."""
        if self._envelope is None:
            self._envelope = self.http_response.json()
        return self._envelope

    @property
    def status(self) -> int:
        value: int = self.envelope["status"]
        return value

    @property
    def message(self) -> str | None:
        return self.envelope.get("message")

    @property
    def response_status_id(self) -> int | None:
        return self.envelope.get("response_status_id")

    @property
    def response_type_id(self) -> int | None:
        return self.envelope.get("response_type_id")
