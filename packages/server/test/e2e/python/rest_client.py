"""Drives the REST API through clients generated from the served OpenAPI document, as docs/rest-api.md shows:
the openapi-python-client package `cadenza_api` (login -> instruments -> account -> order -> portfolio) and the
pydantic models `cadenza_models` of datamodel-code-generator (an instruments page validated). Prints one JSON line."""
import json
import sys
import urllib.request

from cadenza_api import AuthenticatedClient, Client
from cadenza_api.api.authentication import auth_login
from cadenza_api.api.market import list_market_instruments
from cadenza_api.api.trading import submit_trade_order
from cadenza_api.api.trading_account import connect_trading_account
from cadenza_api.api.trading_account_portfolio import list_trading_account_portfolios
from cadenza_api.models import AuthLoginRequest, ConnectTradingAccountRequest, OrderSide, OrderType, SubmitTradeOrderRequest, Venue
from cadenza_models import ListMarketInstruments200Response

base, email, password = sys.argv[1:4]
session = auth_login.sync(client=Client(base_url=base, raise_on_unexpected_status=True), body=AuthLoginRequest(email=email, password=password)).data
api = AuthenticatedClient(base_url=base, token=session.access_token, raise_on_unexpected_status=True)
instruments = list_market_instruments.sync(client=api, venue=Venue.PAPER, symbols=["BTC/USDT"])
account = connect_trading_account.sync(client=api, body=ConnectTradingAccountRequest(venue=Venue.PAPER, nickname="python client")).data
orders = submit_trade_order.sync(client=api, body=SubmitTradeOrderRequest(
    trading_account_id=account.trading_account_id, instrument_id=instruments.data[0].instrument_id,
    order_side=OrderSide.BUY, order_type=OrderType.MARKET, quantity="0.01", await_closed=True)).data
portfolios = list_trading_account_portfolios.sync(client=api, trading_account_id=account.trading_account_id).data

request = urllib.request.Request(f"{base}/api/v3/market/instrument/list?venue=PAPER&limit=2", headers={"authorization": f"Bearer {session.access_token}"})
with urllib.request.urlopen(request) as answer:
    page = ListMarketInstruments200Response.model_validate_json(answer.read())

print(json.dumps({
    "instrument": instruments.data[0].instrument_id,
    "status": str(orders[0].status.value),
    "executedQuantity": orders[0].executed_quantity,
    "btc": next(b.total for b in portfolios[0].balances if b.security_symbol == "BTC"),
    "page": [i.instrumentId for i in page.data],
    "hasNext": page.pagination.hasNext,
}))
