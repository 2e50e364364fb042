"""Tokens and connections: refresh through the auth service, reconnect after a dropped connection (with the order
book resynced after a forced gap), refused logins, and login through a separate auth service (a Supabase project's
stand-in, when the test run provides one)."""
from __future__ import annotations

import asyncio
import os
import time

import pytest

from cadenza_rt import AuthError, CadenzaClient, ProtocolError


async def test_an_expiring_token_is_refreshed_before_connecting(server_url, demo):
    client = await CadenzaClient.login(url=server_url, email=demo[0], password=demo[1])
    first = client.session.current.refresh_token
    client.session.current.expires_at = time.time() + 5  # inside the refresh margin
    await client.connect()
    assert client.session.refreshes == 1 and client.session.current.refresh_token != first, "refreshed, rotated"
    assert len(await client.rpc("query.venue.list")) > 0
    await client.close()


async def test_a_wrong_password_is_an_auth_error(server_url, demo):
    with pytest.raises(AuthError) as e:
        await CadenzaClient.login(url=server_url, email=demo[0], password="not-the-password")
    assert e.value.status == 400 and e.value.code == "invalid_credentials" and not e.value.temporary


async def test_a_forged_token_is_refused_for_good(server_url):
    client = CadenzaClient(server_url, token="eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
    with pytest.raises(ProtocolError) as e:
        await client.connect(timeout=5)
    assert e.value.code == 3500
    await client.close()


async def test_resync_after_a_forced_gap(client: CadenzaClient):
    """Two publications are lost on the way (dropped before the book sees them): the next one's offset jumps, the
    book counts a gap, is not in sync, and repairs itself through query.orderbook.get."""
    book = client.order_book("PAPER", "BTC/USDT")
    await book.start()
    assert book.synced
    resynced = asyncio.Event()
    book.on_gap = lambda b: resynced.set() if b.resyncs else None
    deliver = book.on_publication
    dropped = []

    def lossy(ctx):
        if len(dropped) < 2:
            dropped.append(ctx.pub.offset)
            return
        deliver(ctx)

    book.on_publication = lossy
    await asyncio.wait_for(resynced.wait(), 10)
    assert len(dropped) == 2
    assert book.gaps == 1 and book.resyncs == 1 and book.synced
    assert book.best_bid.price < book.best_ask.price
    await book.close()


async def test_reconnect_after_a_dropped_connection_keeps_the_book(client: CadenzaClient):
    book = client.order_book("PAPER", "BTC/USDT")
    await book.start()
    reconnected = asyncio.Event()
    states = []

    async def watch():
        while True:
            states.append(client.centrifuge.state.value)
            if len(states) > 1 and client.connected:
                reconnected.set()
                return
            await asyncio.sleep(0.02)

    # Drop the socket under the client, as a network failure would; centrifuge-python reconnects by itself.
    await client.centrifuge._conn.close()  # noqa: SLF001 - the way to cut the line from inside the process
    await asyncio.wait_for(watch(), 15)
    assert len(await client.rpc("query.venue.list")) > 0
    stamp = book.timestamp
    async for b in book:
        if b.timestamp > stamp:
            break
    assert book.synced
    await book.close()


async def test_login_through_a_separate_auth_service(demo):
    """A server that verifies another auth service's tokens (as with a Supabase project): sign in there, use here.
    The test run starts one (CADENZA_EXTERNAL_URL) trusting the first server's auth (CADENZA_AUTH_URL)."""
    if not os.environ.get("CADENZA_EXTERNAL_URL") or not os.environ.get("CADENZA_AUTH_URL"):
        pytest.fail("set CADENZA_EXTERNAL_URL (a server in external-auth mode) and CADENZA_AUTH_URL (the auth it trusts)")
    client = await CadenzaClient.login(
        url=os.environ["CADENZA_EXTERNAL_URL"], email=demo[0], password=demo[1], auth_url=os.environ["CADENZA_AUTH_URL"], api_key="anon-key"
    )
    await client.connect()
    assert client.session.auth_url == os.environ["CADENZA_AUTH_URL"]
    assert "PAPER" in await client.rpc("query.venue.list")
    await client.session.refresh()
    assert client.session.refreshes == 1
    await client.close()
