import pytest

from eko_digilocker import EkoClient, EkoConfigurationError
from eko_digilocker.settings import Settings
from tests.client.fakes import CREDENTIALS

ENV = {
    "EKO_DEVELOPER_KEY": CREDENTIALS["developer_key"],
    "EKO_ACCESS_KEY": CREDENTIALS["access_key"],
    "EKO_INITIATOR_ID": CREDENTIALS["initiator_id"],
    "EKO_USER_CODE": CREDENTIALS["user_code"],
}


def test_settings_from_the_environment_default_to_uat() -> None:
    settings = Settings.resolve(env=ENV)
    assert settings.developer_key == CREDENTIALS["developer_key"]
    assert settings.user_code == "20810200"
    assert settings.base_url == "https://staging.eko.in/ekoapi/v3"


def test_arguments_win_over_the_environment() -> None:
    settings = Settings.resolve(initiator_id="1", base_url="http://127.0.0.1:1/", env=ENV)
    assert settings.initiator_id == "1"
    assert settings.base_url == "http://127.0.0.1:1"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"EKO_ENVIRONMENT": "production"}, "https://api.eko.in/ekoicici/v3"),
        ({"EKO_ENVIRONMENT": "UAT"}, "https://staging.eko.in/ekoapi/v3"),
        ({"EKO_BASE_URL": "http://localhost:8080"}, "http://localhost:8080"),
    ],
)
def test_environment_selects_the_spec_server(env: dict[str, str], expected: str) -> None:
    assert Settings.resolve(env={**ENV, **env}).base_url == expected


def test_every_missing_setting_is_named_at_once() -> None:
    with pytest.raises(EkoConfigurationError) as caught:
        Settings.resolve(env={})
    for name in ("EKO_DEVELOPER_KEY", "EKO_ACCESS_KEY", "EKO_INITIATOR_ID"):
        assert name in str(caught.value)


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(EkoConfigurationError, match="staging"):
        Settings.resolve(environment="staging", env=ENV)


@pytest.mark.parametrize("taken", ["auth", "base_url", "timeout", "params", "cookies"])
def test_httpx_args_may_not_replace_what_the_client_sets(taken: str) -> None:
    with pytest.raises(EkoConfigurationError, match=taken):
        EkoClient(**CREDENTIALS, httpx_args={taken: None})


def test_client_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EKO_BASE_URL", "http://127.0.0.1:9")
    with EkoClient() as eko:
        assert eko.settings.base_url == "http://127.0.0.1:9"
