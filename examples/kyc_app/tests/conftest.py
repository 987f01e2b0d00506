"""The app under test, served on a loopback port the way it runs in production (uvicorn),
calling Eko through `eko_async_client` from the kit's opt-in plugin
(`-p eko_digilocker_sandbox.pytest_plugin` in pytest.ini)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from kyc_app import create_app

from eko_digilocker import AsyncEkoClient


@pytest.fixture
def app(eko_async_client: AsyncEkoClient) -> Iterator[httpx.Client]:
    """An HTTP client of the running app (redirects are not followed: tests look at them)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(eko_async_client, public_url=url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the app's server did not start"
        thread.join(0.01)
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
