from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.verification_status_envelope import VerificationStatusEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    initiator_id: str,
    user_code: str | Unset = UNSET,
    client_ref_id: str | Unset = UNSET,
    reference_id: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["initiator_id"] = initiator_id

    params["user_code"] = user_code

    params["client_ref_id"] = client_ref_id

    params["reference_id"] = reference_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tools/kyc/digilocker/status",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | VerificationStatusEnvelope | None:
    if response.status_code == 200:
        response_200 = VerificationStatusEnvelope.from_dict(response.json())

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

    if response.status_code == 500:
        response_500 = Envelope.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Envelope | VerificationStatusEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    initiator_id: str,
    user_code: str | Unset = UNSET,
    client_ref_id: str | Unset = UNSET,
    reference_id: int,
) -> Response[Envelope | VerificationStatusEnvelope]:
    """DigiLocker verification status

     Reports whether the customer has completed the DigiLocker journey for a
    `reference_id`, with the customer's details once they have.

    **Parameters.** eps.eko.in (/docs/digilocker-verification-status) lists only
    `initiator_id` and `reference_id` (older api-specs.ts: `omitCommonParams:
    ["user_code", "source"]`); the legacy README 7.2 lists `initiator_id`,
    `client_ref_id` and `reference_id`. `user_code` is therefore optional; the
    client sends it only when given one, and the local sandbox accepts a call
    without it. Send `content-type: application/json` here too (see the top).

    **Answers.** Success is `status` 0, `response_status_id` 0 in both Eko sources,
    with `response_type_id` 1389 (eps) or 1628 (legacy README 7.2, which also sends
    an ISO `dob`, `gender: Male`, `eaadhaar: Available`, an unmasked `mobile` and
    `document_consent: ["Y"]`). A pending session and an "Invalid or expired
    reference_id" both answer `status` 1, `response_status_id` -1 (eps.eko.in and
    api-specs.ts); only the message tells them apart. Older Eko entries use 327
    (pending) and 463 (unknown reference) for these, in either placement.
    The upstream DigiLocker provider (the `sourceDoc` of this entry in api-specs.ts)
    answers a pending session as a *success* carrying `data.status: PENDING`, so a
    `status` 0 answer is authenticated only when no `SessionState` field in `data`
    says otherwise.

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them `status` 1, `response_status_id` 1 with `data.session_status`
    `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        initiator_id (str): Registered mobile number of the API user (see Platform Credentials).
            At most 32
            characters: the local sandbox's own limit (Eko publishes none).
        user_code (str | Unset): User code of the retailer/agent the service is run for. Optional
            on every
            DigiLocker call here, because Eko's sources disagree: the eps.eko.in Create
            DigiLocker URL page (as captured) marks it required, but the legacy README 7.1-7.3
            lists it on none of the three calls, and eps-platform commit b065763 ("make
            user_code a per-endpoint AePS param") removed it from the common parameters, so
            the current api-specs.ts asks for it on no DigiLocker call. Send it when your
            account has one (the Python client sends `EKO_USER_CODE` when set); the local
            sandbox accepts a call with or without it. At most 32 characters: the local
            sandbox's own limit (Eko publishes none).
        client_ref_id (str | Unset): Unique reference id per API call, generated by your system
            (at most 20
            characters). Optional, as the eps.eko.in reference page says; the legacy pages
            call it "required" for POST calls (legacy README 7.1, section 4 "required for
            POST/PUT/DELETE requests only") and eps-platform `api-specs-common.ts` comments
            "Required for POST calls only". Eko uses it to recognise a repeated call; the
            local sandbox returns the same session for the same `client_ref_id` and body,
            and an error for the same `client_ref_id` with a different body.
        reference_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | VerificationStatusEnvelope]
    """

    kwargs = _get_kwargs(
        initiator_id=initiator_id,
        user_code=user_code,
        client_ref_id=client_ref_id,
        reference_id=reference_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    initiator_id: str,
    user_code: str | Unset = UNSET,
    client_ref_id: str | Unset = UNSET,
    reference_id: int,
) -> Envelope | VerificationStatusEnvelope | None:
    """DigiLocker verification status

     Reports whether the customer has completed the DigiLocker journey for a
    `reference_id`, with the customer's details once they have.

    **Parameters.** eps.eko.in (/docs/digilocker-verification-status) lists only
    `initiator_id` and `reference_id` (older api-specs.ts: `omitCommonParams:
    ["user_code", "source"]`); the legacy README 7.2 lists `initiator_id`,
    `client_ref_id` and `reference_id`. `user_code` is therefore optional; the
    client sends it only when given one, and the local sandbox accepts a call
    without it. Send `content-type: application/json` here too (see the top).

    **Answers.** Success is `status` 0, `response_status_id` 0 in both Eko sources,
    with `response_type_id` 1389 (eps) or 1628 (legacy README 7.2, which also sends
    an ISO `dob`, `gender: Male`, `eaadhaar: Available`, an unmasked `mobile` and
    `document_consent: ["Y"]`). A pending session and an "Invalid or expired
    reference_id" both answer `status` 1, `response_status_id` -1 (eps.eko.in and
    api-specs.ts); only the message tells them apart. Older Eko entries use 327
    (pending) and 463 (unknown reference) for these, in either placement.
    The upstream DigiLocker provider (the `sourceDoc` of this entry in api-specs.ts)
    answers a pending session as a *success* carrying `data.status: PENDING`, so a
    `status` 0 answer is authenticated only when no `SessionState` field in `data`
    says otherwise.

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them `status` 1, `response_status_id` 1 with `data.session_status`
    `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        initiator_id (str): Registered mobile number of the API user (see Platform Credentials).
            At most 32
            characters: the local sandbox's own limit (Eko publishes none).
        user_code (str | Unset): User code of the retailer/agent the service is run for. Optional
            on every
            DigiLocker call here, because Eko's sources disagree: the eps.eko.in Create
            DigiLocker URL page (as captured) marks it required, but the legacy README 7.1-7.3
            lists it on none of the three calls, and eps-platform commit b065763 ("make
            user_code a per-endpoint AePS param") removed it from the common parameters, so
            the current api-specs.ts asks for it on no DigiLocker call. Send it when your
            account has one (the Python client sends `EKO_USER_CODE` when set); the local
            sandbox accepts a call with or without it. At most 32 characters: the local
            sandbox's own limit (Eko publishes none).
        client_ref_id (str | Unset): Unique reference id per API call, generated by your system
            (at most 20
            characters). Optional, as the eps.eko.in reference page says; the legacy pages
            call it "required" for POST calls (legacy README 7.1, section 4 "required for
            POST/PUT/DELETE requests only") and eps-platform `api-specs-common.ts` comments
            "Required for POST calls only". Eko uses it to recognise a repeated call; the
            local sandbox returns the same session for the same `client_ref_id` and body,
            and an error for the same `client_ref_id` with a different body.
        reference_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | VerificationStatusEnvelope
    """

    return sync_detailed(
        client=client,
        initiator_id=initiator_id,
        user_code=user_code,
        client_ref_id=client_ref_id,
        reference_id=reference_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    initiator_id: str,
    user_code: str | Unset = UNSET,
    client_ref_id: str | Unset = UNSET,
    reference_id: int,
) -> Response[Envelope | VerificationStatusEnvelope]:
    """DigiLocker verification status

     Reports whether the customer has completed the DigiLocker journey for a
    `reference_id`, with the customer's details once they have.

    **Parameters.** eps.eko.in (/docs/digilocker-verification-status) lists only
    `initiator_id` and `reference_id` (older api-specs.ts: `omitCommonParams:
    ["user_code", "source"]`); the legacy README 7.2 lists `initiator_id`,
    `client_ref_id` and `reference_id`. `user_code` is therefore optional; the
    client sends it only when given one, and the local sandbox accepts a call
    without it. Send `content-type: application/json` here too (see the top).

    **Answers.** Success is `status` 0, `response_status_id` 0 in both Eko sources,
    with `response_type_id` 1389 (eps) or 1628 (legacy README 7.2, which also sends
    an ISO `dob`, `gender: Male`, `eaadhaar: Available`, an unmasked `mobile` and
    `document_consent: ["Y"]`). A pending session and an "Invalid or expired
    reference_id" both answer `status` 1, `response_status_id` -1 (eps.eko.in and
    api-specs.ts); only the message tells them apart. Older Eko entries use 327
    (pending) and 463 (unknown reference) for these, in either placement.
    The upstream DigiLocker provider (the `sourceDoc` of this entry in api-specs.ts)
    answers a pending session as a *success* carrying `data.status: PENDING`, so a
    `status` 0 answer is authenticated only when no `SessionState` field in `data`
    says otherwise.

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them `status` 1, `response_status_id` 1 with `data.session_status`
    `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        initiator_id (str): Registered mobile number of the API user (see Platform Credentials).
            At most 32
            characters: the local sandbox's own limit (Eko publishes none).
        user_code (str | Unset): User code of the retailer/agent the service is run for. Optional
            on every
            DigiLocker call here, because Eko's sources disagree: the eps.eko.in Create
            DigiLocker URL page (as captured) marks it required, but the legacy README 7.1-7.3
            lists it on none of the three calls, and eps-platform commit b065763 ("make
            user_code a per-endpoint AePS param") removed it from the common parameters, so
            the current api-specs.ts asks for it on no DigiLocker call. Send it when your
            account has one (the Python client sends `EKO_USER_CODE` when set); the local
            sandbox accepts a call with or without it. At most 32 characters: the local
            sandbox's own limit (Eko publishes none).
        client_ref_id (str | Unset): Unique reference id per API call, generated by your system
            (at most 20
            characters). Optional, as the eps.eko.in reference page says; the legacy pages
            call it "required" for POST calls (legacy README 7.1, section 4 "required for
            POST/PUT/DELETE requests only") and eps-platform `api-specs-common.ts` comments
            "Required for POST calls only". Eko uses it to recognise a repeated call; the
            local sandbox returns the same session for the same `client_ref_id` and body,
            and an error for the same `client_ref_id` with a different body.
        reference_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | VerificationStatusEnvelope]
    """

    kwargs = _get_kwargs(
        initiator_id=initiator_id,
        user_code=user_code,
        client_ref_id=client_ref_id,
        reference_id=reference_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    initiator_id: str,
    user_code: str | Unset = UNSET,
    client_ref_id: str | Unset = UNSET,
    reference_id: int,
) -> Envelope | VerificationStatusEnvelope | None:
    """DigiLocker verification status

     Reports whether the customer has completed the DigiLocker journey for a
    `reference_id`, with the customer's details once they have.

    **Parameters.** eps.eko.in (/docs/digilocker-verification-status) lists only
    `initiator_id` and `reference_id` (older api-specs.ts: `omitCommonParams:
    ["user_code", "source"]`); the legacy README 7.2 lists `initiator_id`,
    `client_ref_id` and `reference_id`. `user_code` is therefore optional; the
    client sends it only when given one, and the local sandbox accepts a call
    without it. Send `content-type: application/json` here too (see the top).

    **Answers.** Success is `status` 0, `response_status_id` 0 in both Eko sources,
    with `response_type_id` 1389 (eps) or 1628 (legacy README 7.2, which also sends
    an ISO `dob`, `gender: Male`, `eaadhaar: Available`, an unmasked `mobile` and
    `document_consent: ["Y"]`). A pending session and an "Invalid or expired
    reference_id" both answer `status` 1, `response_status_id` -1 (eps.eko.in and
    api-specs.ts); only the message tells them apart. Older Eko entries use 327
    (pending) and 463 (unknown reference) for these, in either placement.
    The upstream DigiLocker provider (the `sourceDoc` of this entry in api-specs.ts)
    answers a pending session as a *success* carrying `data.status: PENDING`, so a
    `status` 0 answer is authenticated only when no `SessionState` field in `data`
    says otherwise.

    Denied and expired sessions: Eko publishes nothing. The local sandbox answers
    them `status` 1, `response_status_id` 1 with `data.session_status`
    `CONSENT_DENIED` or `EXPIRED` (sandbox's own).

    Args:
        initiator_id (str): Registered mobile number of the API user (see Platform Credentials).
            At most 32
            characters: the local sandbox's own limit (Eko publishes none).
        user_code (str | Unset): User code of the retailer/agent the service is run for. Optional
            on every
            DigiLocker call here, because Eko's sources disagree: the eps.eko.in Create
            DigiLocker URL page (as captured) marks it required, but the legacy README 7.1-7.3
            lists it on none of the three calls, and eps-platform commit b065763 ("make
            user_code a per-endpoint AePS param") removed it from the common parameters, so
            the current api-specs.ts asks for it on no DigiLocker call. Send it when your
            account has one (the Python client sends `EKO_USER_CODE` when set); the local
            sandbox accepts a call with or without it. At most 32 characters: the local
            sandbox's own limit (Eko publishes none).
        client_ref_id (str | Unset): Unique reference id per API call, generated by your system
            (at most 20
            characters). Optional, as the eps.eko.in reference page says; the legacy pages
            call it "required" for POST calls (legacy README 7.1, section 4 "required for
            POST/PUT/DELETE requests only") and eps-platform `api-specs-common.ts` comments
            "Required for POST calls only". Eko uses it to recognise a repeated call; the
            local sandbox returns the same session for the same `client_ref_id` and body,
            and an error for the same `client_ref_id` with a different body.
        reference_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | VerificationStatusEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            initiator_id=initiator_id,
            user_code=user_code,
            client_ref_id=client_ref_id,
            reference_id=reference_id,
        )
    ).parsed
