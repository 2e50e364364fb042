"""Fixtures for the tests that need a live Cadenza server: `npm test` starts one (packages/client/test/
python-sdk.e2e.test.ts) and passes its address in CADENZA_URL, the demo user in CADENZA_EMAIL / CADENZA_PASSWORD.
By hand: `npm start`, then `CADENZA_URL=http://localhost:8000 pytest clients/python/tests`."""
from __future__ import annotations

import os
import uuid

import pytest

from cadenza_rt import CadenzaClient


@pytest.fixture
def server_url() -> str:
    url = os.environ.get("CADENZA_URL")
    if not url:
        pytest.fail("CADENZA_URL is not set: these tests need a running Cadenza server (npm start)")
    return url


@pytest.fixture
def demo() -> tuple[str, str]:
    return os.environ.get("CADENZA_EMAIL", "demo@cadenza.dev"), os.environ.get("CADENZA_PASSWORD", "cadenza-demo")


@pytest.fixture
async def client(server_url: str, demo: tuple[str, str]):
    c = await CadenzaClient.login(url=server_url, email=demo[0], password=demo[1])
    await c.connect()
    yield c
    await c.close()


@pytest.fixture
async def paper_account(client: CadenzaClient) -> str:
    account = await client.rpc("command.trading_account.create", {"tradingAccount": {"venue": "PAPER", "nickname": f"py-{uuid.uuid4().hex[:8]}"}})
    return account.trading_account_id
