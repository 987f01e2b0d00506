from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.envelope_invalid_params import EnvelopeInvalidParams


T = TypeVar("T", bound="ErrorEnvelope")


@_attrs_define
class ErrorEnvelope:
    """An envelope with a non-zero `status`.

    Attributes:
        status (int): Primary success indicator (0 = success).
        message (str | Unset): Human-readable response / error message.
        response_status_id (int | Unset): Granular status id: -1 success (GET / non-transactional), 0 success (POST /
            transactional), 1 failure, 2 initiated; for DigiLocker also 327 verification
            pending, 463 not found / invalid reference, 301 invalid redirect URL, 346 user
            not onboarded or wrong user_code, 319 invalid initiator.
        response_type_id (int | Unset): A unique id for every possible response shape (success or error); -1 on
            validation errors.
        data (Any | Unset): API-specific response payload (usually an object; often empty on errors).
        invalid_params (EnvelopeInvalidParams | Unset): On validation errors, a message for each invalid field.
    """

    status: int
    message: str | Unset = UNSET
    response_status_id: int | Unset = UNSET
    response_type_id: int | Unset = UNSET
    data: Any | Unset = UNSET
    invalid_params: EnvelopeInvalidParams | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        message = self.message

        response_status_id = self.response_status_id

        response_type_id = self.response_type_id

        data = self.data

        invalid_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.invalid_params, Unset):
            invalid_params = self.invalid_params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message
        if response_status_id is not UNSET:
            field_dict["response_status_id"] = response_status_id
        if response_type_id is not UNSET:
            field_dict["response_type_id"] = response_type_id
        if data is not UNSET:
            field_dict["data"] = data
        if invalid_params is not UNSET:
            field_dict["invalid_params"] = invalid_params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.envelope_invalid_params import EnvelopeInvalidParams

        d = dict(src_dict)
        status = d.pop("status")

        message = d.pop("message", UNSET)

        response_status_id = d.pop("response_status_id", UNSET)

        response_type_id = d.pop("response_type_id", UNSET)

        data = d.pop("data", UNSET)

        _invalid_params = d.pop("invalid_params", UNSET)
        invalid_params: EnvelopeInvalidParams | Unset
        if isinstance(_invalid_params, Unset):
            invalid_params = UNSET
        else:
            invalid_params = EnvelopeInvalidParams.from_dict(_invalid_params)

        error_envelope = cls(
            status=status,
            message=message,
            response_status_id=response_status_id,
            response_type_id=response_type_id,
            data=data,
            invalid_params=invalid_params,
        )

        error_envelope.additional_properties = d
        return error_envelope

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
