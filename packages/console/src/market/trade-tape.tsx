/** The public trades, newest first, coloured by the taker's side. */
import type { MarketTrade, RpcInstrument } from '@cadenza/client';
import { decimalsOf, fixed, grouped } from '../ui/decimal.ts';
import { clockTime } from '../ui/time.ts';

export function TradeTape({ inst, trades }: { inst: RpcInstrument | undefined; trades: MarketTrade[] }) {
  const pd = decimalsOf(inst?.pipSize);
  const qd = decimalsOf(inst?.lotSize);
  return (
    <table class="tape" aria-label="Trades">
      <thead>
        <tr>
          <th scope="col">Price</th>
          <th scope="col">Size</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {trades.map((t) => (
          <tr key={t.tradeId} class={t.side === 'SELL' ? 'ask' : 'bid'}>
            <td class="price">{grouped(fixed(t.price, pd))}</td>
            <td>{fixed(t.quantity, qd)}</td>
            <td class="muted">{clockTime(t.timestamp)}</td>
          </tr>
        ))}
        {trades.length === 0 && (
          <tr>
            <td colSpan={3} class="muted empty">
              No trades yet
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
