from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_state import SessionState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.digilocker_document import DigilockerDocument


T = TypeVar("T", bound="DigilockerDocumentPayload")


@_attrs_define
class DigilockerDocumentPayload:
    """The `data` of a document answer (eps.eko.in). `status` and `session_status` are
    where a session's state is reported, as on the status call: the local sandbox
    sends `session_status` on a denied or expired session (sandbox's own).

        Attributes:
            verification_status (str | Unset): SUCCESS or PENDING (eps.eko.in). With PENDING verification is not done and
                `documents` may be empty or partial: clients read such an answer as pending, not as a success; another value
                leaves it a success, the value kept (docs/answer-rule.md, step 4).
            documents (list[DigilockerDocument] | Unset):
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

    verification_status: str | Unset = UNSET
    documents: list[DigilockerDocument] | Unset = UNSET
    status: SessionState | Unset = UNSET
    session_status: SessionState | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        verification_status = self.verification_status

        documents: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.documents, Unset):
            documents = []
            for documents_item_data in self.documents:
                documents_item = documents_item_data.to_dict()
                documents.append(documents_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        session_status: str | Unset = UNSET
        if not isinstance(self.session_status, Unset):
            session_status = self.session_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if verification_status is not UNSET:
            field_dict["verification_status"] = verification_status
        if documents is not UNSET:
            field_dict["documents"] = documents
        if status is not UNSET:
            field_dict["status"] = status
        if session_status is not UNSET:
            field_dict["session_status"] = session_status

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

        digilocker_document_payload = cls(
            verification_status=verification_status,
            documents=documents,
            status=status,
            session_status=session_status,
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
