from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_state import SessionState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_details import UserDetails


T = TypeVar("T", bound="VerificationStatusPayload")


@_attrs_define
class VerificationStatusPayload:
    """The `data` of a status answer. eps.eko.in and the legacy README 7.2 give
    `user_details`, `document_requested` and `document_consent`; `status` is where
    the upstream provider reports the session's state, `session_status` where the
    local sandbox does (sandbox's own).

        Attributes:
            user_details (UserDetails | Unset): The customer's details. Values differ by source: eps.eko.in sends `dob`
                DD-MM-YYYY, `gender` M/F/T, `eaadhaar` Y/N and a masked `mobile`; the legacy
                README 7.2 sends `dob` 1990-05-15, `gender` Male, `eaadhaar` Available and an
                unmasked `mobile`. Values are kept as sent.
            document_requested (list[str] | Unset):
            document_consent (list[Any] | Unset): The customer's consent per document. eps.eko.in sends objects
                `{"document_type": "AADHAAR", "consent": "Y"}`; the legacy README 7.2 sends
                bare strings (`["Y"]`). Items are kept as sent (`DocumentConsentItem`).
            status (SessionState | Unset): State of a DigiLocker session, the states upstream DigiLocker providers report
                (PENDING, AUTHENTICATED, EXPIRED; CONSENT_DENIED where the customer refuses).
                Eko documents none of them. Wherever a `data` object has a field of this type,
                a client reads the session's state from it: the upstream provider sends it as
                `data.status`, the local sandbox as `data.session_status` (sandbox's own).
            session_status (SessionState | Unset): State of a DigiLocker session, the states upstream DigiLocker providers
                report
                (PENDING, AUTHENTICATED, EXPIRED; CONSENT_DENIED where the customer refuses).
                Eko documents none of them. Wherever a `data` object has a field of this type,
                a client reads the session's state from it: the upstream provider sends it as
                `data.status`, the local sandbox as `data.session_status` (sandbox's own).
    """

    user_details: UserDetails | Unset = UNSET
    document_requested: list[str] | Unset = UNSET
    document_consent: list[Any] | Unset = UNSET
    status: SessionState | Unset = UNSET
    session_status: SessionState | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_details, Unset):
            user_details = self.user_details.to_dict()

        document_requested: list[str] | Unset = UNSET
        if not isinstance(self.document_requested, Unset):
            document_requested = self.document_requested

        document_consent: list[Any] | Unset = UNSET
        if not isinstance(self.document_consent, Unset):
            document_consent = self.document_consent

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        session_status: str | Unset = UNSET
        if not isinstance(self.session_status, Unset):
            session_status = self.session_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user_details is not UNSET:
            field_dict["user_details"] = user_details
        if document_requested is not UNSET:
            field_dict["document_requested"] = document_requested
        if document_consent is not UNSET:
            field_dict["document_consent"] = document_consent
        if status is not UNSET:
            field_dict["status"] = status
        if session_status is not UNSET:
            field_dict["session_status"] = session_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_details import UserDetails

        d = dict(src_dict)
        _user_details = d.pop("user_details", UNSET)
        user_details: UserDetails | Unset
        if isinstance(_user_details, Unset):
            user_details = UNSET
        else:
            user_details = UserDetails.from_dict(_user_details)

        document_requested = cast(list[str], d.pop("document_requested", UNSET))

        document_consent = cast(list[Any], d.pop("document_consent", UNSET))

        _status = d.pop("status", UNSET)
        status: SessionState | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = SessionState(_status)

        _session_status = d.pop("session_status", UNSET)
        session_status: SessionState | Unset
        if isinstance(_session_status, Unset):
            session_status = UNSET
        else:
            session_status = SessionState(_session_status)

        verification_status_payload = cls(
            user_details=user_details,
            document_requested=document_requested,
            document_consent=document_consent,
            status=status,
            session_status=session_status,
        )

        verification_status_payload.additional_properties = d
        return verification_status_payload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
