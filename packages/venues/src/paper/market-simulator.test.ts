import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPaperVenue, type PaperVenue } from './paper-venue.ts';
import { recordingDeps } from '@cadenza/testkit';

function quietVenue(seed: number, instruments: string[]) {
  const deps = recordingDeps();
  // Market data is not under test here: drop it so hours of simulation stay cheap.
  deps.market = { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} };
  const venue = createPaperVenue(deps, { seed, instruments, lively: false, historyMinutes: 0 });
  return { deps, venue };
}

function topOfBook(venue: PaperVenue, symbol: string) {
  const m = venue.market(symbol)!;
  const b = m.engine.book;
  return { bid: b.bestBid(), ask: b.bestAsk(), bids: b.bids.depth, asks: b.asks.depth, last: m.engine.lastTradeTicks, trades: m.engine.tradeCount };
}

describe('simulated market', () => {
  test('keeps a healthy book for three accelerated hours (spread and depth in bounds, price sane)', () => {
    const cpuBefore = process.cpuUsage();
    const symbols = ['BTC/USDT', 'ETH/USDT', 'XRP/USDT'];
    const { deps, venue } = quietVenue(11, symbols);
    const startMid = new Map<string, number>();
    const worst = new Map<string, { spreadBps: number; levels: number; depthQuote: number; drift: number }>();
    for (let second = 1; second <= 3 * 3600; second++) {
      deps.now += 1000;
      venue.step();
      if (second % 15) continue;
      for (const symbol of symbols) {
        const m = venue.market(symbol)!;
        const book = m.engine.book;
        const bid = book.bestBid();
        const ask = book.bestAsk();
        assert.ok(bid !== undefined && ask !== undefined, `${symbol}: both sides present at t+${second}s`);
        assert.ok(bid < ask, `${symbol}: book not crossed`);
        const mid = (bid + ask) / 2;
        if (!startMid.has(symbol)) startMid.set(symbol, mid);
        // Quote notional resting within 0.5 % of the mid, on the thinner side.
        let depthQuote = Infinity;
        for (const side of [book.bids, book.asks]) {
          let notional = 0;
          for (let i = 0; i < side.depth; i++) {
            const level = side.levelAt(i)!;
            if (Math.abs(level.priceTicks - mid) / mid > 0.005) break;
            notional += level.priceTicks * level.lots;
          }
          depthQuote = Math.min(depthQuote, notional * Number(m.scale.tickSize) * Number(m.scale.lotSize));
        }
        const w = worst.get(symbol) ?? { spreadBps: 0, levels: Infinity, depthQuote: Infinity, drift: 0 };
        w.spreadBps = Math.max(w.spreadBps, ((ask - bid) / mid) * 10_000);
        w.levels = Math.min(w.levels, book.bids.depth, book.asks.depth);
        w.depthQuote = Math.min(w.depthQuote, depthQuote);
        w.drift = Math.max(w.drift, Math.abs(mid / startMid.get(symbol)! - 1));
        worst.set(symbol, w);
      }
    }
    const bounds: Record<string, { spreadBps: number; depthQuote: number }> = {
      'BTC/USDT': { spreadBps: 15, depthQuote: 1_000_000 },
      'ETH/USDT': { spreadBps: 20, depthQuote: 500_000 },
      'XRP/USDT': { spreadBps: 40, depthQuote: 100_000 },
    };
    for (const symbol of symbols) {
      const w = worst.get(symbol)!;
      assert.ok(w.spreadBps <= bounds[symbol]!.spreadBps, `${symbol}: widest spread ${w.spreadBps.toFixed(1)} bps`);
      assert.ok(w.levels >= 10, `${symbol}: at least 10 levels per side (saw ${w.levels})`);
      assert.ok(w.depthQuote >= bounds[symbol]!.depthQuote, `${symbol}: depth within 0.5 % ${Math.round(w.depthQuote)}`);
      assert.ok(w.drift < 0.15, `${symbol}: price stays within 15 % of its start over 3 h (drift ${(w.drift * 100).toFixed(1)} %)`);
      assert.ok(venue.market(symbol)!.engine.tradeCount > 3 * 3600, `${symbol}: the market trades (≥ 1 trade/s)`);
    }
    assert.deepEqual(deps.errors, []);
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time rather than wall time, so a busy shared machine does not make the bound flaky.
    assert.ok((cpu.user + cpu.system) / 1000 < 10_000, 'three simulated hours cost well under 10 s of CPU');
  });

  test('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const { deps, venue } = quietVenue(seed, ['BTC/USDT', 'SOL/USDT']);
      for (let i = 0; i < 600; i++) {
        deps.now += 250;
        venue.step();
      }
      return [topOfBook(venue, 'BTC/USDT'), topOfBook(venue, 'SOL/USDT'), venue.getBook('BTC/USDT', 10)];
    };
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  test('resumes after a long pause without replaying every missed order', () => {
    const { deps, venue } = quietVenue(4, ['BTC/USDT']);
    deps.now += 1000;
    venue.step();
    const before = venue.market('BTC/USDT')!.engine.tradeCount;
    const cpu0 = process.cpuUsage();
    deps.now += 6 * 3600 * 1000;
    venue.step();
    const cpu = process.cpuUsage(cpu0);
    assert.ok((cpu.user + cpu.system) / 1000 < 200, 'a six-hour gap is one ordinary step');
    assert.ok(venue.market('BTC/USDT')!.engine.tradeCount - before < 200);
    const top = topOfBook(venue, 'BTC/USDT');
    assert.ok(top.bid! < top.ask!, 'the book is healthy afterwards');
    assert.ok(top.bids >= 10 && top.asks >= 10);
  });

  test("an instrument's market does not depend on which other instruments are listed", () => {
    const alone = quietVenue(9, ['ETH/USDT']);
    const withOthers = quietVenue(9, ['BTC/USDT', 'ETH/USDT']);
    for (let i = 0; i < 200; i++) {
      alone.deps.now += 500;
      withOthers.deps.now += 500;
      alone.venue.step();
      withOthers.venue.step();
    }
    // Order ids are venue-wide, so compare prices and sizes, not ids.
    assert.deepEqual(alone.venue.getBook('ETH/USDT', 20)!.bids, withOthers.venue.getBook('ETH/USDT', 20)!.bids);
  });
});
