"""A local order book kept from `market:orderbook:{VENUE}:{SYMBOL}`, like the TypeScript SDK's.

`OrderBookState` is the pure core (no I/O). What it promises:
- A SNAPSHOT replaces the whole book; DIFF/DELTA rows upsert a level by price, a zero quantity removes it.
- Stream positions are checked: a publication whose offset is not last + 1 is a gap; the book is then not `synced`
  and asks for a resync (`query.orderbook.get`) until one is applied. Duplicates (offset <= last) are ignored. A new
  epoch starts a new stream.
- After a reconnect whose missed publications the server could not recover (`was_recovering and not recovered`), a
  gap is counted too; the subscribe reply's snapshot, when it has one, repairs the book at once.
- Snapshots never move the book back in time: one older than the book shown (by `timestamp`) is ignored.

`OrderBook` subscribes, feeds the state, resyncs by itself and is an async iterator: `async for book in
client.order_book("PAPER", "BTC/USDT")` yields the book after each change (the latest state: a slow consumer skips
intermediate ones, never sees a torn one).
"""
from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Literal, NamedTuple, Optional

from centrifuge import PublicationContext, SubscribedContext, UnsubscribedContext

from .errors import ProtocolError

if TYPE_CHECKING:
    from .streams import ChannelHub

log = logging.getLogger("cadenza_rt")

Action = Literal["applied", "ignored", "resync"]


class Level(NamedTuple):
    """One price level; `extra` holds the optional third/fourth column (order count, order id, exchange)."""

    price: Decimal
    quantity: Decimal
    extra: tuple[str, ...] = ()


def _levels(rows: list[list[str]]) -> list[Level]:
    return [Level(Decimal(r[0]), Decimal(r[1]), tuple(r[2:])) for r in rows]


def _is_book(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("bids"), list) and isinstance(data.get("asks"), list) and isinstance(data.get("timestamp"), int)


class OrderBookState:
    """The book and its stream position; feed it subscribe replies, publications and resync snapshots."""

    def __init__(self) -> None:
        self.bids: list[Level] = []
        self.asks: list[Level] = []
        #: Epoch ms of the data shown (0 = none yet).
        self.timestamp = 0
        #: False until a first snapshot, and between a detected gap and the resync that repairs it.
        self.synced = False
        #: Gaps detected (offset jumps and unrecovered reconnects).
        self.gaps = 0
        self.offset: Optional[int] = None
        self.epoch: Optional[str] = None
        self._resync_pending = False

    def on_subscribed(self, *, was_recovering: bool, recovered: bool, offset: Optional[int], epoch: Optional[str], data: Any) -> Action:
        if offset is not None:
            if self.epoch is not None and epoch != self.epoch:
                self.offset = None
            self.epoch = epoch
            self.offset = offset
        lost = was_recovering and not recovered
        if lost:
            self.gaps += 1
        if _is_book(data) and data.get("updateType") == "SNAPSHOT":
            self._replace(data)
            self.synced = True
            self._resync_pending = False
            return "applied"
        if lost or not self.synced:
            return self._need_resync()
        return "ignored"

    def on_publication(self, data: Any, offset: Optional[int]) -> Action:
        if not _is_book(data):
            return "ignored"
        gap = False
        if offset is not None and offset > 0:
            if self.offset is not None:
                if offset <= self.offset:
                    return "ignored"
                gap = offset != self.offset + 1
            self.offset = offset
        if gap:
            self.gaps += 1
            self._need_resync()
        if data.get("updateType") == "SNAPSHOT":
            # Self-contained, so shown at once even across a gap; only the resync marks the book in sync again.
            self._replace(data)
            if not self._resync_pending:
                self.synced = True
        elif self.synced:
            self._apply_diff(data)
        else:
            return "ignored" if self._resync_pending and not gap else self._need_resync()
        return "resync" if gap else "applied"

    def on_resync(self, book: dict[str, Any]) -> Action:
        self._resync_pending = False
        self.synced = True
        if book["timestamp"] < self.timestamp:
            return "ignored"
        self._replace(book)
        return "applied"

    def on_resync_failed(self) -> None:
        self._resync_pending = False

    def _need_resync(self) -> Action:
        self.synced = False
        self._resync_pending = True
        return "resync"

    def _replace(self, book: dict[str, Any]) -> None:
        if book["timestamp"] < self.timestamp:
            return
        self.bids = sorted(_levels(book["bids"]), key=lambda l: l.price, reverse=True)
        self.asks = sorted(_levels(book["asks"]), key=lambda l: l.price)
        self.timestamp = book["timestamp"]

    def _apply_diff(self, book: dict[str, Any]) -> None:
        def upsert(levels: list[Level], rows: list[list[str]]) -> dict[Decimal, Level]:
            by_price = {l.price: l for l in levels}
            for level in _levels(rows):
                by_price.pop(level.price, None)
                if level.quantity != 0:
                    by_price[level.price] = level
            return by_price

        self.bids = sorted(upsert(self.bids, book["bids"]).values(), key=lambda l: l.price, reverse=True)
        self.asks = sorted(upsert(self.asks, book["asks"]).values(), key=lambda l: l.price)
        self.timestamp = max(self.timestamp, book["timestamp"])


