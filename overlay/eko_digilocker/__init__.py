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
from .redirect import ConsentRedirect, parse_redirect
from .retries import RetryPolicy
from .signing import EkoAuth, sign_secret_key
from .spec import FieldError

if TYPE_CHECKING:
    from .async_client import AsyncEkoClient
    from .consent import ConsentResult, ConsentState
    from .document_consent import DocumentConsent, document_consents


def __getattr__(name: str) -> Any:
    # Loaded when first asked for (each costs import time): the consent outcome needs the
    # generated models, only some users read consent items, and only async users need
    # the async client.
    if name in ("ConsentResult", "ConsentState"):
        from . import consent

        return getattr(consent, name)
    if name in ("DocumentConsent", "document_consents"):
        from . import document_consent

        return getattr(document_consent, name)
    if name == "AsyncEkoClient":
        from .async_client import AsyncEkoClient

        return AsyncEkoClient
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
