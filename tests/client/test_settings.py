import pytest

from eko_digilocker import EkoClient, EkoConfigurationError, EkoConfigurationWarning
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


# --- issue 19, item 12: an explicit environment beats EKO_BASE_URL; both at once is refused


def test_an_explicit_environment_wins_over_eko_base_url() -> None:
    env = {**ENV, "EKO_BASE_URL": "http://127.0.0.1:9"}
    with pytest.warns(EkoConfigurationWarning):
        settings = Settings.resolve(environment="production-25002", env=env)
    assert settings.base_url == "https://api.eko.in:25002/ekoicici/v3"
    # Without the argument, EKO_BASE_URL still beats EKO_ENVIRONMENT.
    env["EKO_ENVIRONMENT"] = "production"
    assert Settings.resolve(env=env).base_url == "http://127.0.0.1:9"


def test_base_url_and_environment_together_are_refused() -> None:
    with pytest.raises(EkoConfigurationError, match="base_url or environment, not both"):
        Settings.resolve(base_url="http://127.0.0.1:9", environment="uat", env=ENV)
    with pytest.raises(EkoConfigurationError, match="not both"):
        EkoClient(**CREDENTIALS, base_url="http://127.0.0.1:9", environment="production")


# --- issue 23, item 15: following the recorder docs with the Quickstart's client must not
# bypass the recorder without a word


def test_an_explicit_environment_beside_eko_base_url_warns_at_the_callers_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {**ENV, "EKO_BASE_URL": "http://127.0.0.1:9"}.items():
        monkeypatch.setenv(name, value)
    with pytest.warns(EkoConfigurationWarning, match="EKO_BASE_URL") as caught:
        EkoClient(environment="uat").close()
    assert caught[0].filename == __file__
    assert "leave environment unset" in str(caught[0].message)


def test_the_quickstart_client_follows_eko_base_url_without_a_warning(
    monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder
) -> None:
    for name, value in {**ENV, "EKO_BASE_URL": "http://127.0.0.1:9"}.items():
        monkeypatch.setenv(name, value)
    with EkoClient() as eko:  # the Quickstart's client
        assert eko.settings.base_url == "http://127.0.0.1:9"
    assert not [w for w in recwarn if issubclass(w.category, EkoConfigurationWarning)]
