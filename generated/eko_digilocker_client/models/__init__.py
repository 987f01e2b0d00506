"""Contains all the data models used in inputs/outputs"""

from .address import Address
from .create_digilocker_url_data import CreateDigilockerUrlData
from .create_digilocker_url_request import CreateDigilockerUrlRequest
from .create_digilocker_url_response import CreateDigilockerUrlResponse
from .digilocker_document import DigilockerDocument
from .digilocker_document_data import DigilockerDocumentData
from .digilocker_document_response import DigilockerDocumentResponse
from .document_consent import DocumentConsent
from .document_type import DocumentType
from .envelope import Envelope
from .envelope_invalid_params import EnvelopeInvalidParams
from .error_envelope import ErrorEnvelope
from .get_digilocker_document_request import GetDigilockerDocumentRequest
from .user_details import UserDetails
from .verification_status_data import VerificationStatusData
from .verification_status_response import VerificationStatusResponse

__all__ = (
    "Address",
    "CreateDigilockerUrlData",
    "CreateDigilockerUrlRequest",
    "CreateDigilockerUrlResponse",
    "DigilockerDocument",
    "DigilockerDocumentData",
    "DigilockerDocumentResponse",
    "DocumentConsent",
    "DocumentType",
    "Envelope",
    "EnvelopeInvalidParams",
    "ErrorEnvelope",
    "GetDigilockerDocumentRequest",
    "UserDetails",
    "VerificationStatusData",
    "VerificationStatusResponse",
)
