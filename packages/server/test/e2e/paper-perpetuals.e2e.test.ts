/**
 * PAPER perpetuals end to end, through the real server and the official centrifuge client: a 5× isolated long on
 * PAPER:BTC-PERP, its unrealised PnL following the mark price on the account channel, a funding settlement booked
 * to the account, and a liquidation when the simulated market falls. The PAPER venue runs on a fake clock the test
 * steps (funding every minute of it), so nothing waits on wall time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str, type FundingSettlement } from '@cadenza/domain';
import { createPaperVenue, type PaperVenue } from '@cadenza/venues/paper';
import { harness, type Client } from './rpc-harness.ts';

const PERP = 'PAPER:BTC-PERP';
const FUNDING_MS = 60_000;
// A second past a minute of wall time: the first funding comes when the test steps to it, not by chance.
let venueNow = Math.floor(Date.now() / FUNDING_MS) * FUNDING_MS + 1000;
let paper: PaperVenue | undefined;
const fundings: FundingSettlement[] = [];

const h = await harness({
  venues: ['MOCK'],
  extraVenues: [
    (deps) => {
      const market = { ...deps.market, onFunding: (f: FundingSettlement) => (fundings.push(f), deps.market.onFunding?.(f)) };
      paper = createPaperVenue({ ...deps, market, clock: { now: () => venueNow } }, { seed: 11, lively: false, historyMinutes: 0, instruments: ['BTC/USDT', 'BTC-PERP'], fundingIntervalMs: FUNDING_MS });
      return paper;
    },
  ],
});
const trader: Client = await h.user('perp-trader');

/** Advances the PAPER market by `ms` of its time, a second a step. */
function advance(ms: number): void {
  const end = venueNow + ms;
  while (venueNow < end) {
    venueNow = Math.min(end, venueNow + 1000);
    paper!.step(venueNow);
  }
}

/** Events are awaited, never timed: the long ceiling only names what never came on a very busy machine. */
const WAIT_MS = 60_000;
/** The next publication on the account channel matching `pred`, or an error naming `what`. */
const waitFor = (events: { waitFor(pred: (p: any) => boolean, timeoutMs?: number): Promise<any> }, what: string, pred: (p: any) => boolean) =>
  events.waitFor(pred, WAIT_MS).catch(() => assert.fail(`no ${what} on the account channel`));
const positionIn = (p: any) => p.positions?.find((x: any) => x.instrumentId === PERP);
const usdt = (p: any) => p.balances?.find((b: any) => b.securitySymbol === 'USDT');

test('PAPER:BTC-PERP: a 5× long follows the mark, pays funding and is liquidated when the market falls', async () => {
  const instruments = await trader.ok('query.instrument.list', { venue: 'PAPER' });
  const perp = instruments.find((i: any) => i.instrumentId === PERP);
  assert.equal(perp?.instrumentType, 'PERPETUAL');

  const account = await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'perps', marginMode: 'ISOLATED' } });
  assert.equal(account.marginMode, 'ISOLATED');
  const id = account.tradingAccountId;
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const portfolioEvents = () => events.publications.filter((p) => p.type === 'event.portfolio.updated').map((p) => p.data);

  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id, awaitClosed: true,
    tradeOrder: { instrumentId: PERP, orderSide: 'BUY', orderType: 'MARKET', quantity: '1', leverage: 5 },
  });
  assert.equal(order.status, 'FILLED');
  const opened = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  const pos = positionIn(opened);
  assert.deepEqual([pos.status, pos.positionSide, pos.quantity], ['OPEN', 'LONG', '1']);
  const entry = dec(pos.entryPrice);
  assert.ok(entry.gt(0));
  // Isolated at 5×: a fifth of the value traded is the position's collateral, locked in USDT.
  assert.equal(usdt(opened).isolatedMargin, str(dec(order.executedCost).div(5)));
  assert.equal(opened.summary.margin, str(dec(order.executedCost).div(5)));

  // The mark moves with the simulated market: the account channel carries the position valued at each new mark.
  const seen = events.publications.length;
  const isNew = (p: any) => events.publications.indexOf(p) >= seen;
  advance(5_000);
  const marked = await waitFor(events, 'marked position', (p) => isNew(p) && p.type === 'event.portfolio.updated' && positionIn(p.data)?.currentPrice !== undefined);
  const m = positionIn(marked.data);
  assert.equal(marked.data.updateMode, 'DELTA');
  assert.equal(m.unrealizedPnl, str(dec(m.currentPrice).sub(entry)), 'unrealised PnL of 1 BTC = mark − entry');
  const marks = new Set(portfolioEvents().map((d) => positionIn(d)?.currentPrice).filter(Boolean));
  advance(10_000);
  await waitFor(events, 'new mark', () => new Set(portfolioEvents().map((d) => positionIn(d)?.currentPrice).filter(Boolean)).size > marks.size);

  // Funding at the next minute of the venue's clock: the long pays rate × mark into the position's collateral.
  const before = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  advance(FUNDING_MS - (venueNow % FUNDING_MS) + 500);
  assert.equal(fundings.length, 1);
  const f = fundings[0]!;
  const payment = dec(f.rate).mul(f.markPrice).neg().toDecimalPlaces(8);
  await waitFor(events, `funding of ${payment}`, (p) => p.type === 'event.portfolio.updated' && usdt(p.data) !== undefined && dec(usdt(p.data).total).eq(dec(usdt(before).total).add(payment)));
  const funded = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  assert.equal(dec(usdt(funded).total).sub(usdt(before).total).toString(), payment.toString());
  assert.equal(dec(positionIn(funded).realizedPnl).sub(positionIn(before).realizedPnl).toString(), payment.toString(), 'funding is part of realised PnL');

  // The market falls 30 %: past the 20 % collateral, the domain closes the position with a reduce-only MARKET sell.
  // The simulator pulls its fair price back toward the last trade at each step, so the fall is held for a few steps.
  const sim = paper!.market('BTC-PERP')!.simulator;
  const low = sim.fair * 0.7;
  for (let i = 0; i < 30 && positionIn(await trader.ok('query.portfolio.get', { tradingAccountId: id }))?.status !== 'CLOSED'; i++) {
    sim.fair = low;
    advance(1_000);
  }
  await waitFor(events, 'closed position', (p) => p.type === 'event.portfolio.updated' && positionIn(p.data)?.status === 'CLOSED');
  const orders = await trader.ok('query.trade_order.list', { tradingAccountId: id });
  const liquidation = orders.find((o: any) => o.clientOrderId?.startsWith('liquidation-'));
  assert.ok(liquidation, 'a liquidation order was placed');
  assert.deepEqual([liquidation.orderSide, liquidation.orderType, liquidation.status], ['SELL', 'MARKET', 'FILLED']);
  const after = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  const closed = after.positions.find((x: any) => x.positionId === pos.positionId);
  assert.equal(closed.status, 'CLOSED');
  assert.ok(dec(closed.realizedPnl).lt(0), 'the liquidation realised the loss');
  assert.equal(usdt(after).isolatedMargin ?? '0', '0', 'no collateral stays locked');
  assert.ok(dec(usdt(after).total).gte(0));
});
