/** Last trade, best bid, best ask and spread of the instrument in view. */
import type { MarketTrade, RpcInstrument } from '@cadenza/client';
import type { BookSnapshot } from './use-market.ts';
import { decimalsOf, fixed, grouped } from '../ui/decimal.ts';

export function MarketStats({ inst, book, last }: { inst: RpcInstrument | undefined; book: BookSnapshot; last: MarketTrade | undefined }) {
  const pd = decimalsOf(inst?.pipSize);
  const p = (v: string | undefined) => (v ? grouped(fixed(v, pd)) : '—');
  return (
    <dl class="stats" aria-label="Market summary">
      <div>
        <dt>Last</dt>
        <dd class={last?.side === 'SELL' ? 'ask' : last ? 'bid' : ''}>{p(last?.price)}</dd>
      </div>
      <div>
        <dt>Bid</dt>
        <dd class="bid" data-testid="best-bid">
          {p(book.bids[0]?.price)}
        </dd>
      </div>
      <div>
        <dt>Ask</dt>
        <dd class="ask" data-testid="best-ask">
          {p(book.asks[0]?.price)}
        </dd>
      </div>
      <div>
        <dt>Spread</dt>
        <dd>{p(book.spread)}</dd>
      </div>
    </dl>
  );
}
