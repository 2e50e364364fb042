"""The seed's quick start with cadenza_rt against a live server: login, instruments, a market-data subscription, the
order-book stream, a PAPER account, an idempotent order with its account events, the portfolio, and typed errors."""
from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest

from cadenza_rt import CadenzaClient, ProtocolError, RpcError, models


async def test_login_connects_as_the_user(client: CadenzaClient):
    assert client.connected
    assert client.user_id and len(client.user_id) == 36
    info = await client.rpc("query.system.info")
    assert isinstance(info, models.RpcSystemInfo) and info.version


async def test_instruments_are_typed_models(client: CadenzaClient):
    instruments = await client.rpc("query.instrument.list", {"venue": "PAPER", "limit": 50})
    btc = next(i for i in instruments if i.symbol == "BTC/USDT")
    assert isinstance(btc, models.RpcInstrument)
    assert btc.instrument_id == "PAPER:BTC/USDT" and btc.base_asset == "BTC" and btc.quote_asset == "USDT"
    assert isinstance(btc.lot_size, Decimal) and btc.lot_size > 0, "decimals arrive as Decimal"
    assert "MARKET" in btc.order_types
    venues = await client.rpc("query.venue.list")
    assert "PAPER" in venues and "MOCK" in venues


async def test_subscription_and_order_book_stream(client: CadenzaClient):
    subs = await client.rpc("command.subscription.create", {"venue": "PAPER", "instruments": ["PAPER:BTC/USDT"], "subscriptionType": "MARKET.SUBSCRIPTION.ORDERBOOK"})
    assert subs[0].status == "ACTIVE" and subs[0].instrument_id == "PAPER:BTC/USDT"
    seen = []
    book = client.order_book("PAPER", "BTC/USDT")
    async for b in book:
        assert b.best_bid and b.best_ask and b.best_bid.price < b.best_ask.price
        assert b.spread == b.best_ask.price - b.best_bid.price
        seen.append(b.timestamp)
        if len(seen) == 3:
            break
    assert book.synced and book.gaps == 0
    assert seen == sorted(seen) and seen[-1] > seen[0], "three books, newer each time"
    await book.close()


async def test_paper_account_order_events_and_portfolio(client: CadenzaClient, paper_account: str):
    before = await client.rpc("query.portfolio.get", {"tradingAccountId": paper_account})
    btc_before = next(b.total for b in before.balances if b.security_symbol == "BTC")
    events = client.account(paper_account)
    await events.start()
    key = f"py-{uuid.uuid4()}"
    order = await client.submit_order(paper_account, {"instrumentId": "PAPER:BTC/USDT", "orderSide": "BUY", "orderType": "MARKET", "quantity": "0.01"}, await_closed=True, idempotency_key=key)
    assert isinstance(order, models.RpcTradeOrder)
    assert order.status == "FILLED" and order.executed_quantity == Decimal("0.01") and order.executed_price and order.executed_price > 0
    again = await client.submit_order(paper_account, {"instrumentId": "PAPER:BTC/USDT", "orderSide": "BUY", "orderType": "MARKET", "quantity": "0.01"}, idempotency_key=key)
    assert again.trade_order_id == order.trade_order_id, "the same idempotency key returns the original order"

    statuses, portfolio_seen = [], False
    async def read():
        nonlocal portfolio_seen
        async for event in events:
            if event.type == "event.trade_order.updated":
                assert isinstance(event.data, models.RpcTradeOrder) and event.data.trade_order_id == order.trade_order_id
                statuses.append(event.data.status)
            elif event.type == "event.portfolio.updated":
                assert isinstance(event.data, models.RpcPortfolio)
                portfolio_seen = True
            if "FILLED" in statuses and portfolio_seen:
                return
    await asyncio.wait_for(read(), 10)
    await events.close()

    after = await client.rpc("query.portfolio.get", {"tradingAccountId": paper_account})
    btc_after = next(b.total for b in after.balances if b.security_symbol == "BTC")
    assert Decimal("0.0099") <= btc_after - btc_before <= Decimal("0.01"), f"bought 0.01 BTC once (less a fee): {btc_before} → {btc_after}"
    assert any(p.instrument_id == "PAPER:BTC/USDT" and p.position_side == "LONG" for p in after.positions)


async def test_typed_errors_and_the_connection_carries_on(client: CadenzaClient, paper_account: str):
    with pytest.raises(ProtocolError) as e:
        await client.rpc("query.nope.nothing", {})
    assert e.value.code == 104
    with pytest.raises(RpcError) as r:
        await client.rpc("command.trade_order.submit", {"tradingAccountId": paper_account, "tradeOrder": {"orderSide": "SIDEWAYS"}})
    assert r.value.name == "VALIDATION_FAILED" and "orderSide" in r.value.reason
    with pytest.raises(RpcError) as poor:
        await client.submit_order(paper_account, {"instrumentId": "PAPER:BTC/USDT", "orderSide": "BUY", "orderType": "LIMIT", "quantity": "1000", "limitPrice": "60000", "timeInForce": "GTC"})
    assert poor.value.name == "INSUFFICIENT_BALANCE" and poor.value.module == 14
    with pytest.raises(ProtocolError) as denied:
        stream = client.account(str(uuid.uuid4()))
        await stream.start()
    assert denied.value.code == 103
    assert len(await client.rpc("query.instrument.list", {"venue": "PAPER"})) > 0
    assert client.connected
