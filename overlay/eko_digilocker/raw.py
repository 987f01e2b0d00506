"""A call's whole answer, for logging and auditing: `client.with_raw_response.<call>(...)`.

Plain calls return the typed `data` model; the raw form adds the envelope's other fields,
the `client_ref_id` sent, the number of attempts and the httpx response itself (its body
already read within the client's limit, so `.content`, `.text` and `.json()` work).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic

import httpx

from .calls import M


@dataclass(frozen=True, eq=False)
class RawResponse(Generic[M]):
    http_response: httpx.Response
    client_ref_id: str | None
    attempts: int
    _data: M = field(repr=False)

    def parse(self) -> M:
        """The success answer's `data` as the generated model (what the plain call returns)."""
        return self._data

    @cached_property
    def envelope(self) -> dict[str, Any]:
        """The whole JSON envelope Eko answered with."""
        body: dict[str, Any] = self.http_response.json()
        return body

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
