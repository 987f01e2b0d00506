"""The customer's consent per document (`document_consent` of a status answer), read from
either shape the spec's `DocumentConsentItem` describes. The generated model keeps the
items as sent, since no typed form of the two decodes in every generator."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import EkoResponseError

if TYPE_CHECKING:
    from eko_digilocker_client.models import VerificationStatusPayload


@dataclass(frozen=True)
class DocumentConsent:
    """One item: `consent` as sent (Y or N); `document_type` None for a bare string
    (legacy README 7.2), which names no document."""

    consent: str
    document_type: str | None = None


def document_consents(details: VerificationStatusPayload) -> list[DocumentConsent]:
    """Each item of `details.document_consent` (none when absent), in order.

    Raises EkoResponseError for an item of neither shape: an object whose `consent` is
    not a string or whose `document_type` is neither absent nor a string, or a value
    that is neither object nor string.
    """
    items = details.document_consent if isinstance(details.document_consent, list) else []
    return [_read(index, item) for index, item in enumerate(items)]


def _read(index: int, item: Any) -> DocumentConsent:
    if isinstance(item, str):
        return DocumentConsent(consent=item)
    if isinstance(item, dict):
        consent, document_type = item.get("consent"), item.get("document_type")
        if isinstance(consent, str) and (document_type is None or isinstance(document_type, str)):
            return DocumentConsent(consent=consent, document_type=document_type)
    raise EkoResponseError(
        f"document_consent[{index}] is neither a string nor an object with a string consent",
        http_status=None,
        body=json.dumps(item),
    )
