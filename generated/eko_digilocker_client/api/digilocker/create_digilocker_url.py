from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_digilocker_url_request import CreateDigilockerUrlRequest
from ...models.digilocker_url_envelope import DigilockerUrlEnvelope
from ...models.envelope import Envelope
from ...types import Response


def _get_kwargs(
    *,
    body: CreateDigilockerUrlRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tools/kyc/digilocker",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DigilockerUrlEnvelope | Envelope | None:
    if response.status_code == 200:
        response_200 = DigilockerUrlEnvelope.from_dict(response.json())

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
) -> Response[DigilockerUrlEnvelope | Envelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateDigilockerUrlRequest,
) -> Response[DigilockerUrlEnvelope | Envelope]:
    """Create DigiLocker URL

     Creates a one-time DigiLocker URL that redirects the customer to the DigiLocker
    portal for consent-based retrieval of Aadhaar (and other) documents. After the
    customer authorises access on DigiLocker, they are redirected back to the
    provided `redirect_url`. The `reference_id` returned is then used to poll the
    status and to fetch the verified document.

    Documented business errors (HTTP 200, non-zero code in `status` or
    `response_status_id`, see the envelope): 301 invalid redirect URL (eps-platform
    api-specs.ts, `digilocker-create-url`), 346 user not onboarded or wrong
    `user_code` and 319 invalid initiator ("Invalid Sender/Initiator", the corrected
    api-specs.ts entries of other calls); validation errors carry `invalid_params`.

    A `client_ref_id` reused with a different body: Eko publishes nothing. The local
    sandbox answers `status` 1, `response_status_id` 1 (sandbox's own).

    Args:
        body (CreateDigilockerUrlRequest): The body of Create DigiLocker URL. (Its example sits
            here, on the schema: an
            example on the request body makes openapi-generator's Java targets warn.)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DigilockerUrlEnvelope | Envelope]
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
    body: CreateDigilockerUrlRequest,
) -> DigilockerUrlEnvelope | Envelope | None:
    """Create DigiLocker URL

     Creates a one-time DigiLocker URL that redirects the customer to the DigiLocker
    portal for consent-based retrieval of Aadhaar (and other) documents. After the
    customer authorises access on DigiLocker, they are redirected back to the
    provided `redirect_url`. The `reference_id` returned is then used to poll the
    status and to fetch the verified document.

    Documented business errors (HTTP 200, non-zero code in `status` or
    `response_status_id`, see the envelope): 301 invalid redirect URL (eps-platform
    api-specs.ts, `digilocker-create-url`), 346 user not onboarded or wrong
    `user_code` and 319 invalid initiator ("Invalid Sender/Initiator", the corrected
    api-specs.ts entries of other calls); validation errors carry `invalid_params`.

    A `client_ref_id` reused with a different body: Eko publishes nothing. The local
    sandbox answers `status` 1, `response_status_id` 1 (sandbox's own).

    Args:
        body (CreateDigilockerUrlRequest): The body of Create DigiLocker URL. (Its example sits
            here, on the schema: an
            example on the request body makes openapi-generator's Java targets warn.)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DigilockerUrlEnvelope | Envelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateDigilockerUrlRequest,
) -> Response[DigilockerUrlEnvelope | Envelope]:
    """Create DigiLocker URL

     Creates a one-time DigiLocker URL that redirects the customer to the DigiLocker
    portal for consent-based retrieval of Aadhaar (and other) documents. After the
    customer authorises access on DigiLocker, they are redirected back to the
    provided `redirect_url`. The `reference_id` returned is then used to poll the
    status and to fetch the verified document.

    Documented business errors (HTTP 200, non-zero code in `status` or
    `response_status_id`, see the envelope): 301 invalid redirect URL (eps-platform
    api-specs.ts, `digilocker-create-url`), 346 user not onboarded or wrong
    `user_code` and 319 invalid initiator ("Invalid Sender/Initiator", the corrected
    api-specs.ts entries of other calls); validation errors carry `invalid_params`.

    A `client_ref_id` reused with a different body: Eko publishes nothing. The local
    sandbox answers `status` 1, `response_status_id` 1 (sandbox's own).

    Args:
        body (CreateDigilockerUrlRequest): The body of Create DigiLocker URL. (Its example sits
            here, on the schema: an
            example on the request body makes openapi-generator's Java targets warn.)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DigilockerUrlEnvelope | Envelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateDigilockerUrlRequest,
) -> DigilockerUrlEnvelope | Envelope | None:
    """Create DigiLocker URL

     Creates a one-time DigiLocker URL that redirects the customer to the DigiLocker
    portal for consent-based retrieval of Aadhaar (and other) documents. After the
    customer authorises access on DigiLocker, they are redirected back to the
    provided `redirect_url`. The `reference_id` returned is then used to poll the
    status and to fetch the verified document.

    Documented business errors (HTTP 200, non-zero code in `status` or
    `response_status_id`, see the envelope): 301 invalid redirect URL (eps-platform
    api-specs.ts, `digilocker-create-url`), 346 user not onboarded or wrong
    `user_code` and 319 invalid initiator ("Invalid Sender/Initiator", the corrected
    api-specs.ts entries of other calls); validation errors carry `invalid_params`.

    A `client_ref_id` reused with a different body: Eko publishes nothing. The local
    sandbox answers `status` 1, `response_status_id` 1 (sandbox's own).

    Args:
        body (CreateDigilockerUrlRequest): The body of Create DigiLocker URL. (Its example sits
            here, on the schema: an
            example on the request body makes openapi-generator's Java targets warn.)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DigilockerUrlEnvelope | Envelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
