"""`CadenzaClient`: one connection to a Cadenza server over the official centrifuge-python client, with typed RPCs,
channel streams as async iterators, a self-repairing local order book and order helpers.

    client = await CadenzaClient.login(url="http://localhost:8000", email="demo@cadenza.dev", password="cadenza-demo")
    await client.connect()
    instruments = await client.rpc("query.instrument.list", {"venue": "PAPER"})   # list[models.RpcInstrument]
    async for book in client.order_book("PAPER", "BTC/USDT"): ...
    order = await client.submit_order(account_id, {...}, await_closed=True)       # models.RpcTradeOrder
    await client.close()

Tokens: centrifuge-python asks `get_token` for a token when it needs one (first connect, shortly before expiry,
after `109 token expired`); the `Session` refreshes through the auth service. Reconnects are centrifuge-python's
(with backoff); channels resubscribe and recover missed publications from the server's history, and the order book
resyncs when they cannot be recovered.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Awaitable, Callable, Mapping, Optional, Union
from urllib.parse import urlsplit, urlunsplit

from centrifuge import (
    Client,
    ClientEventHandler,
    ClientState,
    ConnectedContext,
    DisconnectedContext,
    ReplyError,
    ServerPublicationContext,
)
from centrifuge.contexts import ErrorContext
from centrifuge.exceptions import CentrifugeError, ClientDisconnectedError, OperationTimeoutError, UnauthorizedError
from pydantic import TypeAdapter, ValidationError as PydanticValidationError

from . import models, params
from ._base import WireModel
from ._rpc import EVENTS, RPC_METHODS, TypedRpc
from .auth import AuthSession, OnSession, Session, auth_url_of, sign_in
from .errors import AuthError, CadenzaError, CadenzaTimeoutError, ProtocolError, ResponseError, RpcError
from .order_book import OrderBook
from .streams import AccountEvent, ChannelHub, ChannelStream

log = logging.getLogger("cadenza_rt")

DEFAULT_URL = "http://localhost:8000"
TERMINAL_ORDER_STATUSES = frozenset({"FILLED", "CANCELLED", "REJECTED", "EXPIRED", "REPLACED", "REVOKED"})

_adapters: dict[str, TypeAdapter[Any]] = {}


def _adapter(spec: str) -> TypeAdapter[Any]:
    """A pydantic adapter for a result-data spec: "RpcTradeOrder", "array<RpcInstrument>", "array<Venue>"."""
    found = _adapters.get(spec)
    if found is None:
        name = spec[6:-1] if spec.startswith("array<") else spec
        model: Any = getattr(models, name, str)
        found = TypeAdapter(list[model] if spec.startswith("array<") else model)
        _adapters[spec] = found
    return found


def parse_data(spec: Optional[str], data: Any, what: str) -> Any:
    """Parses received data into the contract's models; a shape the contract does not allow is a `ResponseError`."""
    if spec is None or data is None:
        return data
    try:
        return _adapter(spec).validate_python(data)
    except PydanticValidationError as e:
        raise ResponseError(f"{what}: the server's answer is not a {spec}: {e}") from e


def websocket_url(url: str) -> str:
    """`http://h:p` → `ws://h:p/connection/websocket` (https → wss)."""
    u = urlsplit(url)
    scheme = "wss" if u.scheme == "https" else "ws"
    return urlunsplit((scheme, u.netloc, u.path.rstrip("/") + "/connection/websocket", "", ""))


