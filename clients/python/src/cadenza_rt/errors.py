"""Every failure the SDK reports is a `CadenzaError`; its subclasses name the layer that failed.

- `RpcError`         the server refused the call: the contract's `{error: {code, message, temporary?}}` inside the RPC
                     result; `code` is AABBB (module AA, error BBB), `name` its symbolic name when known.
- `ProtocolError`    the Centrifugo layer refused it (103 permission denied, 104 method not found, 107 bad request,
                     109 token expired, 111 too many requests…) or a channel was refused; or the connection ended.
- `AuthError`        the Supabase-compatible auth endpoints refused a login or refresh (HTTP status + GoTrue code).
- `CadenzaTimeoutError`  no answer in time (also a `TimeoutError`).
- `ResponseError`    the server answered something that is not the contract's shape.

`temporary` is true when the same call may succeed later.
"""
from __future__ import annotations

from typing import Optional

#: Known AABBB codes of the server's catalogue (docs/errors.md; a test keeps them equal), by symbolic name.
RPC_ERROR_CODES: dict[str, int] = {
    "VALIDATION_FAILED": 10001,
    "NOT_SUPPORTED": 10002,
    "STORE_UNAVAILABLE": 10003,
    "INVALID_ORDER_PARAMETERS": 11000,
    "ORDER_NOT_FOUND": 11001,
    "ORDER_TYPE_NOT_ALLOWED": 11002,
    "TIME_IN_FORCE_NOT_ALLOWED": 11003,
    "PRICE_NOT_ON_TICK": 11004,
    "QUANTITY_NOT_ON_LOT": 11005,
    "QUANTITY_OUT_OF_RANGE": 11006,
    "NOTIONAL_TOO_SMALL": 11007,
    "NOTIONAL_TOO_LARGE": 11008,
    "ORDER_NOT_CANCELLABLE": 11009,
    "QUANTITY_TYPE_NOT_SUPPORTED": 11010,
    "NO_LIQUIDITY": 11011,
    "INVALID_ORDER_TRANSITION": 11013,
    "OPEN_ORDER_LIMIT_REACHED": 11014,
    "TRADING_ACCOUNT_NOT_FOUND": 12001,
    "INVALID_ACCOUNT_TRANSITION": 12002,
    "TRADING_ACCOUNT_NOT_ACTIVE": 12003,
    "TRADING_ACCOUNT_HAS_OPEN_ORDERS": 12004,
    "CREDENTIAL_REQUIRED": 12005,
    "INVALID_ACCOUNT_PARAMETERS": 12006,
    "ACCOUNT_VENUE_MISMATCH": 12007,
    "EXTERNAL_ACCOUNT_TAKEN": 12008,
    "TRADING_ACCOUNT_LIMIT_REACHED": 12009,
    "CREDENTIAL_NOT_FOUND": 13001,
    "CREDENTIAL_REVOKED": 13002,
    "CREDENTIAL_VERIFICATION_FAILED": 13003,
    "INVALID_CREDENTIAL_PARAMETERS": 13004,
    "INSUFFICIENT_BALANCE": 14001,
    "MARGIN_INSUFFICIENT": 14002,
    "POSITION_NOT_FOUND": 14003,
    "INSTRUMENT_NOT_FOUND": 15001,
    "INSTRUMENT_NOT_ACTIVE": 15002,
    "MARKET_DATA_UNAVAILABLE": 15003,
    "INVALID_MARKET_QUERY": 15004,
    "SECURITY_NOT_FOUND": 15005,
    "SUBSCRIPTION_NOT_FOUND": 16001,
    "INVALID_SUBSCRIPTION": 16002,
    "FEED_UNAVAILABLE": 16003,
    "DEALER_NOT_FOUND": 18001,
    "INVALID_DEALER_PARAMETERS": 18002,
    "INVALID_DEALER_TRANSITION": 18003,
    "DEALER_NOT_FLAT": 18004,
    "DEALER_LINK_INVALID": 18005,
    "DEALER_NOT_ACTIVE": 18006,
    "INVALID_QUOTE_REQUEST": 18010,
    "QUOTE_NOT_FOUND": 18011,
    "QUOTE_EXPIRED": 18012,
    "QUOTE_ALREADY_USED": 18013,
    "QUOTE_NOT_ACCEPTABLE": 18014,
    "QUOTE_MISMATCH": 18015,
    "WALLET_NOT_FOUND": 18021,
    "WALLET_FROZEN": 18022,
    "WALLET_CLOSED": 18023,
    "INVALID_TRANSFER": 18024,
    "INVALID_WALLET_TRANSITION": 18025,
    "VENUE_NOT_CONFIGURED": 19001,
    "VENUE_UNAVAILABLE": 19002,
    "VENUE_CAPABILITY_MISSING": 19003,
}
_NAME_BY_CODE = {code: name for name, code in RPC_ERROR_CODES.items()}

#: Centrifugo codes after which retrying the same call may succeed.
_TEMPORARY_PROTOCOL_CODES = {100, 111, 113}


class CadenzaError(Exception):
    """Base class of every SDK error."""

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.message = message
        #: True when retrying the same call may succeed.
        self.temporary = temporary


class RpcError(CadenzaError):
    """The server refused an RPC: the contract's error with its AABBB `code`."""

    def __init__(self, method: str, code: int, message: str, temporary: bool = False) -> None:
        super().__init__(f"{method}: {message} ({code})", temporary=temporary)
        self.method = method
        self.code = code
        self.reason = message
        #: Symbolic name of `code` (e.g. "INSUFFICIENT_BALANCE"), None when the SDK does not know the code.
        self.name: Optional[str] = _NAME_BY_CODE.get(code)

    @property
    def module(self) -> int:
        """Module part of the code (e.g. 11 = trade orders)."""
        return self.code // 1000


class ProtocolError(CadenzaError):
    """The Centrifugo layer refused a call or a channel, or the connection ended for good; `code` is Centrifugo's."""

    def __init__(self, code: int, message: str, *, target: Optional[str] = None, temporary: Optional[bool] = None) -> None:
        text = f"{target}: {message} ({code})" if target else f"{message} ({code})"
        super().__init__(text, temporary=temporary if temporary is not None else code in _TEMPORARY_PROTOCOL_CODES)
        self.code = code
        self.reason = message
        #: The RPC method or channel involved, when there is one.
        self.target = target


class AuthError(CadenzaError):
    """The auth endpoints refused a sign-in, sign-up or refresh. `status` 0 means unreachable."""

    def __init__(self, status: int, message: str, code: Optional[str] = None) -> None:
        super().__init__(message, temporary=status == 0 or status == 429 or status >= 500)
        self.status = status
        #: GoTrue's string code when sent ("invalid_credentials", "refresh_token_already_used"…).
        self.code = code


class CadenzaTimeoutError(CadenzaError, TimeoutError):
    """No answer in time. For an order, repeat the submit with the same idempotency key to learn what happened."""

    def __init__(self, message: str) -> None:
        super().__init__(message, temporary=True)


class ResponseError(CadenzaError):
    """The server's answer does not have the contract's shape (a missing always-sent field, a wrong type…)."""
