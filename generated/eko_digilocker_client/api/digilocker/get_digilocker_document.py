from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.digilocker_document_envelope import DigilockerDocumentEnvelope
from ...models.envelope import Envelope
from ...models.get_digilocker_document_request import GetDigilockerDocumentRequest
from ...types import Response


def _get_kwargs(
    *,
    body: GetDigilockerDocumentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tools/kyc/digilocker/document",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DigilockerDocumentEnvelope | Envelope | None:
    if response.status_code == 200:
        response_200 = DigilockerDocumentEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 403:
        response_403 = Envelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Envelope.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = Envelope.from_dict(response.json())

        return response_405

    if response.status_code == 413:
        response_413 = Envelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Envelope.from_dict(response.json())

        return response_415

    if response.status_code == 500:
        response_500 = Envelope.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DigilockerDocumentEnvelope | Envelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: GetDigilockerDocumentRequest,
) -> Response[DigilockerDocumentEnvelope | Envelope]:
    """Get DigiLocker document

     Fetches the verified document(s) after the customer has given consent.

    Follows eps.eko.in. The legacy README 7.3 describes this call as
    `GET /tools/kyc/digilocker/document/{document_type}` with `reference_id` and an
    Aadhaar payload of `care_of`, `dob`, `gender`, `name`, `photo_link`, `uid`,
    `split_address` (`response_type_id` 1630); nothing public settles which one
    Eko's UAT serves, and this document models only the eps call.

    Documented business errors (api-specs.ts, `digilocker-get-document`): 327 when
    the customer has not consented yet, 463 for an invalid reference (code in
    `status` or `response_status_id`, see the envelope).

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them as on the status call: `status` 1, `response_status_id` 1 with
    `data.session_status` `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        body (GetDigilockerDocumentRequest): The body of Get DigiLocker Document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DigilockerDocumentEnvelope | Envelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: GetDigilockerDocumentRequest,
) -> DigilockerDocumentEnvelope | Envelope | None:
    """Get DigiLocker document

     Fetches the verified document(s) after the customer has given consent.

    Follows eps.eko.in. The legacy README 7.3 describes this call as
    `GET /tools/kyc/digilocker/document/{document_type}` with `reference_id` and an
    Aadhaar payload of `care_of`, `dob`, `gender`, `name`, `photo_link`, `uid`,
    `split_address` (`response_type_id` 1630); nothing public settles which one
    Eko's UAT serves, and this document models only the eps call.

    Documented business errors (api-specs.ts, `digilocker-get-document`): 327 when
    the customer has not consented yet, 463 for an invalid reference (code in
    `status` or `response_status_id`, see the envelope).

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them as on the status call: `status` 1, `response_status_id` 1 with
    `data.session_status` `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        body (GetDigilockerDocumentRequest): The body of Get DigiLocker Document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DigilockerDocumentEnvelope | Envelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: GetDigilockerDocumentRequest,
) -> Response[DigilockerDocumentEnvelope | Envelope]:
    """Get DigiLocker document

     Fetches the verified document(s) after the customer has given consent.

    Follows eps.eko.in. The legacy README 7.3 describes this call as
    `GET /tools/kyc/digilocker/document/{document_type}` with `reference_id` and an
    Aadhaar payload of `care_of`, `dob`, `gender`, `name`, `photo_link`, `uid`,
    `split_address` (`response_type_id` 1630); nothing public settles which one
    Eko's UAT serves, and this document models only the eps call.

    Documented business errors (api-specs.ts, `digilocker-get-document`): 327 when
    the customer has not consented yet, 463 for an invalid reference (code in
    `status` or `response_status_id`, see the envelope).

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them as on the status call: `status` 1, `response_status_id` 1 with
    `data.session_status` `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        body (GetDigilockerDocumentRequest): The body of Get DigiLocker Document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DigilockerDocumentEnvelope | Envelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: GetDigilockerDocumentRequest,
) -> DigilockerDocumentEnvelope | Envelope | None:
    """Get DigiLocker document

     Fetches the verified document(s) after the customer has given consent.

    Follows eps.eko.in. The legacy README 7.3 describes this call as
    `GET /tools/kyc/digilocker/document/{document_type}` with `reference_id` and an
    Aadhaar payload of `care_of`, `dob`, `gender`, `name`, `photo_link`, `uid`,
    `split_address` (`response_type_id` 1630); nothing public settles which one
    Eko's UAT serves, and this document models only the eps call.

    Documented business errors (api-specs.ts, `digilocker-get-document`): 327 when
    the customer has not consented yet, 463 for an invalid reference (code in
    `status` or `response_status_id`, see the envelope).

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them as on the status call: `status` 1, `response_status_id` 1 with
    `data.session_status` `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        body (GetDigilockerDocumentRequest): The body of Get DigiLocker Document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DigilockerDocumentEnvelope | Envelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
