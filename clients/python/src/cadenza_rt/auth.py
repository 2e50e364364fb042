"""Login over Supabase-compatible auth (GoTrue's `/token` and `/signup`), and a `Session` that hands out valid access
tokens, refreshing them shortly before they expire.

The auth service is the Cadenza server's built-in one (`{url}/auth/v1`) or a Supabase project's
(`https://<ref>.supabase.co/auth/v1` with the project's anon key) when the server verifies that project's tokens.
Refresh tokens rotate (each works once), so a `Session` refreshes single-flight and tells `on_session` about every
new session: whoever persists it always holds the latest refresh token.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional, Union

import httpx

from .errors import AuthError


@dataclass
class AuthSession:
    """A GoTrue session: the access token (a JWT the Cadenza server accepts), its refresh token and the user."""

    access_token: str
    refresh_token: str
    expires_at: float
    """Unix seconds."""
    user: dict[str, Any] = field(default_factory=dict)
    token_type: str = "bearer"

    @property
    def user_id(self) -> str:
        return str(self.user.get("id", ""))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "AuthSession":
        if not isinstance(data.get("access_token"), str) or not isinstance(data.get("refresh_token"), str):
            raise AuthError(500, "the auth server returned no session")
        expires_at = data.get("expires_at") or time.time() + float(data.get("expires_in", 3600))
        return cls(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_at=float(expires_at),
            user=dict(data.get("user") or {}),
            token_type=str(data.get("token_type", "bearer")),
        )


def auth_url_of(url: str) -> str:
    """`http://host:8000` → `http://host:8000/auth/v1` (the built-in auth of a Cadenza server)."""
    return url.rstrip("/") + "/auth/v1"


async def _post(auth_url: str, path: str, body: dict[str, Any], api_key: Optional[str], http: Optional[httpx.AsyncClient]) -> dict[str, Any]:
    headers = {"apikey": api_key or "cadenza-rt", "content-type": "application/json", "x-client-info": "cadenza-rt/0.1.0"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    own = http is None
    client = http or httpx.AsyncClient(timeout=15.0)
    try:
        res = await client.post(auth_url.rstrip("/") + path, json=body, headers=headers)
    except httpx.HTTPError as e:
        raise AuthError(0, f"cannot reach {auth_url}: {e}") from e
    finally:
        if own:
            await client.aclose()
    try:
        data = res.json()
    except ValueError:
        data = None
    if res.status_code >= 400:
        o = data if isinstance(data, dict) else {}
        message = next((o[k] for k in ("msg", "message", "error_description", "error") if isinstance(o.get(k), str)), f"HTTP {res.status_code}")
        code = o.get("code") if isinstance(o.get("code"), str) else o.get("error_code") if isinstance(o.get("error_code"), str) else None
        raise AuthError(res.status_code, message, code)
    if not isinstance(data, dict):
        raise AuthError(res.status_code, f"unexpected non-JSON response from {path}")
    return data


async def sign_in(auth_url: str, email: str, password: str, *, api_key: Optional[str] = None, http: Optional[httpx.AsyncClient] = None) -> AuthSession:
    """`POST {auth_url}/token?grant_type=password`."""
    return AuthSession.from_json(await _post(auth_url, "/token?grant_type=password", {"email": email, "password": password}, api_key, http))


async def refresh(auth_url: str, refresh_token: str, *, api_key: Optional[str] = None, http: Optional[httpx.AsyncClient] = None) -> AuthSession:
    """`POST {auth_url}/token?grant_type=refresh_token`. The old refresh token is spent."""
    return AuthSession.from_json(await _post(auth_url, "/token?grant_type=refresh_token", {"refresh_token": refresh_token}, api_key, http))


async def sign_up(auth_url: str, email: str, password: str, *, api_key: Optional[str] = None, http: Optional[httpx.AsyncClient] = None) -> Optional[AuthSession]:
    """`POST {auth_url}/signup`: the session when the server confirms at once (the built-in one does), else None."""
    data = await _post(auth_url, "/signup", {"email": email, "password": password, "data": {}}, api_key, http)
    return AuthSession.from_json(data) if isinstance(data.get("access_token"), str) else None


OnSession = Callable[[AuthSession], Union[None, Awaitable[None]]]


class Session:
    """Holds a session and hands out access tokens valid for at least `refresh_margin` seconds, refreshing first when
    needed (one refresh at a time: a refresh token works once)."""

    def __init__(
        self,
        session: AuthSession,
        *,
        auth_url: str,
        api_key: Optional[str] = None,
        refresh_margin: float = 30.0,
        on_session: Optional[OnSession] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._current = session
        self.auth_url = auth_url
        self.api_key = api_key
        self.refresh_margin = refresh_margin
        self._listeners: list[OnSession] = [on_session] if on_session else []
        self._clock = clock
        self._inflight: Optional[asyncio.Future[AuthSession]] = None
        #: How many refreshes this session performed.
        self.refreshes = 0

    @property
    def current(self) -> AuthSession:
        return self._current

    @property
    def user_id(self) -> str:
        return self._current.user_id

    def seconds_left(self) -> float:
        return self._current.expires_at - self._clock()

    async def access_token(self) -> str:
        """A token valid for at least the refresh margin."""
        if self.seconds_left() > self.refresh_margin:
            return self._current.access_token
        return (await self.refresh()).access_token

    async def refresh(self) -> AuthSession:
        """Refreshes now; concurrent callers share one request."""
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._refresh())
        try:
            return await asyncio.shield(self._inflight)
        finally:
            if self._inflight is not None and self._inflight.done():
                self._inflight = None

    async def _refresh(self) -> AuthSession:
        nxt = await refresh(self.auth_url, self._current.refresh_token, api_key=self.api_key)
        self._current = nxt
        self.refreshes += 1
        for listener in self._listeners:
            r = listener(nxt)
            if asyncio.iscoroutine(r):
                await r
        return nxt
