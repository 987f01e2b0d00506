"""Client settings from arguments or the environment, with secrets kept out of sight."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from .errors import EkoConfigurationError, EkoConfigurationWarning
from .signing import mask
from .spec import load_spec

ENV_VARS = {
    "developer_key": "EKO_DEVELOPER_KEY",
    "access_key": "EKO_ACCESS_KEY",
    "initiator_id": "EKO_INITIATOR_ID",
    "user_code": "EKO_USER_CODE",
}
DEFAULT_ENVIRONMENT = "uat"


def environments() -> dict[str, str]:
    """Base URL of each Eko environment, read from the spec's `x-eko-environment` servers."""
    return {
        server["x-eko-environment"]: server["url"]
        for server in load_spec()["servers"]
        if "x-eko-environment" in server
    }


@dataclass(frozen=True)
class Settings:
    developer_key: str = field(repr=False)
    access_key: str = field(repr=False)
    initiator_id: str
    user_code: str | None
    base_url: str

    @classmethod
    def resolve(
        cls,
        *,
        developer_key: str | None = None,
        access_key: str | None = None,
        initiator_id: str | None = None,
        user_code: str | None = None,
        base_url: str | None = None,
        environment: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Arguments win over `EKO_*` environment variables; say every missing one at once.

        The target: `base_url` or `environment` (not both), else `EKO_BASE_URL`, else
        `EKO_ENVIRONMENT`, else `uat`."""
        env = os.environ if env is None else env
        given = {
            "developer_key": developer_key,
            "access_key": access_key,
            "initiator_id": initiator_id,
            "user_code": user_code,
        }
        for name, value in {**given, "base_url": base_url, "environment": environment}.items():
            if value is not None and not isinstance(value, str):
                raise EkoConfigurationError(f"{name} must be a string, not {type(value).__name__}")
        values = {name: value or env.get(ENV_VARS[name]) or None for name, value in given.items()}
        missing = [
            f"{name} (or {ENV_VARS[name]})"
            for name, value in values.items()
            if value is None and name != "user_code"
        ]
        if missing:
            raise EkoConfigurationError("missing settings: " + ", ".join(missing))
        for name in ("developer_key", "access_key"):
            _check_key(name, values[name] or "")
        return cls(
            developer_key=values["developer_key"] or "",
            access_key=values["access_key"] or "",
            initiator_id=values["initiator_id"] or "",
            user_code=values["user_code"],
            base_url=_base_url(base_url, environment, env),
        )

    def __repr__(self) -> str:
        return (
            f"Settings(base_url={self.base_url!r}, developer_key={mask(self.developer_key)!r}, "
            f"access_key='***', initiator_id={self.initiator_id!r}, user_code={self.user_code!r})"
        )


def _check_key(name: str, key: str) -> None:
    """Refuse a key a header cannot carry (CR, LF, NUL...), naming none of it: httpx's own
    error would quote the whole key."""
    for position, char in enumerate(key):
        if not " " < char < "\x7f":
            raise EkoConfigurationError(
                f"{name} must be visible ASCII characters; character {position + 1} of "
                f"{len(key)} is not (the key is not shown)"
            )


def check_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash, or the EkoConfigurationError saying what is wrong."""
    if "://" not in base_url:
        raise EkoConfigurationError(
            f"base_url {base_url!r} has no scheme: write it as http://... or https://..."
        )
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise EkoConfigurationError(f"base_url {base_url!r} is not a valid URL: {exc}") from None
    port_ok = url.port is None or 0 < url.port < 65536
    if url.scheme not in ("http", "https") or not url.host or not port_ok or " " in base_url:
        raise EkoConfigurationError(
            f"base_url {base_url!r} must be an http:// or https:// URL with a host (and a "
            "port from 1 to 65535, if any)"
        )
    return base_url.rstrip("/")


def _base_url(base_url: str | None, environment: str | None, env: Mapping[str, str]) -> str:
    if base_url and environment:
        raise EkoConfigurationError(
            f"give base_url or environment, not both (base_url {base_url!r}, environment "
            f"{environment!r})"
        )
    if not environment:  # an explicit environment beats EKO_BASE_URL
        base_url = base_url or env.get("EKO_BASE_URL")
    elif env.get("EKO_BASE_URL"):
        # A recorder or sandbox set up through EKO_BASE_URL would be bypassed silently.
        warnings.warn(
            f"environment={environment!r} was given, so EKO_BASE_URL "
            f"({env['EKO_BASE_URL']!r}) is ignored and calls go to {environment!r}; "
            "leave environment unset (EkoClient()) to follow EKO_BASE_URL",
            EkoConfigurationWarning,
            stacklevel=4,
        )
    if base_url:
        return check_base_url(base_url)
    name = (environment or env.get("EKO_ENVIRONMENT") or DEFAULT_ENVIRONMENT).lower()
    known = environments()
    if name not in known:
        raise EkoConfigurationError(
            f"unknown environment {name!r}: use one of {', '.join(sorted(known))} or set base_url"
        )
    return known[name]
