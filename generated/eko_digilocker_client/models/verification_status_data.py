from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.document_consent import DocumentConsent
    from ..models.user_details import UserDetails


T = TypeVar("T", bound="VerificationStatusData")


@_attrs_define
class VerificationStatusData:
    """
    Attributes:
        session_status (str | Unset): State of the DigiLocker session: PENDING, AUTHENTICATED, EXPIRED or
            CONSENT_DENIED. Not documented by Eko: these are the states upstream DigiLocker
            providers report. The local sandbox always sends it; a client must not rely on it
            against Eko.
        user_details (UserDetails | Unset):
        document_requested (list[str] | Unset):
        document_consent (list[DocumentConsent] | Unset):
    """

    session_status: str | Unset = UNSET
    user_details: UserDetails | Unset = UNSET
    document_requested: list[str] | Unset = UNSET
    document_consent: list[DocumentConsent] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_status = self.session_status

        user_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_details, Unset):
            user_details = self.user_details.to_dict()

        document_requested: list[str] | Unset = UNSET
        if not isinstance(self.document_requested, Unset):
            document_requested = self.document_requested

        document_consent: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.document_consent, Unset):
            document_consent = []
            for document_consent_item_data in self.document_consent:
                document_consent_item = document_consent_item_data.to_dict()
                document_consent.append(document_consent_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if session_status is not UNSET:
            field_dict["session_status"] = session_status
        if user_details is not UNSET:
            field_dict["user_details"] = user_details
        if document_requested is not UNSET:
            field_dict["document_requested"] = document_requested
        if document_consent is not UNSET:
            field_dict["document_consent"] = document_consent

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.document_consent import DocumentConsent
        from ..models.user_details import UserDetails

        d = dict(src_dict)
        session_status = d.pop("session_status", UNSET)

        _user_details = d.pop("user_details", UNSET)
        user_details: UserDetails | Unset
        if isinstance(_user_details, Unset):
            user_details = UNSET
        else:
            user_details = UserDetails.from_dict(_user_details)

        document_requested = cast(list[str], d.pop("document_requested", UNSET))

        _document_consent = d.pop("document_consent", UNSET)
        document_consent: list[DocumentConsent] | Unset = UNSET
        if _document_consent is not UNSET:
            document_consent = []
            for document_consent_item_data in _document_consent:
                document_consent_item = DocumentConsent.from_dict(
                    document_consent_item_data
                )

                document_consent.append(document_consent_item)

        verification_status_data = cls(
            session_status=session_status,
            user_details=user_details,
            document_requested=document_requested,
            document_consent=document_consent,
        )

        verification_status_data.additional_properties = d
        return verification_status_data

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
