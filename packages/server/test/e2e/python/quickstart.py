"""The seed's quick start with the official Python clients, against a whole Cadenza server.

supabase-py signs a new user up and in (email/password -> JWT access token); centrifuge-python connects with that
token in JSON mode and walks the quick start: instruments, a server-side market subscription and its order-book
channel, a paper trading account with an idempotent MARKET order, the account channel's events, the portfolio, and
two bad calls that must leave the connection working. Beside it, two more connections show get_token at work: one
whose token runs out in seconds refreshes through supabase-py, one that starts with an expired token gets 109 and
reconnects with a fresh one.

Usage: python quickstart.py <http-base-url> <ws-url> <server-keys-dir> [cadenza|centrifugo]
The keys dir is the server's signing keys: the server never issues tokens shorter than 30 s, so the test re-signs
the user's own token to expire sooner. Nothing else here reaches past the public APIs.
`centrifugo`: the WebSocket is a real Centrifugo in front of Cadenza (docs/scale-out.md). It checks tokens itself,
with no leeway, and refreshes connections on the server side through Cadenza's refresh proxy: a connection whose
token runs out stays connected without calling get_token while its login session lives.

Prints one JSON object of observations on stdout (also when a step fails: then "failure" holds the traceback and
the later keys are missing); the Node test asserts on it, so failures name the field that is wrong.
"""
import asyncio
import json
import logging
import os
import sys
import time
import traceback
import uuid

import jwt
from centrifuge import Client, ClientEventHandler, ReplyError, SubscriptionEventHandler
from supabase import AsyncClientOptions, acreate_client

BASE_URL, WS_URL, KEYS_DIR = sys.argv[1:4]
FRONT = sys.argv[4] if len(sys.argv) > 4 else "cadenza"
PASSWORD = "correct-horse-battery"


async def until(cond, what, timeout=30.0):
    """Waits for cond() to hold; raises naming what did not happen."""
    end = asyncio.get_running_loop().time() + timeout
    while not cond():
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


class Recorder(SubscriptionEventHandler):
    """A client-side subscription's subscribed contexts, publications (with arrival times) and unsubscribes."""

    def __init__(self):
        self.subscribed = []
        self.pubs = []
        self.pub_times = []
        self.unsubscribed = []

    async def on_subscribed(self, ctx):
        self.subscribed.append(ctx)

    async def on_publication(self, ctx):
        self.pubs.append(ctx.pub.data)
        self.pub_times.append(time.monotonic())

    async def on_unsubscribed(self, ctx):
        self.unsubscribed.append({"code": ctx.code, "reason": ctx.reason})


class ClientEvents(ClientEventHandler):
    """Connection-level events, including server-side subscriptions (the user's own `user:{id}` channel)."""

    def __init__(self):
        self.connects = 0
        self.disconnects = []
        self.errors = []
        self.server_subscribed = []

    async def on_connected(self, ctx):
        self.connects += 1

    async def on_disconnected(self, ctx):
        self.disconnects.append({"code": ctx.code, "reason": ctx.reason})

    async def on_error(self, ctx):
        self.errors.append({"code": getattr(ctx.error, "code", ctx.code), "error": str(ctx.error)})

    async def on_subscribed(self, ctx):
        self.server_subscribed.append(ctx.channel)


class RefreshReplies(logging.Handler):
    """Refresh replies as centrifuge-python logs them at DEBUG ("got reply %s"): the only public sign that the
    server accepted a refresh (the server lets an expired connection live 25 s more, so waiting proves nothing)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.replies = []

    def emit(self, record):
        # logging stores a lone dict argument as record.args itself, not as a 1-tuple.
        reply = record.args if isinstance(record.args, dict) else None
        if record.msg == "got reply %s" and reply is not None and "refresh" in reply:
            self.replies.append(reply)


async def call(client, method, params, timeout=None):
    """centrifuge-python returns RpcResult; its .data is Cadenza's contract result {data?, error?, pagination?}."""
    return (await client.rpc(method, params, timeout=timeout)).data


# Cadenza accepts a token until exp + 30 s (one rule for REST and the WebSocket: TOKEN_LEEWAY_SECONDS); Centrifugo
# until exp.
LEEWAY = 30 if FRONT == "cadenza" else 0


def resigned(token, lifetime):
    """The user's own access token, signed with the server's key, usable for `lifetime` more seconds: its exp is set
    so that exp + the server's leeway is now + lifetime (a negative lifetime: expired that long ago)."""
    lifetime -= LEEWAY
    kid = jwt.get_unverified_header(token)["kid"]
    with open(os.path.join(KEYS_DIR, f"{kid}.json")) as f:
        key = jwt.algorithms.ECAlgorithm.from_jwk(json.dumps(json.load(f)["privateJwk"]))
    claims = jwt.decode(token, options={"verify_signature": False})
    now = int(time.time())
    claims.update(iat=min(claims["iat"], now + lifetime - 1), exp=now + lifetime)
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "JWT"})


