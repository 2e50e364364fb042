"""OrderBookState on its own: snapshots, diffs, offsets, gaps, duplicates, epochs and stale resyncs."""
from decimal import Decimal

from cadenza_rt import OrderBookState


def book(ts: int, bids=(("100", "1"),), asks=(("101", "1"),), kind="SNAPSHOT"):
    return {"updateType": kind, "venue": "PAPER", "symbol": "BTC/USDT", "orderBookType": "L2", "columns": ["price", "quantity"],
            "bids": [list(b) for b in bids], "asks": [list(a) for a in asks], "timestamp": ts}


def test_subscribe_snapshot_then_consecutive_publications_stay_in_sync():
    s = OrderBookState()
    assert s.on_subscribed(was_recovering=False, recovered=False, offset=10, epoch="e", data=book(1)) == "applied"
    assert s.synced and s.bids[0].price == Decimal("100")
    assert s.on_publication(book(2, bids=(("99", "2"), ("100.5", "1"))), 11) == "applied"
    assert [l.price for l in s.bids] == [Decimal("100.5"), Decimal("99")], "bids best first"
    assert s.gaps == 0 and s.synced


def test_an_offset_jump_is_a_gap_until_a_resync_applies():
    s = OrderBookState()
    s.on_subscribed(was_recovering=False, recovered=False, offset=10, epoch="e", data=book(1))
    assert s.on_publication(book(5), 14) == "resync"
    assert s.gaps == 1 and not s.synced, "the snapshot is shown but the book is not in sync"
    assert s.on_publication(book(6), 15) == "applied" and not s.synced
    assert s.on_resync(book(7)) == "applied" and s.synced


def test_duplicates_are_ignored_and_old_resyncs_never_roll_back():
    s = OrderBookState()
    s.on_subscribed(was_recovering=False, recovered=False, offset=1, epoch="e", data=book(10))
    assert s.on_publication(book(11), 2) == "applied"
    assert s.on_publication(book(12), 2) == "ignored"
    assert s.on_resync(book(5, bids=(("1", "1"),))) == "ignored"
    assert s.bids[0].price == Decimal("100")


def test_diffs_upsert_levels_and_zero_removes():
    s = OrderBookState()
    s.on_subscribed(was_recovering=False, recovered=False, offset=1, epoch="e", data=book(1, bids=(("100", "1"), ("99", "1"))))
    s.on_publication(book(2, bids=(("100", "0"), ("98", "3")), asks=(), kind="DIFF"), 2)
    assert [(l.price, l.quantity) for l in s.bids] == [(Decimal("99"), Decimal("1")), (Decimal("98"), Decimal("3"))]


def test_an_unrecovered_reconnect_counts_a_gap_and_a_snapshot_in_the_reply_repairs_it():
    s = OrderBookState()
    s.on_subscribed(was_recovering=False, recovered=False, offset=1, epoch="e", data=book(1))
    assert s.on_subscribed(was_recovering=True, recovered=False, offset=200, epoch="e", data=book(9)) == "applied"
    assert s.gaps == 1 and s.synced
    assert s.on_subscribed(was_recovering=True, recovered=False, offset=300, epoch="e", data=None) == "resync"
    assert s.gaps == 2 and not s.synced


def test_a_new_epoch_starts_a_new_stream():
    s = OrderBookState()
    s.on_subscribed(was_recovering=False, recovered=False, offset=50, epoch="a", data=book(1))
    s.on_subscribed(was_recovering=True, recovered=True, offset=3, epoch="b", data=None)
    assert s.on_publication(book(2), 4) == "applied" and s.gaps == 0
