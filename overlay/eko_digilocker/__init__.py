"""Signed, validating client for Eko's DigiLocker KYC API.

from eko_digilocker import EkoClient
with EkoClient(environment="uat") as eko:      # keys from EKO_* variables
    session = eko.create_digilocker_url("https://yourapp.com/kyc/callback")
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .client import EkoClient, wait_for_consent
from .errors import (
    EkoApiError,
    EkoAuthenticationError,
    EkoConfigurationError,
    EkoConfigurationWarning,
    EkoConnectionError,
    EkoConsentDeniedError,
    EkoError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoResponseTooLargeError,
    EkoSessionExpiredError,
    EkoTimeoutError,
    EkoValidationError,
    EkoVerificationPendingError,
)
from .raw import RawResponse
from .retries import RetryPolicy
from .signing import EkoAuth, sign_secret_key
from .spec import FieldError

if TYPE_CHECKING:
    from .async_client import AsyncEkoClient
    from .consent import ConsentResult, ConsentState
    from .document_consent import DocumentConsent, document_consents
    from .redirect import ConsentRedirect, parse_redirect

# Loaded when first asked for (each costs import time): the consent outcome needs the
# generated models, only some users read consent items or parse the customer's return,
# and only async users need the async client.
_LAZY = {
    "AsyncEkoClient": "async_client",
    "ConsentResult": "consent",
    "ConsentState": "consent",
    "DocumentConsent": "document_consent",
    "document_consents": "document_consent",
    "ConsentRedirect": "redirect",
    "parse_redirect": "redirect",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncEkoClient",
    "ConsentRedirect",
    "ConsentResult",
    "ConsentState",
    "DocumentConsent",
    "EkoApiError",
    "EkoAuth",
    "EkoAuthenticationError",
    "EkoClient",
    "EkoConfigurationError",
    "EkoConfigurationWarning",
    "EkoConnectionError",
    "EkoConsentDeniedError",
    "EkoError",
    "EkoInvalidParamsError",
    "EkoNotFoundError",
    "EkoResponseError",
    "EkoResponseTooLargeError",
    "EkoSessionExpiredError",
    "EkoTimeoutError",
    "EkoValidationError",
    "EkoVerificationPendingError",
    "FieldError",
    "RawResponse",
    "RetryPolicy",
    "__version__",
    "document_consents",
    "parse_redirect",
    "sign_secret_key",
    "wait_for_consent",
]