def book_summary(book):
    return {k: v for k, v in book.items() if k not in ("bids", "asks")} | {
        "bids": book.get("bids", [])[:3],
        "asks": book.get("asks", [])[:3],
        "bidLevels": len(book.get("bids", [])),
        "askLevels": len(book.get("asks", [])),
    }


async def login(out):
    """Step 1: a new user signs up and in with supabase-py."""
    supabase = await acreate_client(
        BASE_URL, "cadenza", options=AsyncClientOptions(auto_refresh_token=False, persist_session=False)
    )
    email = f"py-{uuid.uuid4().hex[:12]}@example.com"
    signed_up = await supabase.auth.sign_up({"email": email, "password": PASSWORD})
    out["sign_up"] = {"email": signed_up.user.email if signed_up.user else None, "has_session": signed_up.session is not None}
    signed_in = await supabase.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    session = signed_in.session
    me = await supabase.auth.get_user(session.access_token)
    out["login"] = {
        "email": email,
        "user_email": signed_in.user.email,
        "user_id": signed_in.user.id,
        "token_parts": len(session.access_token.split(".")),
        "token_alg": jwt.get_unverified_header(session.access_token).get("alg"),
        "token_sub": jwt.decode(session.access_token, options={"verify_signature": False}).get("sub"),
        "token_type": session.token_type,
        "expires_in": session.expires_in,
        "has_refresh_token": bool(session.refresh_token),
        "get_user_id": me.user.id if me and me.user else None,
    }
    return supabase, session.access_token, signed_in.user.id


async def quick_start(out, token, user_id):
    """Steps 2-5 on one connection."""
    events = ClientEvents()
    client = Client(WS_URL, events=events, token=token)
    await client.connect()
    await client.ready(timeout=30)
    await until(lambda: events.server_subscribed, "the server-side user channel")
    out["connected"] = {"state": str(client.state), "server_subscribed": events.server_subscribed}

    listed = await call(client, "query.instrument.list", {"venue": "PAPER", "limit": 50})
    rows = listed.get("data") or []
    out["instruments"] = {
        "error": listed.get("error"),
        "symbols": sorted(i.get("symbol") for i in rows),
        "btc": next((i for i in rows if i.get("symbol") == "BTC/USDT"), None),
        "eth": next((i for i in rows if i.get("symbol") == "ETH/USDT"), None),
    }

    # 3. A server-side market subscription, then the order-book channel; its subscribe reply carries a snapshot.
    out["subscription_create"] = await call(
        client,
        "command.subscription.create",
        {"venue": "PAPER", "instruments": ["PAPER:BTC/USDT"], "subscriptionType": "MARKET.SUBSCRIPTION.ORDERBOOK"},
    )
    books = Recorder()
    book_sub = client.new_subscription("market:orderbook:PAPER:BTC/USDT", events=books)
    await book_sub.subscribe()
    await book_sub.ready(timeout=30)
    subscribed_at = time.monotonic()
    await until(lambda: len(books.pubs) >= 3, "3 order-book publications")
    snapshot = books.subscribed[0].data
    out["orderbook"] = {
        "snapshot": book_summary(snapshot) if isinstance(snapshot, dict) else snapshot,
        "seconds_to_third": books.pub_times[2] - subscribed_at,
        "books": [book_summary(b) for b in books.pubs[:3]],
    }
    await book_sub.unsubscribe()

    # 4. A paper trading account, its channel, an idempotent MARKET order, the portfolio before and after.
    out["account"] = await call(client, "command.trading_account.create", {"tradingAccount": {"venue": "PAPER", "nickname": "python quick start"}})
    account_id = out["account"]["data"]["tradingAccountId"]
    out["portfolio_before"] = await call(client, "query.portfolio.get", {"tradingAccountId": account_id})

    account_events = Recorder()
    account_sub = client.new_subscription(f"tradingAccount:{account_id}", events=account_events)
    await account_sub.subscribe()
    await account_sub.ready(timeout=30)

    order = {"instrumentId": "PAPER:BTC/USDT", "orderSide": "BUY", "orderType": "MARKET", "quantity": "0.01"}
    params = {"tradingAccountId": account_id, "tradeOrder": order, "idempotencyKey": f"py-qs-{uuid.uuid4().hex}", "awaitClosed": True}
    out["submit"] = await call(client, "command.trade_order.submit", params, timeout=15)
    out["submit_again"] = await call(client, "command.trade_order.submit", params, timeout=15)

    def typed(kind):
        return [e for e in account_events.pubs if isinstance(e, dict) and e.get("type") == kind]

    await until(lambda: any((e.get("data") or {}).get("status") == "FILLED" for e in typed("event.trade_order.updated")), "event.trade_order.updated FILLED")
    # The fill's portfolio update, not merely the first one (a lock can be told before it).
    def holds_bought_btc(update):
        return any(b.get("securitySymbol") == "BTC" and float(b.get("total") or 0) > 1 for b in (update.get("data") or {}).get("balances") or [])

    await until(lambda: any(holds_bought_btc(e) for e in typed("event.portfolio.updated")), "event.portfolio.updated with the bought BTC")
    out["account_events"] = {
        "types": [e.get("type") for e in account_events.pubs],
        "order_statuses": [e["data"].get("status") for e in typed("event.trade_order.updated")],
        "order_ids": sorted({e["data"].get("tradeOrderId") for e in typed("event.trade_order.updated")}),
        "first": account_events.pubs[0],
        "portfolio_updates": [e["data"] for e in typed("event.portfolio.updated")],
    }
    out["portfolio_after"] = await call(client, "query.portfolio.get", {"tradingAccountId": account_id})

    # 5. Bad calls: an unknown method is a protocol error (raised as ReplyError), a malformed order a result error.
    try:
        await client.rpc("query.nope.nothing", {})
        out["unknown_method"] = None
    except ReplyError as e:
        out["unknown_method"] = {"code": e.code, "message": e.message}
    out["malformed_order"] = await call(
        client,
        "command.trade_order.submit",
        {"tradingAccountId": account_id, "tradeOrder": {"instrumentId": "PAPER:BTC/USDT", "orderSide": "SIDEWAYS", "orderType": "MARKET", "quantity": "lots"}},
    )
    still = await call(client, "query.instrument.list", {"venue": "PAPER", "limit": 2})
    out["after_errors"] = {
        "instruments": len(still.get("data") or []),
        "state": str(client.state),
        "connects": events.connects,
        "disconnects": list(events.disconnects),
        "errors": list(events.errors),
    }
    await client.disconnect()