def _wire(value: Any) -> Any:
    if isinstance(value, WireModel):
        return value.wire()
    if isinstance(value, Mapping):
        return {k: _wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    return value


class _Events(ClientEventHandler):
    def __init__(self, owner: "CadenzaClient") -> None:
        self.owner = owner

    async def on_connected(self, ctx: ConnectedContext) -> None:
        self.owner._connected_once.set()

    async def on_disconnected(self, ctx: DisconnectedContext) -> None:
        self.owner._terminal = ProtocolError(ctx.code, ctx.reason or "disconnected", target=self.owner.ws_url, temporary=False)
        self.owner._connected_once.set()

    async def on_error(self, ctx: ErrorContext) -> None:
        self.owner._last_error = ctx.error

    async def on_publication(self, ctx: ServerPublicationContext) -> None:
        # The user's own `user:{id}` channel, subscribed by the server at connect.
        for listener in list(self.owner._user_listeners):
            try:
                listener(ctx.pub.data)
            except Exception:
                log.exception("cadenza_rt: user event listener failed")


class CadenzaClient(TypedRpc):
    """One connection to a Cadenza server; see the module note."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        session: Optional[Session] = None,
        token: Optional[str] = None,
        get_token: Optional[Callable[[], Awaitable[str]]] = None,
        ws_url: Optional[str] = None,
        timeout: float = 10.0,
        min_reconnect_delay: float = 0.1,
        max_reconnect_delay: float = 20.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.ws_url = ws_url or websocket_url(self.url)
        self.session = session
        #: Default timeout of RPCs (seconds); `submit_order(await_closed=True)` waits longer.
        self.timeout = timeout
        self._user_listeners: list[Callable[[Any], None]] = []
        self._connected_once = asyncio.Event()
        self._terminal: Optional[ProtocolError] = None
        self._last_error: Optional[BaseException] = None
        self._streams: set[Any] = set()
        handed_out: list[str] = []

        async def session_token() -> str:
            assert session is not None
            try:
                tok = await session.access_token()
                # Asked again for the token it already has: the server no longer takes it (revoked, clock skew).
                if handed_out and tok == handed_out[-1]:
                    tok = (await session.refresh()).access_token
                handed_out[:] = [tok]
                return tok
            except AuthError as e:
                if not e.temporary:
                    raise UnauthorizedError(str(e)) from e  # a spent refresh token will not get better: stop
                raise

        self._centrifuge = Client(
            self.ws_url,
            events=_Events(self),
            token=token or "",
            get_token=session_token if session else get_token,
            timeout=timeout,
            name="cadenza-rt",
            min_reconnect_delay=min_reconnect_delay,
            max_reconnect_delay=max_reconnect_delay,
        )
        self._hub = ChannelHub(lambda: self._centrifuge)

    @classmethod
    async def login(
        cls,
        url: str = DEFAULT_URL,
        email: str = "",
        password: str = "",
        *,
        auth_url: Optional[str] = None,
        api_key: Optional[str] = None,
        on_session: Optional[OnSession] = None,
        **options: Any,
    ) -> "CadenzaClient":
        """Signs in with email and password and returns a client (not yet connected) whose session refreshes itself.

        `auth_url` defaults to the server's built-in auth (`{url}/auth/v1`); for a Supabase project whose tokens the
        server verifies, pass the project's (`https://<ref>.supabase.co/auth/v1`) and its anon key as `api_key`."""
        auth = auth_url or auth_url_of(url)
        first = await sign_in(auth, email, password, api_key=api_key)
        if on_session:
            r = on_session(first)
            if asyncio.iscoroutine(r):
                await r
        return cls(url, session=Session(first, auth_url=auth, api_key=api_key, on_session=on_session), **options)

    @property
    def centrifuge(self) -> Client:
        """The raw centrifuge-python client, for anything this SDK does not wrap."""
        return self._centrifuge

    @property
    def user_id(self) -> Optional[str]:
        return self.session.user_id if self.session else None

    @property
    def connected(self) -> bool:
        return self._centrifuge.state == ClientState.CONNECTED

    async def connect(self, timeout: Optional[float] = None) -> None:
        """Connects and returns once connected. Raises `ProtocolError` when the server refuses for good (an invalid
        token: 3500), `AuthError` when the session cannot be refreshed, `CadenzaTimeoutError` after `timeout`."""
        if self.connected:
            return
        self._terminal = None
        self._connected_once.clear()
        await self._centrifuge.connect()
        wait = timeout if timeout is not None else self.timeout
        try:
            await asyncio.wait_for(self._connected_once.wait(), wait)
        except asyncio.TimeoutError:
            await self._centrifuge.disconnect()
            detail = f": {self._last_error}" if self._last_error else ""
            raise CadenzaTimeoutError(f"could not connect to {self.ws_url} within {wait} s{detail}") from None
        if not self.connected:
            if isinstance(self._last_error, UnauthorizedError) and isinstance(self._last_error.__cause__, AuthError):
                raise self._last_error.__cause__
            raise self._terminal or ProtocolError(0, "not connected", target=self.ws_url)

    async def close(self) -> None:
        """Closes every stream and the connection."""
        for s in list(self._streams):
            await s.close()
        await self._hub.close()
        await self._centrifuge.disconnect()

    async def __aenter__(self) -> "CadenzaClient":
        await self.connect()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # ------------------------------------------------------------------ RPC

    async def _call(self, method: str, params_: Any = None, *, timeout: Optional[float] = None) -> Any:
        data, _ = await self.rpc_result(method, params_, timeout=timeout)
        return data

    async def rpc_result(self, method: str, params_: Any = None, *, timeout: Optional[float] = None) -> tuple[Any, Optional[dict[str, Any]]]:
        """Like `rpc` but returns `(data, pagination)`; `pagination` is set on the paginated lists."""
        payload = _wire(params_) if params_ is not None else {}
        try:
            reply = await self._centrifuge.rpc(method, payload, timeout=timeout or self.timeout)
        except ReplyError as e:
            raise ProtocolError(e.code, e.message, target=method, temporary=e.temporary or None) from e
        except OperationTimeoutError as e:
            raise CadenzaTimeoutError(f"{method}: no answer within {timeout or self.timeout} s") from e
        except (ClientDisconnectedError, CentrifugeError) as e:
            raise ProtocolError(3, str(e) or "disconnected", target=method, temporary=True) from e
        result = reply.data
        if not isinstance(result, dict):
            raise ResponseError(f"{method}: malformed RPC result {result!r}")
        err = result.get("error")
        if err:
            raise RpcError(method, int(err.get("code", 0)), str(err.get("message", "")), bool(err.get("temporary", False)))
        spec = RPC_METHODS.get(method, (None, None))[1]
        if spec is not None and result.get("data") is None:
            raise ResponseError(f"{method}: the server answered without data")
        return parse_data(spec, result.get("data"), method), result.get("pagination")

    # ------------------------------------------------------------------ streams

    def _track(self, stream: Any) -> Any:
        self._streams.add(stream)
        close = stream.close

        async def closing() -> None:
            self._streams.discard(stream)
            await close()

        stream.close = stream.aclose = closing
        return stream

    def order_book(self, venue: str, symbol: str, depth: int = 20) -> OrderBook:
        """A local order book for `venue`/`symbol` (e.g. "PAPER", "BTC/USDT"), resynced by itself after gaps."""

        async def fetch(instrument_id: str, d: int) -> dict[str, Any]:
            data, _ = await self.rpc_result("query.orderbook.get", {"instrumentId": instrument_id, "depth": d})
            return data.model_dump(by_alias=True, mode="json")

        return self._track(OrderBook(self._hub, fetch, venue, symbol, depth))

    def subscribe(self, channel: str) -> ChannelStream[Any]:
        """Any channel's publications, as the server sends them (dicts)."""
        return self._track(ChannelStream(self._hub, channel, lambda d: d))

    def trades(self, venue: str, symbol: str) -> ChannelStream[dict[str, Any]]:
        """Public trades: `{instrumentId, venue, symbol, tradeId, price, quantity, side (the taker's), timestamp}`."""
        return self._track(ChannelStream(self._hub, f"market:trade:{venue}:{symbol}", lambda d: d))

    def tickers(self, venue: str, symbol: Optional[str] = None) -> ChannelStream[models.Ticker]:
        """Tickers of one instrument, or of every instrument of the venue."""
        channel = f"market:ticker:{venue}:{symbol}" if symbol else f"market:ticker:{venue}"
        return self._track(ChannelStream(self._hub, channel, lambda d: parse_data("Ticker", d, channel)))

    def klines(self, venue: str, symbol: str, interval: str) -> ChannelStream[models.Kline]:
        """Klines; the forming bar repeats with `is_closed=False` until it closes."""
        channel = f"market:kline:{venue}:{symbol}:{interval}"
        return self._track(ChannelStream(self._hub, channel, lambda d: parse_data("Kline", d, channel)))

    def account(self, trading_account_id: str) -> ChannelStream[AccountEvent]:
        """Events of one of your trading accounts (`tradingAccount:{id}`): order updates, portfolio changes…
        Anyone but the owner gets `ProtocolError` 103."""
        channel = f"tradingAccount:{trading_account_id}"

        def parse(d: Any) -> AccountEvent:
            kind = str(d.get("type", ""))
            model, is_list = EVENTS.get(kind, (None, False))
            spec = None if model is None else f"array<{model}>" if is_list else model
            return AccountEvent(kind, parse_data(spec, d.get("data"), kind), int(d.get("timestamp", 0)))

        return self._track(ChannelStream(self._hub, channel, parse))

    def on_user_event(self, listener: Callable[[Any], None]) -> Callable[[], None]:
        """Calls `listener` with each publication on your own `user:{id}` channel; returns the function that stops it."""
        self._user_listeners.append(listener)
        return lambda: self._user_listeners.remove(listener)

    # ------------------------------------------------------------------ orders

    async def submit_order(
        self,
        trading_account_id: str,
        order: Union[params.RpcTradeOrder, Mapping[str, Any]],
        *,
        await_closed: bool = False,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> models.RpcTradeOrder:
        """Submits an order and returns it as the server recorded it. Always idempotent: a fresh key unless given,
        so retrying after a lost reply returns the original order instead of placing a second one. With
        `await_closed` the server answers once the order is FILLED, CANCELLED or REJECTED, or after 3 s with the
        order as it is then (`await_closed()` waits longer)."""
        body = {
            "tradingAccountId": trading_account_id,
            "tradeOrder": _wire(order),
            "idempotencyKey": idempotency_key or str(uuid.uuid4()),
        }
        if await_closed:
            body["awaitClosed"] = True
        return await self.rpc("command.trade_order.submit", body, timeout=timeout or (30.0 if await_closed else None))

    async def cancel_order(self, trading_account_id: str, trade_order_id: str) -> models.RpcTradeOrder:
        return await self.rpc("command.trade_order.cancel", {"tradingAccountId": trading_account_id, "tradeOrderId": trade_order_id})

    async def await_closed(self, trading_account_id: str, trade_order_id: str, timeout: float = 30.0) -> models.RpcTradeOrder:
        """Waits until an order is terminal. Listens on the account channel before reading the order, so a fill in
        between cannot be missed."""
        events = self.account(trading_account_id)
        try:
            await events.start()
            order: models.RpcTradeOrder = await self.rpc("query.trade_order.get", {"tradingAccountId": trading_account_id, "tradeOrderId": trade_order_id})

            async def watch() -> models.RpcTradeOrder:
                latest = order
                if latest.status in TERMINAL_ORDER_STATUSES:
                    return latest
                async for event in events:
                    if event.type == "event.trade_order.updated" and event.data.trade_order_id == trade_order_id:
                        latest = event.data
                        if latest.status in TERMINAL_ORDER_STATUSES:
                            return latest
                raise CadenzaError(f"order {trade_order_id}: the account stream ended")

            try:
                return await asyncio.wait_for(watch(), timeout)
            except asyncio.TimeoutError:
                raise CadenzaTimeoutError(f"order {trade_order_id} not closed within {timeout} s") from None
        finally:
            await events.close()
