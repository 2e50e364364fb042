"""Core scenarios with the official Python client (centrifuge-python), against a live Cadenza gateway.

Usage: python scenarios.py <ws-url> <json|protobuf> <token> <expired-token> <fresh-token>
Prints one JSON object with what it observed; the Node test asserts on it.
"""
import asyncio
import json
import sys

from centrifuge import (
    Client,
    ClientEventHandler,
    SubscriptionEventHandler,
)

URL, MODE, TOKEN, EXPIRED, FRESH = sys.argv[1:6]
PROTOBUF = MODE == "protobuf"


def enc(value):
    return json.dumps(value).encode() if PROTOBUF else value


def dec(data):
    if data is None:
        return None
    return json.loads(bytes(data).decode()) if PROTOBUF else data


class Sub(SubscriptionEventHandler):
    def __init__(self):
        self.pubs = []
        self.subscribed = []
        self.unsubscribed = []
        self.changed = asyncio.Event()

    async def on_subscribed(self, ctx):
        self.subscribed.append({"recoverable": ctx.recoverable, "was_recovering": ctx.was_recovering, "recovered": ctx.recovered, "data": dec(ctx.data)})
        self.changed.set()

    async def on_publication(self, ctx):
        self.pubs.append({"offset": ctx.pub.offset, "data": dec(ctx.pub.data)})
        self.changed.set()

    async def on_unsubscribed(self, ctx):
        self.unsubscribed.append(ctx.code)
        self.changed.set()


class Events(ClientEventHandler):
    def __init__(self):
        self.errors = []
        self.connected = 0

    async def on_connected(self, ctx):
        self.connected += 1

    async def on_error(self, ctx):
        code = getattr(getattr(ctx, "error", None), "code", None)
        self.errors.append(code)


async def until(cond, what, timeout=5.0):
    end = asyncio.get_running_loop().time() + timeout
    while not cond():
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError(what)
        await asyncio.sleep(0.01)


async def main():
    out = {}
    events = Events()
    client = Client(URL, events=events, token=TOKEN, use_protobuf=PROTOBUF, min_reconnect_delay=0.05, max_reconnect_delay=0.2)
    await client.connect()
    await client.ready(timeout=5)
    out["connected"] = True

    rpc = await client.rpc("echo", enc({"n": 1}))
    out["rpc"] = dec(rpc.data)
    try:
        await client.rpc("fail", enc({}))
        out["rpc_error"] = None
    except Exception as e:  # ReplyError
        out["rpc_error"] = getattr(e, "code", str(e))

    channel = f"news:py-{MODE}"
    sub_events = Sub()
    sub = client.new_subscription(channel, events=sub_events)
    await sub.subscribe()
    await until(lambda: sub_events.subscribed, "subscribed")
    for i in range(1, 6):
        await client.rpc("publish", enc({"channel": channel, "data": {"i": i}}))
    await until(lambda: len(sub_events.pubs) >= 5, "5 publications")
    out["offsets"] = [p["offset"] for p in sub_events.pubs]
    out["data"] = [p["data"] for p in sub_events.pubs]

    hist = await sub.history(limit=10)
    out["history"] = [dec(p.data) for p in hist.publications]

    # Drop the connection; three publications happen while the client is away; it must recover them.
    await client.rpc("drop-and-publish", enc({"channel": channel, "count": 3}))
    await until(lambda: len(sub_events.subscribed) >= 2, "resubscribed", 10)
    await until(lambda: len(sub_events.pubs) >= 8, "recovered publications", 10)
    out["recovery"] = sub_events.subscribed[1]
    out["offsets_after"] = [p["offset"] for p in sub_events.pubs]

    room = client.new_subscription(f"room:py-{MODE}", events=Sub())
    await room.subscribe()
    await room.ready(timeout=5)
    stats = await room.presence_stats()
    out["presence_stats"] = {"clients": stats.num_clients, "users": stats.num_users}

    denied_events = Sub()
    denied = client.new_subscription("secret:x", events=denied_events)
    await denied.subscribe()
    await until(lambda: denied_events.unsubscribed, "denied")
    out["denied"] = denied_events.unsubscribed[0]
    await client.disconnect()

    # An expired token gets 109; the client calls get_token once and connects.
    calls = []

    async def get_token():
        calls.append(1)
        return FRESH

    ev2 = Events()
    c2 = Client(URL, events=ev2, token=EXPIRED, get_token=get_token, use_protobuf=PROTOBUF, min_reconnect_delay=0.05, max_reconnect_delay=0.2)
    await c2.connect()
    await c2.ready(timeout=5)
    out["expired_flow"] = {"get_token_calls": len(calls), "errors": ev2.errors}
    await c2.disconnect()
    print(json.dumps(out))


asyncio.run(main())
