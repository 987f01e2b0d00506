"""client_ref_id idempotency, and sessions under concurrent requests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.sandbox.helpers import CREATE, Api, create_body, signed_headers, spec_errors


def test_the_same_client_ref_id_and_body_give_the_same_session(api: Api) -> None:
    first = api.create(client_ref_id="IDEM-1")
    second = api.create(client_ref_id="IDEM-1")
    assert first.json()["status"] == 0
    assert second.content == first.content  # byte for byte: same reference_id, same url
    assert api.state()["sessions"] == 1


def test_key_order_and_spacing_do_not_make_a_different_body(api: Api) -> None:
    body = create_body(client_ref_id="IDEM-2")
    first = api.request("POST", CREATE, json=body).json()
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    second = api.request(
        "POST", CREATE, content=reordered, headers={"content-type": "application/json"}
    ).json()
    assert second["data"]["reference_id"] == first["data"]["reference_id"]


def test_the_same_client_ref_id_with_another_body_is_an_error(api: Api) -> None:
    first = api.create(client_ref_id="IDEM-3").json()
    conflict = api.create(client_ref_id="IDEM-3", user_code="99999999").json()
    assert conflict["status"] == 1
    assert conflict["response_status_id"] == 1
    assert conflict["data"] == {}
    assert conflict["message"].startswith(
        "client_ref_id IDEM-3 was already used with a different request body"
    )
    assert api.state()["sessions"] == 1
    # the original is untouched and can still be repeated
    assert api.create(client_ref_id="IDEM-3").json() == first


def test_the_replay_survives_a_decision(api: Api) -> None:
    first = api.create(client_ref_id="IDEM-4").json()
    api.control("POST", f"sessions/{first['data']['reference_id']}/approve")
    assert api.create(client_ref_id="IDEM-4").json() == first


def test_without_client_ref_id_every_call_is_a_new_session(api: Api) -> None:
    first = api.new_session()
    second = api.new_session()
    assert first["reference_id"] != second["reference_id"]
    assert first["url"] != second["url"]


def test_a_rejected_create_does_not_claim_the_client_ref_id(api: Api) -> None:
    bad = api.create(client_ref_id="IDEM-5", redirect_url="ftp://x.example/").json()
    assert bad["status"] == 301
    assert api.create(client_ref_id="IDEM-5").json()["status"] == 0


async def _concurrent_creates(base_url: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=30, verify=False
    ) as client:
        return await asyncio.gather(
            *(client.post(CREATE, json=body, headers=signed_headers()) for body in bodies)
        )


def test_concurrent_creates_get_unique_reference_ids(api: Api) -> None:
    bodies = [create_body(client_ref_id=f"CONC-{i}") for i in range(100)]
    bodies += [create_body() for _ in range(50)]
    responses = asyncio.run(_concurrent_creates(api.base_url, bodies))
    for response in responses:
        assert not spec_errors(CREATE, "POST", response)
    answers = [r.json() for r in responses]
    assert all(a["status"] == 0 for a in answers)
    ids = [a["data"]["reference_id"] for a in answers]
    assert len(set(ids)) == 150
    assert len({a["data"]["url"] for a in answers}) == 150
    assert api.state()["sessions"] == 150


def test_concurrent_repeats_of_one_client_ref_id_make_one_session(api: Api) -> None:
    bodies = [create_body(client_ref_id="CONC-SAME") for _ in range(40)]
    answers = [r.json() for r in asyncio.run(_concurrent_creates(api.base_url, bodies))]
    assert {a["data"]["reference_id"] for a in answers} == {answers[0]["data"]["reference_id"]}
    assert api.state()["sessions"] == 1
