/**
 * The ladder: asks above (best ask at the bottom), the spread, bids below (best bid at the top), each level with
 * its size, the running total from the touch, and a depth bar as long as that total relative to the deeper side.
 * Clicking a level puts its price into the order ticket.
 */
import type { BookLevel, RpcInstrument } from '@cadenza/client';
import type { BookSnapshot } from './use-market.ts';
import type { FeedStatus } from './feed-status.tsx';
import { addDecimal, decimalsOf, fixed, grouped, ratio } from '../ui/decimal.ts';

interface Row {
  level: BookLevel;
  total: string;
}

function withTotals(levels: readonly BookLevel[], n: number): Row[] {
  let total = '0';
  return levels.slice(0, n).map((level) => ({ level, total: (total = addDecimal(total, level.quantity)) }));
}

export function OrderBookLadder({ inst, book, status, levels, onPickPrice }: {
  inst: RpcInstrument | undefined;
  book: BookSnapshot;
  status: FeedStatus;
  levels: number;
  onPickPrice: (price: string) => void;
}) {
  const pd = decimalsOf(inst?.pipSize);
  const qd = decimalsOf(inst?.lotSize);
  const asks = withTotals(book.asks, levels);
  const bids = withTotals(book.bids, levels);
  const deepest = [asks.at(-1)?.total ?? '0', bids.at(-1)?.total ?? '0'].reduce((a, b) => (Number(a) >= Number(b) ? a : b));
  const row = (side: 'ask' | 'bid') => ({ level, total }: Row) => (
    <tr
      key={level.price}
      class={side}
      style={`--depth:${(ratio(total, deepest) * 100).toFixed(1)}%`}
      onClick={() => onPickPrice(level.price)}
      title="Use this price in the order ticket"
    >
      <td class="price">{grouped(fixed(level.price, pd))}</td>
      <td>{fixed(level.quantity, qd)}</td>
      <td>{fixed(total, qd)}</td>
    </tr>
  );
  const spreadBps = book.spread && book.mid && Number(book.mid) > 0 ? ((Number(book.spread) / Number(book.mid)) * 10_000).toFixed(1) : undefined;
  return (
    <table class={`ladder ${status}`} aria-label="Order book" aria-busy={status !== 'live'}>
      <thead>
        <tr>
          <th scope="col">Price{inst?.quoteAsset ? ` (${inst.quoteAsset})` : ''}</th>
          <th scope="col">Size{inst?.baseAsset ? ` (${inst.baseAsset})` : ''}</th>
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody class="asks">{asks.slice().reverse().map(row('ask'))}</tbody>
      <tbody class="spread-row">
        <tr>
          <td colSpan={3}>
            {book.spread ? (
              <>
                Spread <strong>{grouped(fixed(book.spread, pd))}</strong>
                {spreadBps && <span class="muted"> · {spreadBps} bps</span>}
              </>
            ) : (
              <span class="muted">{book.timestamp ? 'One side of the book is empty' : 'Waiting for the book…'}</span>
            )}
          </td>
        </tr>
      </tbody>
      <tbody class="bids">{bids.map(row('bid'))}</tbody>
    </table>
  );
}
