/**
 * The dealer's price from a venue that reads its book on the instrument's grid (`Venue.readGridBook`, PAPER's) is the
 * price from the same book read as text (`getBook`): two dealers, the same spread and risk threshold, each linked to a
 * venue showing the same book — one read as text, one on its grid — answer every request alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuoteRfqRequest } from '@cadenza/contract';
import { dec, str, type BookSnapshot, type GridBook } from '@cadenza/domain';
import { ScriptedVenue, testCadenza, admin, alice } from '@cadenza/testkit';

/** The scripted book, also read on its grid; counts how each way was read. */
class GridVenue extends ScriptedVenue {
  gridReads = 0;
  bookReads = 0;

  override getBook(symbol: string, depth: number): BookSnapshot | undefined {
    this.bookReads++;
    return super.getBook(symbol, depth);
  }

  readGridBook(symbol: string, side: 'bids' | 'asks', depth: number, into: GridBook): boolean {
    const book = super.getBook(symbol, Math.max(depth, 1));
    const spec = this.instruments.find((i) => i.symbol === symbol);
    if (!book || !spec) return false;
    this.gridReads++;
    const levels = book[side].slice(0, depth);
    into.tickSize = spec.tickSize;
    into.lotSize = spec.lotSize;
    into.count = levels.length;
    levels.forEach((l, i) => {
      into.ticks[i] = dec(l.price).div(spec.tickSize).toNumber();
      into.lots[i] = dec(l.quantity).div(spec.lotSize).toNumber();
    });
    into.bestBid = book.bids[0] && dec(book.bids[0].price).div(spec.tickSize).toNumber();
    into.bestAsk = book.asks[0] && dec(book.asks[0].price).div(spec.tickSize).toNumber();
    return true;
  }
}

const TIER = '44444444-4444-4444-8444-444444444444';

test('a book read on its grid prices every request as the same book read as text: price, size, refusals, risk threshold', async () => {
  const grid = new GridVenue({ id: 'MOCK' });
  const { cadenza: z } = await testCadenza({ venues: [new ScriptedVenue(), grid] });
  const dealerOn = (venue: 'PAPER' | 'MOCK') => {
    const dealer = z.otc.dealers.create(admin, { name: `on ${venue}`, baseCurrencies: ['USDT'], riskThreshold: '100000', config: { pricingProfileId: TIER, pricingProfiles: { [TIER]: { spreadBps: 7.5 } } } });
    z.otc.dealers.link(dealer.dealerAccountId, z.tradingAccounts.create(admin, { venue }).tradingAccountId);
    return dealer.dealerAccountId;
  };
  const asText = dealerOn('PAPER');
  const onGrid = dealerOn('MOCK');
  const sizes: Array<Partial<QuoteRfqRequest>> = [];
  for (const q of ['0.0001', '0.00015', '0.5', '1', '1.0001', '1.99999', '2.2', '3.7', '9.9999', '10', '10.5', '25']) sizes.push({ quantity: q });
  for (const q of ['1', '5', '49', '50000.5', '99999.99', '150000', '600000']) sizes.push({ quoteQuantity: q });
  let compared = 0;
  for (const instrumentId of ['BTC/USDT', 'ETH/USDT']) {
    for (const orderSide of ['BUY', 'SELL'] as const) {
      for (const size of sizes) {
        const ask = (dealerAccountId: string) => z.otc.quotes.rfq(alice, { dealerAccountId, instrumentId, orderSide, ...size });
        const [text, onItsGrid] = [await ask(asText), await ask(onGrid)];
        const what = JSON.stringify({ instrumentId, orderSide, ...size });
        assert.deepEqual([onItsGrid.status, onItsGrid.price, onItsGrid.quantity, onItsGrid.quoteQuantity, onItsGrid.rejectReason], [text.status, text.price, text.quantity, text.quoteQuantity, text.rejectReason], what);
        compared++;
      }
    }
  }
  // What was compared: prices walked past the top level, and the risk threshold's refusal just above the mid's value.
  const buy = (quantity: string) => z.otc.quotes.rfq(alice, { dealerAccountId: onGrid, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity });
  assert.equal((await buy('1.5')).price, str(dec('50001').add(dec('50002').mul('0.5')).div('1.5').mul('1.00075').div('0.01').ceil().mul('0.01')));
  assert.equal((await buy('1.99999')).status, 'CREATED');
  assert.match((await buy('2.0001')).rejectReason ?? '', /risk threshold/);
  assert.equal(compared, 2 * 2 * sizes.length);
  assert.ok(grid.gridReads >= compared, 'the grid dealer read the grid');
  assert.equal(grid.bookReads, 0, 'and never the texts');
});
