"""The customer's return to your `redirect_url`, read into a typed result.

What the return carries, by source:
- Eko's legacy page (openapi-spec README 7.1): `redirect_url` "will contain the
  verification_id"; its sample appends `?verification_id=123456`.
- eps.eko.in (eps-platform api-specs.ts) only says the customer is "redirected back to
  the provided redirect_url"; `reference_id` comes from the create answer, so a return
  without it is valid and you pair it with the reference you stored.
- The local sandbox: `reference_id` + `verification_id` on approval, `reference_id` +
  `status=CONSENT_DENIED` on denial (the session states of the spec).
- DigiLocker's own OAuth return, which a provider may pass through: `error`
  (`access_denied` when the customer declines) and `error_description`.

Exactly one of `approved`, `denied` and `error` holds for every parsed return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from .errors import EkoValidationError
from .spec import FieldError

OPERATION = "parse_redirect"
# The return URL comes from the customer's browser: bound what we read of it.
MAX_REDIRECT_LENGTH = 8192
# A reference id is a 64-bit signed integer (docs/answer-rule.md).
MAX_REFERENCE_ID = 2**63 - 1
# DigiLocker's OAuth error for a customer who declines (RFC 6749 section 4.1.2.1).
OAUTH_DENIED = "access_denied"
# Eko's `verification_status` of a completed verification (eps.eko.in document answer).
EKO_SUCCESS = "SUCCESS"


@dataclass(frozen=True)
class ConsentRedirect:
    """What the customer came back with. `reference_id` is None when the return does
    not carry it (Eko's documented return names only the verification id)."""

    reference_id: int | None
    verification_id: str | None
    denied: bool
    error: str | None

    @property
    def approved(self) -> bool:
        """Consent given: a verification id to fetch the document with, and no denial."""
        return self.verification_id is not None and not self.denied and self.error is None


def parse_redirect(
    url: str | Mapping[str, Any], *, max_length: int = MAX_REDIRECT_LENGTH
) -> ConsentRedirect:
    """Read the return to `redirect_url`: the full URL, its query string, or the query
    as a mapping (`request.query_params`, `request.args`, `parse_qs` output...).

    Raises EkoValidationError for a malformed value (a non-numeric `reference_id`, two
    different values of one parameter, an empty `verification_id`, a URL over
    `max_length` characters).
    """
    params = _params(url, max_length)
    reference = _one(params, "reference_id")
    verification_id = _one(params, "verification_id")
    status = (_one(params, "status") or "").upper()
    error_code = _one(params, "error")
    description = _one(params, "error_description")

    if verification_id is not None and not verification_id.strip():
        _invalid("verification_id", "is empty")
    from .consent import ConsentState  # the spec's SessionState values

    denied = status == ConsentState.CONSENT_DENIED or (error_code or "").lower() == OAUTH_DENIED
    error: str | None = None
    if not denied:
        if error_code is not None:
            error = f"{error_code}: {description}" if description else error_code
        elif status and status not in (ConsentState.AUTHENTICATED, EKO_SUCCESS):
            error = f"status {status}"
        elif verification_id is None:
            error = "the return carries neither a verification_id nor a status"
    return ConsentRedirect(
        reference_id=_reference_id(reference),
        verification_id=verification_id,
        denied=denied,
        error=error,
    )


def _params(url: str | Mapping[str, Any], max_length: int) -> dict[str, list[str]]:
    if isinstance(url, str):
        if len(url) > max_length:
            _invalid("url", f"is longer than {max_length} characters")
        parts = urlsplit(url)
        # A full URL, or just its query ("reference_id=1&..." or "?reference_id=1&...").
        query = parts.query if (parts.scheme or "?" in url) else url.partition("#")[0]
        try:
            return parse_qs(query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            _invalid("url", "has percent-escapes that are not UTF-8")
    if isinstance(url, Mapping):
        return {str(name): _values(url, name) for name in url}
    raise EkoValidationError(
        OPERATION,
        [FieldError("url", f"must be a URL string or a mapping, not {type(url).__name__}")],
    )


def _values(query: Mapping[str, Any], name: str) -> list[str]:
    # Multi-value mappings (Starlette, Werkzeug, Django) hide repeats behind getlist.
    getlist = getattr(query, "getlist", None)
    value = getlist(name) if callable(getlist) else query[name]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence) or not all(isinstance(v, str) for v in values):
        _invalid(name, f"must be a string or a list of strings, not {type(value).__name__}")
    return list(values)


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = set(params.get(name, []))
    if len(values) > 1:
        _invalid(name, f"has {len(values)} different values")
    return values.pop() if values else None


def _reference_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or text.strip("0") == "":
        _invalid("reference_id", f"must be a positive whole number, got {value[:40]!r}")
    from .calls import max_reference_digits, too_many_digits

    if len(text) > max_reference_digits():
        raise EkoValidationError(OPERATION, [too_many_digits(len(text))])
    if int(text) > MAX_REFERENCE_ID:
        _invalid("reference_id", f"is past 2^63-1, the largest reference id, got {text[:40]!r}")
    return int(text)


def _invalid(field: str, message: str) -> NoReturn:
    raise EkoValidationError(OPERATION, [FieldError(field, message)])