async def token_refresh(out, supabase, token):
    """get_token: a connection whose token runs out in 2 s refreshes through supabase-py's refresh_session (a token of
    the same login session: one from a new sign-in would be refused), then a connection that starts with an
    expired token gets 109 and connects with a token from get_token."""
    replies = RefreshReplies()
    log = logging.getLogger("centrifuge")
    log.setLevel(logging.DEBUG)
    log.addHandler(replies)
    calls = []

    async def get_token():
        calls.append(time.monotonic())
        refreshed = await supabase.auth.refresh_session()
        return refreshed.session.access_token

    events = ClientEvents()
    client = Client(WS_URL, events=events, token=resigned(token, 2), get_token=get_token)
    started = time.monotonic()
    await client.connect()
    await client.ready(timeout=30)
    if FRONT == "centrifugo":
        # Refreshed on the server side, unseen by the client: live past the token's end, then show it still works.
        await asyncio.sleep(max(0.0, started + 4 - time.monotonic()))
        listed = await call(client, "query.instrument.list", {"venue": "PAPER", "limit": 1})
        out["server_refresh"] = connection_report(client, events, calls, listed, seconds_connected=time.monotonic() - started)
        await client.disconnect()
        log.removeHandler(replies)
        return await expired_token(out, token, get_token, calls)
    await until(lambda: replies.replies, "a refresh reply")
    listed = await call(client, "query.instrument.list", {"venue": "PAPER", "limit": 1})
    out["refresh"] = connection_report(
        client, events, calls, listed, seconds_to_get_token=calls[0] - started if calls else None, reply=replies.replies[0]
    )
    await client.disconnect()
    log.removeHandler(replies)
    await expired_token(out, token, get_token, calls)


def connection_report(client, events, calls, listed, **extra):
    """What a refresh test saw: get_token calls, an RPC answered afterwards, the client's state and its events."""
    return {
        "get_token_calls": len(calls),
        **extra,
        "rpc_after": len(listed.get("data") or []),
        "state": str(client.state),
        "connects": events.connects,
        "disconnects": list(events.disconnects),
        "errors": list(events.errors),
    }


async def expired_token(out, token, get_token, calls):
    """A connection that starts with an expired token gets 109 and connects with a token from get_token."""
    calls.clear()
    events = ClientEvents()
    client = Client(WS_URL, events=events, token=resigned(token, -60), get_token=get_token, min_reconnect_delay=0.05, max_reconnect_delay=0.2)
    await client.connect()
    await client.ready(timeout=30)
    listed = await call(client, "query.instrument.list", {"venue": "PAPER", "limit": 1})
    out["expired"] = {
        "get_token_calls": len(calls),
        "errors": [e["code"] for e in events.errors],
        "rpc_after": len(listed.get("data") or []),
        "state": str(client.state),
    }
    await client.disconnect()


async def main():
    out = {}
    try:
        supabase, token, user_id = await login(out)
        # The refresh scenario waits on the server's clock; it runs beside the quick start, not after it.
        await asyncio.gather(quick_start(out, token, user_id), token_refresh(out, supabase, token))
    except BaseException as e:  # noqa: BLE001 - reported to the Node test, which fails with it
        out["failure"] = "".join(traceback.format_exception(e))
    print(json.dumps(out))
    sys.exit(1 if "failure" in out else 0)


asyncio.run(main())
