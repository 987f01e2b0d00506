"""The package version: written by `make generate` from the spec's info.version
(openapi/eko-digilocker.yaml), the one place it is set. pyproject.toml reads it here."""

__version__ = "3.0.0"