FetchBook = Callable[[str, int], Awaitable[dict[str, Any]]]


class OrderBook:
    """A live local order book (see the module note). Use as `async for book in client.order_book(...)`, or
    `async with client.order_book(...) as book:` and read `book.best_bid`… while it updates itself."""

    def __init__(self, hub: "ChannelHub", fetch: FetchBook, venue: str, symbol: str, depth: int = 20) -> None:
        self.venue = venue
        self.symbol = symbol
        self.instrument_id = f"{venue}:{symbol}"
        self.channel = f"market:orderbook:{venue}:{symbol}"
        self.depth = depth
        #: Resyncs performed through `query.orderbook.get`.
        self.resyncs = 0
        self.state = OrderBookState()
        self._hub = hub
        self._fetch = fetch
        self._changed = asyncio.Event()
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._error: Optional[BaseException] = None
        self._started = False
        self._closed = False
        self._resync_task: Optional[asyncio.Task[None]] = None
        #: Called after a gap is detected and after each resync (tests and dashboards count them).
        self.on_gap: Optional[Callable[["OrderBook"], None]] = None

    # -- reading
    @property
    def bids(self) -> list[Level]:
        """Bids, best (highest) first."""
        return self.state.bids

    @property
    def asks(self) -> list[Level]:
        """Asks, best (lowest) first."""
        return self.state.asks

    @property
    def best_bid(self) -> Optional[Level]:
        return self.state.bids[0] if self.state.bids else None

    @property
    def best_ask(self) -> Optional[Level]:
        return self.state.asks[0] if self.state.asks else None

    @property
    def spread(self) -> Optional[Decimal]:
        """Best ask − best bid, exact; None while a side is empty."""
        b, a = self.best_bid, self.best_ask
        return a.price - b.price if a and b else None

    @property
    def mid(self) -> Optional[Decimal]:
        b, a = self.best_bid, self.best_ask
        return (a.price + b.price) / 2 if a and b else None

    @property
    def synced(self) -> bool:
        return self.state.synced

    @property
    def gaps(self) -> int:
        return self.state.gaps

    @property
    def timestamp(self) -> int:
        """Epoch ms of the data shown."""
        return self.state.timestamp

    # -- lifecycle
    async def start(self) -> "OrderBook":
        """Subscribes (once) and waits for the first snapshot."""
        if not self._started:
            self._started = True
            await self._hub.acquire(self.channel, self)
        await asyncio.shield(self._ready)
        return self

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._changed.set()
        if self._resync_task:
            self._resync_task.cancel()
        if self._started:
            await self._hub.release(self.channel, self)

    aclose = close

    async def __aenter__(self) -> "OrderBook":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator["OrderBook"]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator["OrderBook"]:
        await self.start()
        self._changed.clear()
        yield self
        while True:
            await self._changed.wait()
            self._changed.clear()
            if self._error:
                raise self._error
            if self._closed:
                return
            yield self

    async def resync(self) -> None:
        """Fetches a fresh snapshot now (what a gap triggers)."""
        try:
            book = await self._fetch(self.instrument_id, self.depth)
        except Exception as e:
            self.state.on_resync_failed()
            log.warning("cadenza_rt: resync of %s failed: %s", self.instrument_id, e)
            return
        self.resyncs += 1
        if self.state.on_resync(book) == "applied":
            self._update()
        if self.on_gap:
            self.on_gap(self)

    # -- ChannelListener
    def on_subscribed(self, ctx: SubscribedContext) -> None:
        pos = ctx.stream_position
        self._handle(self.state.on_subscribed(was_recovering=ctx.was_recovering, recovered=ctx.recovered, offset=pos.offset if pos else None, epoch=pos.epoch if pos else None, data=ctx.data))

    def on_publication(self, ctx: PublicationContext) -> None:
        self._handle(self.state.on_publication(ctx.pub.data, ctx.pub.offset or None))

    def on_unsubscribed(self, ctx: UnsubscribedContext) -> None:
        if ctx.code >= 100:
            self._error = ProtocolError(ctx.code, ctx.reason, target=self.channel)
            if not self._ready.done():
                self._ready.set_exception(self._error)
                self._ready.exception()
            self._changed.set()

    def _handle(self, action: Action) -> None:
        if action == "resync":
            if self.on_gap:
                self.on_gap(self)
            if self._resync_task is None or self._resync_task.done():
                self._resync_task = asyncio.ensure_future(self.resync())
            if self.state.timestamp > 0:
                self._update()
        elif action == "applied":
            self._update()

    def _update(self) -> None:
        if not self._ready.done():
            self._ready.set_result(None)
        self._changed.set()
