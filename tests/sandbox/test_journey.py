"""The consent journey: create, consent page, redirect, status, document; deny; expiry."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from eko_digilocker_sandbox import UAT_DEVELOPER_KEY, SandboxConfig, running_sandbox
from tests.sandbox.helpers import Api, FakeClock, code, create_body, signed_headers

REDIRECT = "https://yourapp.example/kyc/callback?order=42&lang=en#done"


def consent_form(api: Api, url: str) -> tuple[str, str]:
    """Open the consent page; return (form action URL, token)."""
    page = api.http.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Approve" in page.text
    assert "Deny" in page.text
    action = re.search(r'action="([^"]+)"', page.text)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert action is not None
    assert token is not None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{action.group(1)}", token.group(1)


def decide_in_browser(api: Api, url: str, decision: str) -> httpx.Response:
    action, token = consent_form(api, url)
    return api.http.post(action, data={"token": token, "decision": decision})


# What each profile sends where they differ (the spec's description names the sources).
CREATE_TYPE_ID = {"eps": 1388, "legacy": 1627}
STATUS_TYPE_ID = {"eps": 1389, "legacy": 1628}
DOCUMENT_TYPE_ID = {"eps": 1388, "legacy": 1630}
USER_DETAILS = {
    "eps": {"dob": "01-01-1990", "gender": "F", "eaadhaar": "Y"},
    "legacy": {"dob": "1990-01-01", "gender": "Female", "eaadhaar": "Available"},
}
DOCUMENT_CONSENT = {"eps": [{"document_type": "AADHAAR", "consent": "Y"}], "legacy": ["Y"]}


def assert_status_pending(api: Api, answer: dict) -> None:
    """eps.eko.in: `status` 1, `response_status_id` -1; legacy: code 327."""
    assert answer["status"] == 1
    if api.profile == "eps":
        assert answer["response_status_id"] == -1
        assert code(answer) is None
    else:
        assert answer["response_status_id"] == 327
    assert answer["data"] == {"session_status": "PENDING"}


def test_the_whole_journey_through_the_consent_page(profiled_api: Api) -> None:
    api = profiled_api
    created = api.create(client_ref_id="JOURNEY-1", redirect_url=REDIRECT).json()
    assert created["status"] == 0
    assert created["response_type_id"] == CREATE_TYPE_ID[api.profile]
    data = created["data"]
    assert data["document_requested"] == ["AADHAAR"]
    assert data["redirect_url"] == REDIRECT
    url = urlsplit(data["url"])
    assert f"{url.scheme}://{url.netloc}" == api.base_url
    assert url.path == f"/consent/{data['reference_id']}"
    assert parse_qs(url.query)["token"]

    assert_status_pending(api, api.status(data["reference_id"]).json())
    # eps.eko.in lists no user_code for the status call
    without_user_code = api.status(data["reference_id"], user_code=None).json()
    assert_status_pending(api, without_user_code)

    redirect = decide_in_browser(api, data["url"], "approve")
    assert redirect.status_code == 303
    location = urlsplit(redirect.headers["location"])
    assert location.netloc == "yourapp.example"
    assert location.path == "/kyc/callback"
    assert location.fragment == "done"
    query = parse_qs(location.query)
    assert query["order"] == ["42"]
    assert query["lang"] == ["en"]
    assert query["reference_id"] == [str(data["reference_id"])]
    verification_id = query["verification_id"][0]

    status = api.status(data["reference_id"]).json()
    assert status["status"] == 0
    assert status["response_status_id"] == 0
    assert status["response_type_id"] == STATUS_TYPE_ID[api.profile]
    assert status["data"]["session_status"] == "AUTHENTICATED"
    assert status["data"]["user_details"]["name"] == "Sandbox Test Customer"
    details = status["data"]["user_details"]
    assert {k: details[k] for k in USER_DETAILS[api.profile]} == USER_DETAILS[api.profile]
    assert status["data"]["document_consent"] == DOCUMENT_CONSENT[api.profile]

    document = api.document(data["reference_id"], verification_id).json()
    assert document["status"] == 0
    assert document["response_type_id"] == DOCUMENT_TYPE_ID[api.profile]
    assert document["data"]["verification_status"] == "SUCCESS"
    (aadhaar,) = document["data"]["documents"]
    assert aadhaar["document_type"] == "AADHAAR"
    assert aadhaar["name"] == "Sandbox Test Customer"
    assert re.fullmatch(r"XXXX-XXXX-\d{4}", aadhaar["masked_aadhaar"])
    assert aadhaar["address"]["pincode"] == "000000"


def test_approving_through_the_control_surface(api: Api) -> None:
    data = api.new_session(redirect_url="https://yourapp.example/cb")
    approved = api.control("POST", f"sessions/{data['reference_id']}/approve")
    assert approved.status_code == 200
    summary = approved.json()
    assert summary["session_status"] == "AUTHENTICATED"
    assert summary["verification_id"].startswith(f"VER-{data['reference_id']}-")
    assert summary["redirect_location"] == (
        f"https://yourapp.example/cb?reference_id={data['reference_id']}"
        f"&verification_id={summary['verification_id']}"
    )
    document = api.document(data["reference_id"], summary["verification_id"]).json()
    assert document["status"] == 0
    # approving again changes nothing
    again = api.control("POST", f"sessions/{data['reference_id']}/approve").json()
    assert again["verification_id"] == summary["verification_id"]


def test_the_consent_page_shows_a_decided_session(api: Api) -> None:
    data = api.new_session()
    api.control("POST", f"sessions/{data['reference_id']}/approve")
    page = api.http.get(data["url"])
    assert page.status_code == 200
    assert "AUTHENTICATED" in page.text
    assert "Approve" not in page.text


def test_denying_consent(api: Api) -> None:
    data = api.new_session(redirect_url="https://yourapp.example/cb")
    redirect = decide_in_browser(api, data["url"], "deny")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == (
        f"https://yourapp.example/cb?reference_id={data['reference_id']}&status=CONSENT_DENIED"
    )
    status = api.status(data["reference_id"]).json()
    assert status["status"] == 1
    assert status["data"] == {"session_status": "CONSENT_DENIED"}
    document = api.document(data["reference_id"], "VER-anything").json()
    assert document["status"] == 1
    assert document["data"] == {"session_status": "CONSENT_DENIED"}
    # a denied session cannot be approved afterwards
    conflict = api.control("POST", f"sessions/{data['reference_id']}/approve")
    assert conflict.status_code == 409


def test_deny_through_the_control_surface(api: Api) -> None:
    data = api.new_session()
    denied = api.control("POST", f"sessions/{data['reference_id']}/deny").json()
    assert denied["session_status"] == "CONSENT_DENIED"
    assert "status=CONSENT_DENIED" in denied["redirect_location"]


def test_expiring_through_the_control_surface(api: Api) -> None:
    data = api.new_session()
    expired = api.control("POST", f"sessions/{data['reference_id']}/expire").json()
    assert expired["session_status"] == "EXPIRED"
    status = api.status(data["reference_id"]).json()
    assert status["status"] == 1
    assert status["data"] == {"session_status": "EXPIRED"}
    assert api.http.get(data["url"]).status_code == 410
    assert api.control("POST", f"sessions/{data['reference_id']}/approve").status_code == 409


def placed(api: Api, answer: dict, expected: int) -> None:
    """The code sits in `status` (eps) or `response_status_id` (legacy)."""
    if api.profile == "eps":
        assert (answer["status"], answer["response_status_id"]) == (expected, 1)
    else:
        assert (answer["status"], answer["response_status_id"]) == (1, expected)


def test_document_before_consent_is_327(profiled_api: Api) -> None:
    api = profiled_api
    data = api.new_session()
    answer = api.document(data["reference_id"], "VER-not-yet").json()
    placed(api, answer, 327)
    assert answer["data"] == {"session_status": "PENDING"}


def test_unknown_references_are_463(profiled_api: Api) -> None:
    api = profiled_api
    for answer in (
        api.document(999_999_999, "VER-1").json(),
        api.document("not-a-number", "VER-1").json(),
    ):
        placed(api, answer, 463)
        assert answer["message"] == "Invalid reference ID. Please check and retry."
    status = api.status(999_999_999).json()
    if api.profile == "eps":  # eps.eko.in: "Invalid or expired reference_id"
        assert (status["status"], status["response_status_id"]) == (1, -1)
        assert status["message"] == "Invalid reference_id"
    else:
        placed(api, status, 463)


def test_a_wrong_verification_id_is_463_and_says_so(profiled_api: Api) -> None:
    api = profiled_api
    data = api.new_session()
    api.control("POST", f"sessions/{data['reference_id']}/approve")
    answer = api.document(data["reference_id"], "VER-wrong").json()
    placed(api, answer, 463)
    assert "verification_id does not match" in answer["message"]


def test_a_document_that_was_not_requested_is_refused(api: Api) -> None:
    data = api.new_session(document_requested=["AADHAAR"])
    verification_id = api.control("POST", f"sessions/{data['reference_id']}/approve").json()[
        "verification_id"
    ]
    answer = api.document(data["reference_id"], verification_id, document_type=["PAN"]).json()
    assert answer["status"] == 1
    assert "PAN" in answer["message"]


def test_several_documents(api: Api) -> None:
    data = api.new_session(document_requested=["AADHAAR", "PAN"])
    verification_id = api.control("POST", f"sessions/{data['reference_id']}/approve").json()[
        "verification_id"
    ]
    answer = api.document(
        data["reference_id"], verification_id, document_type=["PAN", "AADHAAR"]
    ).json()
    assert [d["document_type"] for d in answer["data"]["documents"]] == ["PAN", "AADHAAR"]
    assert "masked_aadhaar" not in answer["data"]["documents"][0]


def test_the_consent_page_needs_its_token(api: Api) -> None:
    data = api.new_session()
    bare = data["url"].split("?")[0]
    assert api.http.get(bare).status_code == 404
    assert api.http.get(bare + "?token=wrong").status_code == 404
    _, token = consent_form(api, data["url"])
    forged = api.http.post(bare, data={"token": "wrong", "decision": "approve"})
    assert forged.status_code == 404
    unclear = api.http.post(bare, data={"token": token, "decision": "maybe"})
    assert unclear.status_code == 400
    assert_status_pending(api, api.status(data["reference_id"]).json())


def test_control_surface_for_unknown_sessions(api: Api) -> None:
    for action in ("approve", "deny", "expire"):
        assert api.control("POST", f"sessions/123/{action}").status_code == 404
    assert api.control("GET", "sessions/123").status_code == 404


def test_listing_and_resetting_sessions(api: Api) -> None:
    first = api.new_session()
    api.new_session()
    listing = api.control("GET", "sessions").json()
    assert len(listing["sessions"]) == 2
    assert {s["reference_id"] for s in listing["sessions"]} >= {first["reference_id"]}
    one = api.control("GET", f"sessions/{first['reference_id']}").json()
    assert one["session_status"] == "PENDING"
    reset = api.control("POST", "reset").json()
    assert reset["reset"] is True
    assert reset["sessions"] == 0
    assert api.state()["sessions"] == 0
    # ids keep counting after a reset, so an old reference stays unknown
    assert api.status(first["reference_id"]).json()["message"] == "Invalid reference_id"
    assert api.new_session()["reference_id"] > first["reference_id"]


def test_invalid_redirect_urls_are_301(profiled_api: Api) -> None:
    api = profiled_api
    for url in ("ftp://files.example/x", "javascript:alert(1)", "mailto:a@b.example", "http:/x"):
        answer = api.create(redirect_url=url).json()
        placed(api, answer, 301)
        assert answer["message"] == "Invalid redirect URL provided."
    assert api.state()["sessions"] == 0


def test_consent_urls_follow_the_host_header(api: Api) -> None:
    response = api.request(
        "POST", "/tools/kyc/digilocker", json=create_body(), headers={"host": "sandbox.test:9000"}
    )
    assert response.json()["data"]["url"].startswith("http://sandbox.test:9000/consent/")
    odd = api.request(
        "POST", "/tools/kyc/digilocker", json=create_body(), headers={"host": "bad host<>"}
    )
    assert odd.json()["data"]["url"].startswith(api.base_url + "/consent/")


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "sandbox.test:99999"},  # a port no URL can have
        {"x-forwarded-proto": "ws"},  # uvicorn trusts it from a loopback peer
        {"x-forwarded-proto": "javascript"},
    ],
)
def test_odd_host_or_scheme_headers_still_give_an_http_consent_url(
    api: Api, headers: dict[str, str]
) -> None:
    url = api.request("POST", "/tools/kyc/digilocker", json=create_body(), headers=headers).json()[
        "data"
    ]["url"]
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.port is not None
    assert parts.path.startswith("/consent/")


def test_pending_sessions_expire_after_the_ttl() -> None:
    clock = FakeClock()
    config = SandboxConfig(session_ttl_seconds=600, clock=clock)
    with running_sandbox(config) as url:
        api = Api(url)
        try:
            ts = int(clock.now * 1000)
            api_headers = signed_headers(timestamp_ms=ts)
            data = api.request(
                "POST",
                "/tools/kyc/digilocker",
                signed=False,
                headers=api_headers,
                json=create_body(),
            ).json()["data"]
            decided = api.request(
                "POST",
                "/tools/kyc/digilocker",
                signed=False,
                headers=api_headers,
                json=create_body(),
            ).json()["data"]
            api.control("POST", f"sessions/{decided['reference_id']}/approve")

            clock.advance(599)
            headers = signed_headers(timestamp_ms=int(clock.now * 1000))
            params = {"initiator_id": "1", "user_code": "2", "reference_id": data["reference_id"]}
            still = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=headers, params=params
            )
            assert still.json()["data"] == {"session_status": "PENDING"}

            clock.advance(1)
            headers = signed_headers(timestamp_ms=int(clock.now * 1000))
            gone = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=headers, params=params
            )
            assert gone.json()["data"] == {"session_status": "EXPIRED"}
            assert api.http.get(data["url"]).status_code == 410

            # the TTL is the consent window: a session approved in time stays usable
            params["reference_id"] = decided["reference_id"]
            kept = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=headers, params=params
            )
            assert kept.json()["data"]["session_status"] == "AUTHENTICATED"

            # and the timestamp window moves with the same clock
            stale = signed_headers(timestamp_ms=ts)
            refused = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=stale, params=params
            )
            assert refused.status_code == 403
        finally:
            api.close()


def test_sessions_belong_to_their_developer_key() -> None:
    config = SandboxConfig(
        credentials={UAT_DEVELOPER_KEY: "access-one", "second-key": "access-two"}
    )
    with running_sandbox(config) as url:
        api = Api(url)
        try:
            mine = signed_headers(UAT_DEVELOPER_KEY, "access-one")
            theirs = signed_headers("second-key", "access-two")
            data = api.request(
                "POST",
                "/tools/kyc/digilocker",
                signed=False,
                headers=mine,
                json=create_body(client_ref_id="SHARED"),
            ).json()["data"]
            params = {"initiator_id": "1", "user_code": "2", "reference_id": data["reference_id"]}
            own = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=mine, params=params
            )
            assert own.json()["data"] == {"session_status": "PENDING"}
            other = api.request(
                "GET", "/tools/kyc/digilocker/status", signed=False, headers=theirs, params=params
            )
            assert other.json()["message"] == "Invalid reference_id"
            # the same client_ref_id under another account is another session
            second = api.request(
                "POST",
                "/tools/kyc/digilocker",
                signed=False,
                headers=theirs,
                json=create_body(client_ref_id="SHARED"),
            ).json()["data"]
            assert second["reference_id"] != data["reference_id"]
        finally:
            api.close()
