"""The error catalogue the SDK knows is the server's (docs/errors.md), and errors carry their layer's fields."""
import re
from pathlib import Path

from cadenza_rt import RPC_ERROR_CODES, AuthError, ProtocolError, RpcError

DOC = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def test_the_sdk_knows_exactly_the_documented_codes():
    documented = {name: int(code) for code, name in re.findall(r"^\| (\d{5}) \| ([A-Z_]+) \|", DOC.read_text(), re.M)}
    assert len(documented) > 10, "the doc table was found"
    assert RPC_ERROR_CODES == documented


def test_error_fields_and_temporariness():
    e = RpcError("command.trade_order.submit", 14001, "insufficient balance")
    assert (e.name, e.module, e.temporary) == ("INSUFFICIENT_BALANCE", 14, False)
    assert RpcError("x", 99999, "new").name is None
    assert ProtocolError(111, "too many requests").temporary and not ProtocolError(103, "permission denied").temporary
    assert AuthError(0, "unreachable").temporary and not AuthError(400, "bad password", "invalid_credentials").temporary
