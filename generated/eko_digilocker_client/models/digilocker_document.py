from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address import Address


T = TypeVar("T", bound="DigilockerDocument")


@_attrs_define
class DigilockerDocument:
    """
    Attributes:
        document_type (str | Unset):
        name (str | Unset):
        dob (str | Unset): Date of birth, DD-MM-YYYY.
        gender (str | Unset): M, F or T.
        masked_aadhaar (str | Unset): Masked Aadhaar number, e.g. XXXX-XXXX-2345.
        photo (str | Unset): Photo, base64-encoded.
        issue_date (str | Unset):
        address (Address | Unset):
    """

    document_type: str | Unset = UNSET
    name: str | Unset = UNSET
    dob: str | Unset = UNSET
    gender: str | Unset = UNSET
    masked_aadhaar: str | Unset = UNSET
    photo: str | Unset = UNSET
    issue_date: str | Unset = UNSET
    address: Address | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document_type = self.document_type

        name = self.name

        dob = self.dob

        gender = self.gender

        masked_aadhaar = self.masked_aadhaar

        photo = self.photo

        issue_date = self.issue_date

        address: dict[str, Any] | Unset = UNSET
        if not isinstance(self.address, Unset):
            address = self.address.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if document_type is not UNSET:
            field_dict["document_type"] = document_type
        if name is not UNSET:
            field_dict["name"] = name
        if dob is not UNSET:
            field_dict["dob"] = dob
        if gender is not UNSET:
            field_dict["gender"] = gender
        if masked_aadhaar is not UNSET:
            field_dict["masked_aadhaar"] = masked_aadhaar
        if photo is not UNSET:
            field_dict["photo"] = photo
        if issue_date is not UNSET:
            field_dict["issue_date"] = issue_date
        if address is not UNSET:
            field_dict["address"] = address

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.address import Address

        d = dict(src_dict)
        document_type = d.pop("document_type", UNSET)

        name = d.pop("name", UNSET)

        dob = d.pop("dob", UNSET)

        gender = d.pop("gender", UNSET)

        masked_aadhaar = d.pop("masked_aadhaar", UNSET)

        photo = d.pop("photo", UNSET)

        issue_date = d.pop("issue_date", UNSET)

        _address = d.pop("address", UNSET)
        address: Address | Unset
        if isinstance(_address, Unset):
            address = UNSET
        else:
            address = Address.from_dict(_address)

        digilocker_document = cls(
            document_type=document_type,
            name=name,
            dob=dob,
            gender=gender,
            masked_aadhaar=masked_aadhaar,
            photo=photo,
            issue_date=issue_date,
            address=address,
        )

        digilocker_document.additional_properties = d
        return digilocker_document

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
