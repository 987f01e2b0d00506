from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Address")


@_attrs_define
class Address:
    """
    Attributes:
        house (str | Unset):
        street (str | Unset):
        village_or_city (str | Unset):
        district (str | Unset):
        state (str | Unset):
        pincode (str | Unset):
    """

    house: str | Unset = UNSET
    street: str | Unset = UNSET
    village_or_city: str | Unset = UNSET
    district: str | Unset = UNSET
    state: str | Unset = UNSET
    pincode: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        house = self.house

        street = self.street

        village_or_city = self.village_or_city

        district = self.district

        state = self.state

        pincode = self.pincode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if house is not UNSET:
            field_dict["house"] = house
        if street is not UNSET:
            field_dict["street"] = street
        if village_or_city is not UNSET:
            field_dict["village_or_city"] = village_or_city
        if district is not UNSET:
            field_dict["district"] = district
        if state is not UNSET:
            field_dict["state"] = state
        if pincode is not UNSET:
            field_dict["pincode"] = pincode

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        house = d.pop("house", UNSET)

        street = d.pop("street", UNSET)

        village_or_city = d.pop("village_or_city", UNSET)

        district = d.pop("district", UNSET)

        state = d.pop("state", UNSET)

        pincode = d.pop("pincode", UNSET)

        address = cls(
            house=house,
            street=street,
            village_or_city=village_or_city,
            district=district,
            state=state,
            pincode=pincode,
        )

        address.additional_properties = d
        return address

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
