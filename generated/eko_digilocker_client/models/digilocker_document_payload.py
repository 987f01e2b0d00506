from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.digilocker_document import DigilockerDocument


T = TypeVar("T", bound="DigilockerDocumentPayload")


@_attrs_define
class DigilockerDocumentPayload:
    """The `data` of a document answer (eps.eko.in).

    Attributes:
        verification_status (str | Unset): SUCCESS or PENDING (eps.eko.in). With PENDING verification is not done and
            `documents` may be empty or partial: clients read such an answer as pending, not as a success; another value
            leaves it a success, the value kept (docs/answer-rule.md, step 4).
        documents (list[DigilockerDocument] | Unset):
    """

    verification_status: str | Unset = UNSET
    documents: list[DigilockerDocument] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        verification_status = self.verification_status

        documents: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.documents, Unset):
            documents = []
            for documents_item_data in self.documents:
                documents_item = documents_item_data.to_dict()
                documents.append(documents_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if verification_status is not UNSET:
            field_dict["verification_status"] = verification_status
        if documents is not UNSET:
            field_dict["documents"] = documents

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.digilocker_document import DigilockerDocument

        d = dict(src_dict)
        verification_status = d.pop("verification_status", UNSET)

        _documents = d.pop("documents", UNSET)
        documents: list[DigilockerDocument] | Unset = UNSET
        if _documents is not UNSET:
            documents = []
            for documents_item_data in _documents:
                documents_item = DigilockerDocument.from_dict(documents_item_data)

                documents.append(documents_item)

        digilocker_document_payload = cls(
            verification_status=verification_status,
            documents=documents,
        )

        digilocker_document_payload.additional_properties = d
        return digilocker_document_payload

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
