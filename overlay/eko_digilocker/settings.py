"""Deprecated name: the settings now live in `eko_digilocker.options`, with every other
client option. Kept so that imports written against 3.0.0 still work; goes in 4.0.0."""

from .options import DEFAULT_ENVIRONMENT, ENV_VARS, Settings, check_base_url, environments

__all__ = ["DEFAULT_ENVIRONMENT", "ENV_VARS", "Settings", "check_base_url", "environments"]
