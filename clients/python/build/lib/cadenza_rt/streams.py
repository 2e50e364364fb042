"""Channel subscriptions as async iterators.

centrifuge-python allows one subscription per channel and per client, so a `ChannelHub` keeps one per channel and
fans its events out to every stream on it; the channel is unsubscribed when its last stream closes. Handlers never
raise into centrifuge-python (an exception escaping a handler would disconnect the client).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Generic, Optional, Protocol, TypeVar

from centrifuge import PublicationContext, SubscribedContext, SubscriptionEventHandler, UnsubscribedContext
from centrifuge.contexts import SubscriptionErrorContext

from .errors import CadenzaError, ProtocolError

if TYPE_CHECKING:
    from centrifuge import Client, Subscription

log = logging.getLogger("cadenza_rt")
T = TypeVar("T")


class ChannelListener(Protocol):
    def on_subscribed(self, ctx: SubscribedContext) -> None: ...
    def on_publication(self, ctx: PublicationContext) -> None: ...
    def on_unsubscribed(self, ctx: UnsubscribedContext) -> None: ...


class _Channel(SubscriptionEventHandler):
    def __init__(self) -> None:
        self.listeners: list[ChannelListener] = []
        self.sub: Optional["Subscription"] = None
        self.subscribed = False

    def _each(self, name: str, ctx: Any) -> None:
        for listener in list(self.listeners):
            try:
                getattr(listener, name)(ctx)
            except Exception:  # a listener's bug must not disconnect the client
                log.exception("cadenza_rt: %s listener failed", name)

    async def on_subscribed(self, ctx: SubscribedContext) -> None:
        self.subscribed = True
        self._each("on_subscribed", ctx)

    async def on_publication(self, ctx: PublicationContext) -> None:
        self._each("on_publication", ctx)

    async def on_unsubscribed(self, ctx: UnsubscribedContext) -> None:
        self.subscribed = False
        self._each("on_unsubscribed", ctx)

    async def on_error(self, ctx: SubscriptionErrorContext) -> None:
        log.debug("cadenza_rt: subscription error %s", ctx.error)


class ChannelHub:
    """One centrifuge subscription per channel, shared by reference count."""

    def __init__(self, client: Callable[[], "Client"]) -> None:
        self._client = client
        self._channels: dict[str, _Channel] = {}

    async def acquire(self, channel: str, listener: ChannelListener) -> None:
        ch = self._channels.get(channel)
        if ch is None:
            ch = _Channel()
            self._channels[channel] = ch
            ch.listeners.append(listener)
            ch.sub = self._client().new_subscription(channel, events=ch)
            await ch.sub.subscribe()
        else:
            ch.listeners.append(listener)
        if ch.subscribed:
            # Already subscribed for another stream: the subscribe reply (and its snapshot) is gone.
            listener.on_subscribed(SubscribedContext(channel=channel, recoverable=True, positioned=True, stream_position=None, was_recovering=False, recovered=False, data=None))

    async def release(self, channel: str, listener: ChannelListener) -> None:
        ch = self._channels.get(channel)
        if ch is None or listener not in ch.listeners:
            return
        ch.listeners.remove(listener)
        if ch.listeners:
            return
        del self._channels[channel]
        if ch.sub is not None:
            try:
                await ch.sub.unsubscribe()
            finally:
                self._client().remove_subscription(ch.sub)

    async def close(self) -> None:
        for channel, ch in list(self._channels.items()):
            for listener in list(ch.listeners):
                await self.release(channel, listener)


_END = object()


class ChannelStream(Generic[T]):
    """`async for item in stream`: each publication on one channel, parsed. Ends when closed; raises `ProtocolError`
    when the server refuses or ends the subscription (e.g. 103 permission denied). Buffers at most `max_buffer`
    items: a consumer that falls further behind gets `CadenzaError` instead of unbounded memory."""

    def __init__(self, hub: ChannelHub, channel: str, parse: Callable[[Any], T], max_buffer: int = 10_000) -> None:
        self.channel = channel
        self._hub = hub
        self._parse = parse
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._max = max_buffer
        self._started = False
        self._closed = False
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def start(self) -> "ChannelStream[T]":
        """Subscribes (once) and waits until the server has accepted the channel."""
        if not self._started:
            self._started = True
            await self._hub.acquire(self.channel, self)
        await asyncio.shield(self._ready)
        return self

    # ChannelListener
    def on_subscribed(self, ctx: SubscribedContext) -> None:
        if not self._ready.done():
            self._ready.set_result(None)

    def on_publication(self, ctx: PublicationContext) -> None:
        if self._queue.qsize() >= self._max:
            self._fail(CadenzaError(f"{self.channel}: the consumer fell {self._max} publications behind"))
            return
        self._queue.put_nowait(ctx.pub.data)

    def on_unsubscribed(self, ctx: UnsubscribedContext) -> None:
        if ctx.code >= 100:
            self._fail(ProtocolError(ctx.code, ctx.reason, target=self.channel))

    def _fail(self, err: Exception) -> None:
        if not self._ready.done():
            self._ready.set_exception(err)
            self._ready.exception()  # retrieved: start() re-raises it
        self._queue.put_nowait(err)

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._closed:
            raise StopAsyncIteration
        await self.start()
        item = await self._queue.get()
        if item is _END:
            raise StopAsyncIteration
        if isinstance(item, Exception):
            raise item
        return self._parse(item)

    async def close(self) -> None:
        """Stops the stream; the channel is unsubscribed when no other stream uses it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._queue.put_nowait(_END)
        if self._started:
            await self._hub.release(self.channel, self)

    aclose = close

    async def __aenter__(self) -> "ChannelStream[T]":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


@dataclass
class AccountEvent:
    """A publication on `tradingAccount:{id}`: `type` is the contract's event name, `data` its model (an
    `RpcTradeOrder` for `event.trade_order.updated`, an `RpcPortfolio` for `event.portfolio.updated`…)."""

    type: str
    data: Any
    timestamp: int
