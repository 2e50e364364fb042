"""cadenza_rt — the Python SDK of the Cadenza real-time trading API.

An async client over the official centrifuge-python client: login through the server's Supabase-compatible auth (or
a Supabase project's), token refresh and reconnects, typed RPCs with pydantic models generated from the contract,
channel subscriptions as async iterators, a local order book with gap detection and resync, and typed errors.
See docs/python-sdk.md.
"""
from . import enums, models, params
from .auth import AuthSession, Session, refresh, sign_in, sign_up
from .client import DEFAULT_URL, TERMINAL_ORDER_STATUSES, CadenzaClient, websocket_url
from .errors import RPC_ERROR_CODES, AuthError, CadenzaError, CadenzaTimeoutError, ProtocolError, ResponseError, RpcError
from .order_book import Level, OrderBook, OrderBookState
from .streams import AccountEvent, ChannelStream

__version__ = "0.1.0"

__all__ = [
    "AccountEvent",
    "AuthError",
    "AuthSession",
    "CadenzaClient",
    "CadenzaError",
    "CadenzaTimeoutError",
    "ChannelStream",
    "DEFAULT_URL",
    "Level",
    "OrderBook",
    "OrderBookState",
    "ProtocolError",
    "RPC_ERROR_CODES",
    "ResponseError",
    "RpcError",
    "Session",
    "TERMINAL_ORDER_STATUSES",
    "enums",
    "models",
    "params",
    "refresh",
    "sign_in",
    "sign_up",
    "websocket_url",
]
