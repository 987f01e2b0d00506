"""Contains all the data models used in inputs/outputs"""

from .address import Address
from .create_digilocker_url_request import CreateDigilockerUrlRequest
from .digilocker_document import DigilockerDocument
from .digilocker_document_envelope import DigilockerDocumentEnvelope
from .digilocker_document_payload import DigilockerDocumentPayload
from .digilocker_url_envelope import DigilockerUrlEnvelope
from .digilocker_url_payload import DigilockerUrlPayload
from .digilocker_url_success import DigilockerUrlSuccess
from .document_type import DocumentType
from .envelope import Envelope
from .free_form_object import FreeFormObject
from .get_digilocker_document_request import GetDigilockerDocumentRequest
from .invalid_params import InvalidParams
from .session_state import SessionState
from .user_details import UserDetails
from .verification_status_envelope import VerificationStatusEnvelope
from .verification_status_payload import VerificationStatusPayload

__all__ = (
    "Address",
    "CreateDigilockerUrlRequest",
    "DigilockerDocument",
    "DigilockerDocumentEnvelope",
    "DigilockerDocumentPayload",
    "DigilockerUrlEnvelope",
    "DigilockerUrlPayload",
    "DigilockerUrlSuccess",
    "DocumentType",
    "Envelope",
    "FreeFormObject",
    "GetDigilockerDocumentRequest",
    "InvalidParams",
    "SessionState",
    "UserDetails",
    "VerificationStatusEnvelope",
    "VerificationStatusPayload",
)
