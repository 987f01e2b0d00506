"""wait_for_consent: polls until a final state, or gives up with TIMED_OUT."""

import httpx
import pytest

from eko_digilocker import (
    ConsentState,
    EkoApiError,
    EkoConfigurationError,
    EkoConsentDeniedError,
    EkoNotFoundError,
    EkoSessionExpiredError,
    wait_for_consent,
)
from tests.client.fakes import Server, envelope, make_client

AUTHENTICATED = {
    "status": 0,
    "message": "ok",
    "response_status_id": -1,
    "response_type_id": 1389,
    "data": {"session_status": "AUTHENTICATED", "user_details": {"name": "A"}},
}
PENDING = envelope(1, 327, data={"session_status": "PENDING"})


def answers(*bodies: object) -> list:
    return [httpx.Response(200, json=body) for body in bodies]


def test_polls_until_authenticated(server: Server, sleeps: list) -> None:
    server.answers = answers(PENDING, PENDING, AUTHENTICATED)
    with make_client(server, sleeps) as eko:
        result = wait_for_consent(eko, 7, timeout=60, interval=2)
    assert result.state is ConsentState.AUTHENTICATED
    assert result.authenticated
    assert result.details is not None
    assert result.details.user_details
    assert result.details.user_details.name == "A"
    assert sleeps == [2, 2]


@pytest.mark.parametrize("state", ["CONSENT_DENIED", "EXPIRED"])
def test_denied_and_expired_are_final(server: Server, sleeps: list, state: str) -> None:
    server.answers = answers(PENDING, envelope(1, 1, data={"session_status": state}))
    with make_client(server, sleeps) as eko:
        result = eko.wait_for_consent(7, timeout=60, interval=1)
    assert result.state == state
    # returned as the result, not raised; the answer's own typed error rides along
    expected = {"CONSENT_DENIED": EkoConsentDeniedError, "EXPIRED": EkoSessionExpiredError}
    assert type(result.error) is expected[state]
    assert not result.authenticated


def test_gives_up_after_the_timeout(server: Server, sleeps: list) -> None:
    server.answers = answers(PENDING)
    with make_client(server, sleeps) as eko:
        result = eko.wait_for_consent(7, timeout=0, interval=1)
    assert result.state is ConsentState.TIMED_OUT
    assert result.error is not None
    assert result.error.response_status_id == 327


def test_unknown_reference_raises(server: Server, sleeps: list) -> None:
    server.answers = answers(envelope(1, 463))
    with make_client(server, sleeps) as eko, pytest.raises(EkoNotFoundError):
        eko.wait_for_consent(7, timeout=60)


def test_an_undocumented_pending_answer_keeps_polling(server: Server, sleeps: list) -> None:
    # Eko documents a pending session only as `status` 1 with a message.
    undocumented = envelope(1, 1, "Verification is in progress")
    server.answers = answers(undocumented, AUTHENTICATED)
    with make_client(server, sleeps) as eko:
        result = eko.wait_for_consent(7, timeout=60, interval=1)
    assert result.state is ConsentState.AUTHENTICATED
    assert len(server.requests) == 2


def test_set_up_errors_are_raised_not_waited_for(server: Server, sleeps: list) -> None:
    server.answers = answers(envelope(1, 346, "User not onboarded"))
    with make_client(server, sleeps) as eko, pytest.raises(EkoApiError) as caught:
        eko.wait_for_consent(7, timeout=60)
    assert caught.value.response_status_id == 346
    assert len(server.requests) == 1


def test_consent_states_are_the_specs_session_states_plus_timed_out() -> None:
    from eko_digilocker.spec import load_spec
    from eko_digilocker_sandbox.sessions import SessionState as SandboxSessionState

    states = load_spec()["components"]["schemas"]["SessionState"]["enum"]
    assert {state.value for state in ConsentState} == {*states, "TIMED_OUT"}
    assert {state.value for state in SandboxSessionState} == set(states)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"timeout": None}, "timeout must be a number"),
        ({"timeout": -1}, "timeout must be a positive number"),
        ({"interval": None}, "interval must be a number"),
        ({"interval": "x"}, "interval must be a number"),
        ({"interval": 0}, "interval must be a positive number"),
        ({"interval": -1}, "interval must be a positive number"),
    ],
)
def test_a_bad_timeout_or_interval_is_refused_before_polling(
    server: Server, sleeps: list, options: dict, said: str
) -> None:
    # Before: timeout=None raised a bare AssertionError; a bad interval was found only
    # when the first wait came, after a request had been sent.
    server.answers = answers(PENDING)
    with make_client(server, sleeps) as eko, pytest.raises(EkoConfigurationError) as caught:
        eko.wait_for_consent(7, **{"timeout": 60, **options})
    assert f"wait_for_consent's {said}" in str(caught.value)
    assert server.requests == []


def test_an_unknown_reference_stops_the_wait_in_the_eps_profile(sandbox: str) -> None:
    # eps.eko.in answers an unknown reference as it answers a pending session (status 1,
    # response_status_id -1); only Eko's message tells them apart. Before: polled until
    # the wait's timeout (600 s by default).
    from eko_digilocker import EkoClient
    from tests.client.fakes import CREDENTIALS

    eko = EkoClient(**CREDENTIALS, base_url=sandbox, timeout=10)
    with eko, pytest.raises(EkoNotFoundError) as caught:
        eko.wait_for_consent(987654321, timeout=5, interval=0.1)
    assert (caught.value.status, caught.value.response_status_id) == (1, -1)


@pytest.mark.parametrize(
    "message",
    ["Invalid reference_id", "Invalid or expired reference_id", "invalid reference_id."],
)
def test_ekos_unknown_reference_message_is_not_found(
    server: Server, sleeps: list, message: str
) -> None:
    server.answers = answers(envelope(1, -1, message), PENDING)
    with make_client(server, sleeps) as eko, pytest.raises(EkoNotFoundError):
        wait_for_consent(eko, 7, timeout=60, interval=1)
    assert len(server.requests) == 1
