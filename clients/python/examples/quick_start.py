"""The Python SDK quick start (docs/python-sdk.md and clients/python/README.md show this file).

Run it against a server (`npm start` in the repository):
    pip install clients/python
    CADENZA_URL=http://localhost:8000 python clients/python/examples/quick_start.py
"""
import asyncio
import os

from cadenza_rt import CadenzaClient


async def main() -> None:
    url = os.environ.get("CADENZA_URL", "http://localhost:8000")
    email = os.environ.get("CADENZA_EMAIL", "demo@cadenza.dev")
    password = os.environ.get("CADENZA_PASSWORD", "cadenza-demo")
    client = await CadenzaClient.login(url=url, email=email, password=password)
    await client.connect()
    instruments = await client.rpc("query.instrument.list", {"venue": "PAPER"})  # list[models.RpcInstrument]
    async for book in client.order_book("PAPER", "BTC/USDT"):  # a local book: gap detection + resync
        print(f"BTC/USDT bid {book.best_bid.price}  ask {book.best_ask.price}  spread {book.spread}")
        break
    # A funded PAPER account: the one an earlier run created, else a new one.
    accounts = await client.rpc("query.trading_account.list", {"venue": "PAPER"})
    account = next((a for a in accounts if a.nickname == "quick start"), None) or await client.rpc(
        "command.trading_account.create", {"tradingAccount": {"venue": "PAPER", "nickname": "quick start"}}
    )
    order = await client.submit_order(
        account.trading_account_id,
        {"instrumentId": "PAPER:BTC/USDT", "orderSide": "BUY", "orderType": "MARKET", "quantity": "0.01"},
        await_closed=True,
    )
    print(f"{len(instruments)} instruments; order {order.status} {order.executed_quantity} @ {order.executed_price}")
    portfolio = await client.rpc("query.portfolio.get", {"tradingAccountId": account.trading_account_id})
    print(", ".join(f"{b.security_symbol} {b.total}" for b in portfolio.balances))
    await client.close()


asyncio.run(main())
