from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DigilockerUrlSuccess")


@_attrs_define
class DigilockerUrlSuccess:
    """What the `data` of a successful (`status` 0) Create DigiLocker URL answer must
    carry: `reference_id` and `url` (both Eko sources). Named by the 200 answer's
    `x-eko-success-data`. The Python client returns a success as this model; clients
    in other languages decode `data` into `DigilockerUrlPayload` (open to new fields)
    and check that the fields required here are present (`docs/answer-rule.md`). It
    does not say `additionalProperties: true`, although Go's generated decoder of it
    therefore refuses unknown fields: openapi-generator's typescript targets warn
    "Failed to get the schema name: null" for a schema that allows them and that no
    operation references. The same fields as `DigilockerUrlPayload` (each field's rule
    is its own named schema), listed again rather than composed with `allOf`, which
    openapi-generator's rust target warns about.

        Attributes:
            reference_id (int): Unique reference id of this DigiLocker session. Store it to poll the status and
                fetch the document. Eko publishes no upper bound: ids may exceed 2^31, hence
                `int64` (a 32-bit integer in Go, Java, Kotlin or Rust would refuse them), and
                1 .. 2^63-1, the status call's `reference_id` range (docs/answer-rule.md).
            url (str): DigiLocker redirect URL. Present it to the customer to begin authorisation.
            document_requested (list[str] | Unset): Echo of the document types requested.
            redirect_url (str | Unset): The callback URL provided in the request.
            verification_id (str | Unset): The id of the customer's verification. Two Eko sources give it two ways:
                eps-platform api-specs.ts (`digilocker-get-document`: "returned by the Create
                DigiLocker URL API", example `vrf_digilocker_abc123`, and eps-transact-mcp's
                flow guidance) has Create return it in `data`; the legacy README 7.1 appends it
                to `redirect_url` when the customer comes back (its sample also puts
                `?verification_id=123456` inside `url` and `redirect_url`). Take it from
                wherever it comes first. The local sandbox gives it the legacy way only: it
                appends it to `redirect_url` when the customer approves.
    """

    reference_id: int
    url: str
    document_requested: list[str] | Unset = UNSET
    redirect_url: str | Unset = UNSET
    verification_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reference_id = self.reference_id

        url = self.url

        document_requested: list[str] | Unset = UNSET
        if not isinstance(self.document_requested, Unset):
            document_requested = self.document_requested

        redirect_url = self.redirect_url

        verification_id = self.verification_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reference_id": reference_id,
                "url": url,
            }
        )
        if document_requested is not UNSET:
            field_dict["document_requested"] = document_requested
        if redirect_url is not UNSET:
            field_dict["redirect_url"] = redirect_url
        if verification_id is not UNSET:
            field_dict["verification_id"] = verification_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reference_id = d.pop("reference_id")

        url = d.pop("url")

        document_requested = cast(list[str], d.pop("document_requested", UNSET))

        redirect_url = d.pop("redirect_url", UNSET)

        verification_id = d.pop("verification_id", UNSET)

        digilocker_url_success = cls(
            reference_id=reference_id,
            url=url,
            document_requested=document_requested,
            redirect_url=redirect_url,
            verification_id=verification_id,
        )

        digilocker_url_success.additional_properties = d
        return digilocker_url_success

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
