from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserDetails")


@_attrs_define
class UserDetails:
    """The customer's details. Values differ by source: eps.eko.in sends `dob`
    DD-MM-YYYY, `gender` M/F/T, `eaadhaar` Y/N and a masked `mobile`; the legacy
    README 7.2 sends `dob` 1990-05-15, `gender` Male, `eaadhaar` Available and an
    unmasked `mobile`. Values are kept as sent.

        Attributes:
            name (str | Unset):
            dob (str | Unset): Date of birth, DD-MM-YYYY (eps) or YYYY-MM-DD (legacy).
            gender (str | Unset): M, F or T (eps); Male, Female... (legacy).
            eaadhaar (str | Unset): Y or N (eps); Available... (legacy).
            mobile (str | Unset): Mobile number, masked (eps) or not (legacy).
    """

    name: str | Unset = UNSET
    dob: str | Unset = UNSET
    gender: str | Unset = UNSET
    eaadhaar: str | Unset = UNSET
    mobile: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        dob = self.dob

        gender = self.gender

        eaadhaar = self.eaadhaar

        mobile = self.mobile

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if dob is not UNSET:
            field_dict["dob"] = dob
        if gender is not UNSET:
            field_dict["gender"] = gender
        if eaadhaar is not UNSET:
            field_dict["eaadhaar"] = eaadhaar
        if mobile is not UNSET:
            field_dict["mobile"] = mobile

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        dob = d.pop("dob", UNSET)

        gender = d.pop("gender", UNSET)

        eaadhaar = d.pop("eaadhaar", UNSET)

        mobile = d.pop("mobile", UNSET)

        user_details = cls(
            name=name,
            dob=dob,
            gender=gender,
            eaadhaar=eaadhaar,
            mobile=mobile,
        )

        user_details.additional_properties = d
        return user_details

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
