/**
 * Derivative positions, margin, funding and liquidation through the domain's services, on the scripted venue listing
 * a linear perpetual (fills at mid ± 1, taker fee 0.1 % of the traded value in USDT).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcPortfolio } from '@cadenza/contract';
import { dec, str, type DomainError, type InstrumentSpec } from '@cadenza/domain';
import { ScriptedVenue, alice, samplePerpetual, testCadenza, type TestCadenza } from '@cadenza/testkit';

const PERP = 'PAPER:BTC-PERP';
const perp: InstrumentSpec = samplePerpetual();

async function world(account: { marginMode?: 'ISOLATED'; positionMode?: 'HEDGE' } = {}): Promise<TestCadenza & { accountId: string; venue: ScriptedVenue }> {
  const venue = new ScriptedVenue({ id: 'PAPER' });
  venue.instruments.push(perp);
  venue.setPrice('BTC-PERP', '50000');
  const t = await testCadenza({ venues: [venue] });
  const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'perps', ...account });
  return { ...t, accountId: a.tradingAccountId, venue };
}

const submit = (t: TestCadenza & { accountId: string }, tradeOrder: Record<string, unknown>, extra: { leverage?: unknown; positionId?: string } = {}) =>
  t.cadenza.orders.submit(alice, { tradingAccountId: t.accountId, tradeOrder: { instrumentId: PERP, orderType: 'MARKET', ...tradeOrder } as never, awaitClosed: true, ...extra });

const portfolio = (t: TestCadenza & { accountId: string }) => t.cadenza.portfolios.get(alice, t.accountId);
const usdt = (t: TestCadenza & { accountId: string }) => portfolio(t).balances!.find((b) => b.securitySymbol === 'USDT')!;
const mark = (t: TestCadenza, price: string, timestamp = t.clock.now()) =>
  t.cadenza.derivatives.onMarkPrice({ instrumentId: PERP, venue: 'PAPER', symbol: 'BTC-PERP', markPrice: price, timestamp });
const portfolioEvents = (t: TestCadenza): RpcPortfolio[] => t.events.events.filter((e) => e.event.type === 'event.portfolio.updated').map((e) => e.event.data as RpcPortfolio);
const lastPortfolioEvent = (t: TestCadenza): RpcPortfolio | undefined => portfolioEvents(t).at(-1);

describe('derivatives', () => {
  test('a 5× cross long: no assets change hands, the fee is paid, the position and margin show', async () => {
    const t = await world();
    const o = await submit(t, { orderSide: 'BUY', quantity: '1' }, { leverage: 5 });
    assert.equal(o.status, 'FILLED');
    assert.equal(o.positionId !== undefined, true);
    assert.deepEqual(o.fees, { USDT: '50.001' });
    const p = portfolio(t);
    assert.deepEqual(p.balances!.map((b) => [b.securitySymbol, b.total]), [['BTC', '1'], ['ETH', '10'], ['USDT', '99949.999']]);
    const [pos] = p.positions!;
    assert.deepEqual([pos!.instrumentId, pos!.status, pos!.positionSide, pos!.quantity, pos!.entryPrice, pos!.realizedPnl], [PERP, 'OPEN', 'LONG', '1', '50001', '-50.001']);
    assert.equal(pos!.positionId, o.positionId);
    mark(t, '51000');
    const s = portfolio(t).summary!;
    assert.equal(s.margin, '10200', 'initial margin: 51000 ÷ 5');
    assert.equal(s.marginRequirement, '255', 'maintenance: 0.5 % of 51000');
    assert.equal(s.riskExposure, '51000');
    assert.equal(usdt(t).crossMargin, '10200');
    const pushed = lastPortfolioEvent(t)!;
    assert.equal(pushed.updateMode, 'DELTA');
    assert.deepEqual(pushed.positions!.map((x) => [x.currentPrice, x.unrealizedPnl]), [['51000', '999']]);
    assert.equal(pushed.summary?.marginRequirement, '255');
  });

  test('orders beyond the margin available are refused with 14002; leverage beyond the maximum with 11000', async () => {
    const t = await world();
    await assert.rejects(submit(t, { orderSide: 'BUY', quantity: '20', orderType: 'LIMIT', limitPrice: '50000' }, { leverage: 5 }), (e: DomainError) => e.code === 14002 && /insufficient margin.*at 5×/.test(e.message));
    await assert.rejects(submit(t, { orderSide: 'BUY', quantity: '1' }, { leverage: 51 }), (e: DomainError) => e.code === 11000 && /leverage/.test(e.message));
    await assert.rejects(submit(t, { orderSide: 'BUY', quantity: '1' }, { leverage: 2.5 }), (e: DomainError) => e.code === 11000);
    assert.equal(usdt(t).locked, '0', 'nothing stays reserved');
    // The same 20 BTC at 50× fits: 1,000,000 ÷ 50 = 20,000 of margin.
    const ok = await submit(t, { orderSide: 'BUY', quantity: '20', orderType: 'LIMIT', limitPrice: '50000', timeInForce: 'GTC' }, { leverage: 50 });
    assert.equal(ok.status, 'ACCEPTED');
    assert.equal(usdt(t).locked, '21000', 'margin 20000 + taker fee 1000 reserved while the order rests');
    await assert.rejects(t.cadenza.orders.amend(alice, { tradingAccountId: t.accountId, tradeOrderId: ok.tradeOrderId, limitPrice: '49000' }),
      (e: DomainError) => e.code === 10002 && /not amended/.test(e.message));
    assert.equal(usdt(t).locked, '21000', 'a refused amendment leaves the margin reserved as it was');
  });

  test('netting: a sell through zero closes the long (realising its PnL) and opens a short; positionId closes exactly', async () => {
    const t = await world();
    const open = await submit(t, { orderSide: 'BUY', quantity: '2' }, { leverage: 10 });
    t.venue.setPrice('BTC-PERP', '51000');
    const flip = await submit(t, { orderSide: 'SELL', quantity: '3' });
    const positions = portfolio(t).positions!;
    assert.equal(positions.length, 1, 'the snapshot shows the slot\'s current position');
    const [short] = positions;
    assert.deepEqual([short!.positionSide, short!.quantity, short!.entryPrice, short!.status], ['SHORT', '1', '50999', 'OPEN']);
    assert.notEqual(short!.positionId, open.positionId);
    assert.equal(flip.positionId, short!.positionId);
    // The long realised (50999 − 50001) × 2 = 1996, less its fees: 100.002 on the buy and 2/3 of 152.997 (101.998) on the sell.
    const closed = portfolioEvents(t).flatMap((e) => e.positions ?? []).find((p) => p.positionId === open.positionId && p.status === 'CLOSED')!;
    assert.equal(closed.realizedPnl, '1794');
    const close = await submit(t, { orderSide: 'BUY', quantityType: 'POSITION_RATIO', quantity: '1' }, { positionId: short!.positionId });
    assert.equal(close.executedQuantity, '1');
    assert.equal(portfolio(t).positions![0]!.status, 'CLOSED');
    await assert.rejects(submit(t, { orderSide: 'BUY', quantity: '1' }, { positionId: short!.positionId }), (e: DomainError) => e.code === 14003);
  });

  test('hedge mode keeps a long and a short side by side; a positionId order reduces its own', async () => {
    const t = await world({ positionMode: 'HEDGE' });
    const long = await submit(t, { orderSide: 'BUY', quantity: '1' }, { leverage: 5 });
    const short = await submit(t, { orderSide: 'SELL', quantity: '0.5' }, { leverage: 5 });
    assert.deepEqual(portfolio(t).positions!.map((p) => [p.positionSide, p.quantity]), [['LONG', '1'], ['SHORT', '0.5']]);
    assert.equal(t.venue.submitted.at(-1)!.positionSide, 'SHORT');
    await submit(t, { orderSide: 'SELL', quantity: '0.4' }, { positionId: long.positionId });
    assert.equal(t.venue.submitted.at(-1)!.reduceOnly, true);
    assert.equal(t.venue.submitted.at(-1)!.positionSide, 'LONG');
    assert.deepEqual(portfolio(t).positions!.map((p) => [p.positionId, p.positionSide, p.quantity]), [[long.positionId, 'LONG', '0.6'], [short.positionId, 'SHORT', '0.5']]);
    await assert.rejects(submit(t, { orderSide: 'BUY', quantity: '0.1' }, { positionId: long.positionId }), (e: DomainError) => e.code === 11000, 'a BUY cannot reduce a LONG');
  });

  test('isolated: the position\'s collateral is locked, released with its PnL when it closes', async () => {
    const t = await world({ marginMode: 'ISOLATED' });
    await submit(t, { orderSide: 'SELL', quantity: '1' }, { leverage: 10 });
    assert.equal(usdt(t).locked, '4999.9', 'collateral 49999 ÷ 10');
    assert.equal(usdt(t).isolatedMargin, '4999.9');
    t.venue.setPrice('BTC-PERP', '49000');
    await submit(t, { orderSide: 'BUY', quantityType: 'POSITION_PERCENTAGE', quantity: '100' });
    assert.equal(usdt(t).locked, '0');
    // 100000 − fee 49.999 + (49999 − 49001) − fee 49.001
    assert.equal(usdt(t).total, '100899');
  });

  test('funding: a long pays rate × value at mark at each settlement, once, into realised PnL and the wallet', async () => {
    const t = await world();
    await submit(t, { orderSide: 'BUY', quantity: '2' }, { leverage: 5 });
    const before = usdt(t).total;
    const settle = { instrumentId: PERP, venue: 'PAPER', symbol: 'BTC-PERP', rate: '0.0001', markPrice: '50500', fundingTime: t.clock.now() + 1000 };
    t.cadenza.derivatives.onFunding(settle);
    t.cadenza.derivatives.onFunding(settle);
    assert.equal(str(dec(before!).sub(usdt(t).total!)), '10.1', 'paid once: 2 × 50500 × 0.0001');
    const p = portfolio(t).positions![0]!;
    assert.equal(p.realizedPnl, '-110.102', 'fee 100.002 and funding 10.1');
    t.cadenza.derivatives.onFunding({ ...settle, rate: '-0.0002', fundingTime: settle.fundingTime + 8 * 3_600_000 });
    assert.equal(portfolio(t).positions![0]!.realizedPnl, '-89.902', 'a negative rate pays the long 20.2');
  });

  test('liquidation: a mark below maintenance closes the position on the venue with a reduce-only MARKET order', async () => {
    const t = await world();
    await submit(t, { orderSide: 'BUY', quantity: '9' }, { leverage: 5 });
    mark(t, '40000');
    assert.equal(portfolio(t).positions![0]!.status, 'OPEN', 'equity ≈ 9,946 is still above maintenance 1,800');
    t.venue.setPrice('BTC-PERP', '39000');
    mark(t, '39000');
    const liquidation = t.venue.submitted.at(-1)!;
    assert.match(liquidation.clientOrderId, /^liquidation-/);
    assert.deepEqual([liquidation.side, liquidation.orderType, liquidation.quantity, liquidation.reduceOnly], ['SELL', 'MARKET', '9', true]);
    const [p] = portfolio(t).positions!;
    assert.equal(p!.status, 'CLOSED');
    assert.ok(Number(usdt(t).total) >= 0);
    mark(t, '38000');
    assert.equal(t.venue.submitted.length, 2, 'a closed position is not liquidated again');
  });
});
