from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.digilocker_document_payload import DigilockerDocumentPayload
    from ..models.invalid_params import InvalidParams


T = TypeVar("T", bound="DigilockerDocumentEnvelope")


@_attrs_define
class DigilockerDocumentEnvelope:
    """Every HTTP 200 answer of Get DigiLocker Document: success or error. A
    successful answer's `data` matches `DigilockerDocumentPayload`.

        Attributes:
            status (int | None): Primary success indicator: 0 = success, anything else = failure (legacy README
                section 5). Eko's corrected answers put the error code here (e.g. 463, 319,
                346, 461); older DigiLocker answers send 1 and the code in `response_status_id`.
                Error pages for HTTP 403/404/405/413/415 of the local sandbox repeat the HTTP
                status here (sandbox's own). Eko never documents `null`: the type admits it only
                so that generated decoders keep it apart from 0 (Go decodes a `null` into a plain
                integer as 0, which would read as success). A client reads an answer whose
                `status` is not an integer as not an Eko answer (`docs/answer-rule.md`).
            message (str | Unset): Human-readable response or error message.
            response_status_id (int | Unset): Granular status id. Legacy README section 4: -2 another transaction in
                progress
                for the user, -1 success for GET / non-transactional APIs, 0 success for POST /
                transactional APIs, 1 failure, 2 initiated, 3 refund initiated, 4 refunded,
                5 on hold. The DigiLocker calls use 0 on success (the status call too, in both
                sources), -1 with `status` 1 for a pending or invalid reference on the status
                call (eps.eko.in), 1 on failure. Older DigiLocker answers put the error code
                here instead (`status` 1): 301 invalid redirect URL, 327 verification pending,
                463 not found / invalid reference (api-specs.ts, `api-error-codes.ts`); Eko's
                codes 319 invalid initiator ("Invalid Sender/Initiator") and 346 user not
                onboarded or wrong `user_code` may come in either placement too.
            response_type_id (int | Unset): Identifies the shape of the answer ("for client logic branching and
                analytics", eps.eko.in). -1 on validation errors. Known DigiLocker ids: legacy
                README 7.1-7.3 gives 1627 (create), 1628 (status), 1630 (document, legacy GET
                call). eps-platform api-specs.ts gives 1389 for the status call and 1388 for
                create and document, but 1388 is Eko's generic placeholder there (commit
                1679f0c "fix fabricated 1388"; it occurs 93 times), so the real eps ids for
                create and document are not published. No source has 1390. The local sandbox
                sends 1388/1389/1388 in its `eps` profile and 1627/1628/1630 in its `legacy`
                profile.
            data (DigilockerDocumentPayload | Unset): The `data` of a document answer (eps.eko.in). `status` and
                `session_status` are
                where a session's state is reported, as on the status call: the local sandbox
                sends `session_status` on a denied or expired session (sandbox's own).
            invalid_params (InvalidParams | Unset): On validation errors, a message for each invalid field.
    """

    status: int | None
    message: str | Unset = UNSET
    response_status_id: int | Unset = UNSET
    response_type_id: int | Unset = UNSET
    data: DigilockerDocumentPayload | Unset = UNSET
    invalid_params: InvalidParams | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: int | None
        status = self.status

        message = self.message

        response_status_id = self.response_status_id

        response_type_id = self.response_type_id

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

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
        from ..models.digilocker_document_payload import DigilockerDocumentPayload
        from ..models.invalid_params import InvalidParams

        d = dict(src_dict)

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        message = d.pop("message", UNSET)

        response_status_id = d.pop("response_status_id", UNSET)

        response_type_id = d.pop("response_type_id", UNSET)

        _data = d.pop("data", UNSET)
        data: DigilockerDocumentPayload | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = DigilockerDocumentPayload.from_dict(_data)

        _invalid_params = d.pop("invalid_params", UNSET)
        invalid_params: InvalidParams | Unset
        if isinstance(_invalid_params, Unset):
            invalid_params = UNSET
        else:
            invalid_params = InvalidParams.from_dict(_invalid_params)

        digilocker_document_envelope = cls(
            status=status,
            message=message,
            response_status_id=response_status_id,
            response_type_id=response_type_id,
            data=data,
            invalid_params=invalid_params,
        )

        digilocker_document_envelope.additional_properties = d
        return digilocker_document_envelope

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
