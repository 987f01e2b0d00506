"""What EkoClient and AsyncEkoClient share: their settings and options, the calls they
prepare, and a fresh start in a forked child."""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx

from . import attempts, body, calls, flow, options
from .config import ClientConfig, Config
from .errors import EkoConfigurationError
from .retries import RetryPolicy
from .signing import EkoAuth, mask

if TYPE_CHECKING:
    from eko_digilocker_client.client import AuthenticatedClient
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        DigilockerUrlSuccess,
        VerificationStatusPayload,
    )


class WrongKind(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Stands in for the generated client's other httpx client (sync on AsyncEkoClient,
    async on EkoClient), so a call of the wrong kind fails clearly, not unsigned."""

    def __init__(self, hint: str) -> None:
        self.hint = hint

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from .errors import EkoConfigurationError

        raise EkoConfigurationError(self.hint)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


class ClientBase:
    """Settings, signing and call preparation shared by the sync and async clients.

    Settings come from the arguments or from `EKO_DEVELOPER_KEY`, `EKO_ACCESS_KEY`,
    `EKO_INITIATOR_ID`, `EKO_USER_CODE`, `EKO_BASE_URL` / `EKO_ENVIRONMENT`
    (`uat`, the default, or `production`). `base_url` may point at the local sandbox.
    `timeout` / `phase_timeout`: see `eko_digilocker.options`. `max_response_bytes`
    bounds each answer's decoded body (1 MiB by default). Without a `client_ref_id`,
    each POST gets a fresh one (`auto_client_ref_id=False` to send none), which also
    lets it be retried safely. `user_agent` replaces the default User-Agent.
    `httpx_args` (transport, proxy, verify, limits, headers...) go to the httpx client;
    `follow_redirects` is refused (see `options.httpx_options`).
    `client.generated` is the generated client, signing applied, for direct calls.

    A client made before `os.fork()` (gunicorn `--preload`, Celery prefork) is safe to
    use in the child: the child opens its own connections and draws its own
    `client_ref_id`s, so no two processes share a socket or an id.
    """

    closed = False
    clock = staticmethod(time.monotonic)  # what flows tell time by

    def __init__(
        self,
        *,
        developer_key: str | None = None,
        access_key: str | None = None,
        initiator_id: str | None = None,
        user_code: str | None = None,
        base_url: str | None = None,
        environment: str | None = None,
        timeout: float | None = options.DEFAULT_TIMEOUT,
        phase_timeout: httpx.Timeout | float = options.DEFAULT_PHASE_TIMEOUT,
        max_retries: int = options.DEFAULT_MAX_RETRIES,
        max_response_bytes: int = body.DEFAULT_MAX_RESPONSE_BYTES,
        auto_client_ref_id: bool = True,
        user_agent: str | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        # every argument as given (the defaults are the signature's), resolved in one place
        chosen = options.ClientOptions.resolve(**{k: v for k, v in locals().items() if k != "self"})
        self.options = chosen
        self.settings = chosen.settings
        self.timeout = chosen.timeout
        self.phase_timeout = chosen.phase_timeout
        self.longest_phase = chosen.longest_phase
        self.retry_policy = RetryPolicy(max_retries=chosen.max_retries)
        self.max_response_bytes = chosen.max_response_bytes
        self.auto_client_ref_id = chosen.auto_client_ref_id
        self.auth = EkoAuth(self.settings.developer_key, self.settings.access_key)
        self._httpx_options = {**chosen.for_httpx, "auth": self.auth}
        self._generated: AuthenticatedClient | None = None
        self._open()
        http = self._http_client
        self.host = http.base_url.host
        self._base_url = str(http.base_url).rstrip("/")
        self.default_headers = dict(http.headers)
        self.flow_client = ClientConfig(
            settings=self.settings,
            auto_client_ref_id=self.auto_client_ref_id,
            signer=self.auth,
            fixed_headers=attempts.fixed_headers(
                self.default_headers, self._base_url, self.settings.developer_key
            ),
            base_url=self._base_url,
            host=self.host,
            phase_timeout=self.phase_timeout,
            longest_phase=self.longest_phase,
            max_response_bytes=self.max_response_bytes,
            policy=self.retry_policy,
        )
        _LIVE.add(self)

    def _open(self) -> None:
        """Open a new httpx client and connection pool (at start, and after a fork)."""
        raise NotImplementedError

    @property
    def _http_client(self) -> httpx.Client | httpx.AsyncClient:
        raise NotImplementedError

    def _reopen(self) -> None:
        """A new pool in place of one that must not be used here (another process's,
        another event loop's); the old one is dropped unclosed, as closing it could
        act on connections that belong elsewhere."""
        if not self.closed:
            self._open()
            if self._generated is not None:
                self._wire(self._generated)

    def _after_fork(self) -> None:
        self.auth.after_fork()
        self._reopen()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.settings.base_url!r}, "
            f"developer_key={mask(self.settings.developer_key)!r}, access_key='***')"
        )

    @property
    def generated(self) -> AuthenticatedClient:
        """The generated client, sending through this client's httpx client (signed)."""
        if self._generated is None:
            from eko_digilocker_client.client import AuthenticatedClient

            self._generated = AuthenticatedClient(base_url=self.settings.base_url, token="")
            self._wire(self._generated)
        return self._generated

    def _wire(self, generated: AuthenticatedClient) -> None:
        raise NotImplementedError

    def configure(self, name: str, timeout: float | None, max_retries: int | None) -> Config:
        """Before a public call sends anything: the client still open, and the call's
        frozen configuration (its retry policy and its one deadline)."""
        if self.closed:
            raise EkoConfigurationError(f"{name}: the client is closed")
        policy = self.retry_policy
        if max_retries is not None:
            policy = replace(policy, max_retries=options.check_max_retries(max_retries))
        total = self.timeout if timeout is None else options.total_timeout(timeout)
        until = None if total is None else self.clock() + total
        return Config(self.flow_client, policy, until)

    # --- preparing calls ---

    def _ref(self, client_ref_id: str | None) -> str | None:
        if client_ref_id is None and self.auto_client_ref_id:
            return calls.new_client_ref_id()
        return client_ref_id

    def create_call(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None,
        client_ref_id: str | None,
        user_code: str | None,
    ) -> calls.Call[DigilockerUrlSuccess]:
        return calls.create_digilocker_url(
            self.settings,
            redirect_url=redirect_url,
            document_requested=document_requested,
            client_ref_id=self._ref(client_ref_id),
            user_code=user_code,
        )

    def status_call(
        self,
        reference_id: int | str,
        client_ref_id: str | None,
        user_code: str | None,
        name: str | None = None,
    ) -> calls.Call[VerificationStatusPayload]:
        return calls.get_verification_status(
            self.settings,
            reference_id=reference_id,
            client_ref_id=client_ref_id,
            user_code=user_code,
            name=name,
        )

    def document_call(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str],
        client_ref_id: str | None,
        user_code: str | None,
    ) -> calls.Call[DigilockerDocumentPayload]:
        ids = calls.DocumentIds(reference_id, verification_id, None, client_ref_id, user_code)
        return flow.document_call(self.flow_client, ids, document_type, client_ref_id)


# Every client not yet collected: a forked child gives each its own connections.
_LIVE: weakref.WeakSet[ClientBase] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for client in list(_LIVE):
        client._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
