"""Signed, validating client for Eko's DigiLocker KYC API.

from eko_digilocker import EkoClient
with EkoClient(environment="uat") as eko:      # keys from EKO_* variables
    session = eko.create_digilocker_url("https://yourapp.com/kyc/callback")
"""

from .client import AsyncEkoClient, EkoClient, wait_for_consent
from .consent import ConsentResult, ConsentState
from .errors import (
    EkoApiError,
    EkoAuthenticationError,
    EkoConfigurationError,
    EkoConnectionError,
    EkoError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoTimeoutError,
    EkoValidationError,
    EkoVerificationPendingError,
)
from .redirect import ConsentRedirect, parse_redirect
from .retries import RetryPolicy
from .signing import EkoAuth, sign_secret_key
from .spec import FieldError

__all__ = [
    "AsyncEkoClient",
    "ConsentRedirect",
    "ConsentResult",
    "ConsentState",
    "EkoApiError",
    "EkoAuth",
    "EkoAuthenticationError",
    "EkoClient",
    "EkoConfigurationError",
    "EkoConnectionError",
    "EkoError",
    "EkoInvalidParamsError",
    "EkoNotFoundError",
    "EkoResponseError",
    "EkoTimeoutError",
    "EkoValidationError",
    "EkoVerificationPendingError",
    "FieldError",
    "RetryPolicy",
    "parse_redirect",
    "sign_secret_key",
    "wait_for_consent",
]
