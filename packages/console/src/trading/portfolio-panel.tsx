/** Balances (free, locked, total) and positions of the account, as the account channel pushes them. */
import type { RpcPortfolio } from '@cadenza/client';
import { compare, fixed, grouped } from '../ui/decimal.ts';

/**
 * An amount as the panel shows it: 4 decimals from 1 up, 8 below (dust stays visible), trailing zeros dropped;
 * the exact value is in the cell's title.
 */
function amount(v: string | undefined): string {
  if (!v) return '—';
  const f = fixed(v, compare(v.replace('-', ''), '1')! >= 0 ? 4 : 8);
  return grouped(f.includes('.') ? f.replace(/\.?0+$/, '') : f);
}

export function PortfolioPanel({ portfolio, accountId }: { portfolio: RpcPortfolio | undefined; accountId: string | undefined }) {
  const balances = (portfolio?.balances ?? []).filter((b) => b.total && compare(b.total, '0') !== 0).sort((a, b) => (a.securitySymbol ?? '').localeCompare(b.securitySymbol ?? ''));
  const positions = (portfolio?.positions ?? []).filter((p) => p.quantity && compare(p.quantity, '0') !== 0);
  return (
    <div class="portfolio">
      <table aria-label="Balances" class="grid">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col" class="num">Free</th>
            <th scope="col" class="num">Locked</th>
            <th scope="col" class="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {balances.map((b) => (
            <tr key={b.securitySymbol}>
              <th scope="row">{b.securitySymbol}</th>
              <td class="num" title={b.free}>{amount(b.free)}</td>
              <td class="num muted" title={b.locked}>{amount(b.locked)}</td>
              <td class="num" title={b.total}>{amount(b.total)}</td>
            </tr>
          ))}
          {balances.length === 0 && (
            <tr>
              <td colSpan={4} class="muted empty">
                {accountId ? (portfolio ? 'No balances' : 'Loading…') : 'No account yet'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {positions.length > 0 && (
        <table aria-label="Positions" class="grid">
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col" class="num">Quantity</th>
              <th scope="col" class="num">Entry</th>
              <th scope="col" class="num">Unreal. P&L</th>
            </tr>
          </thead>
          <tbody>
            {positions.map((p) => (
              <tr key={p.positionId ?? p.instrumentId}>
                <th scope="row">{p.instrumentId?.split(':')[1] ?? p.securitySymbol}</th>
                <td class="num">{amount(p.quantity)}</td>
                <td class="num">{amount(p.entryPrice)}</td>
                <td class={`num ${p.unrealizedPnl?.startsWith('-') ? 'ask' : 'bid'}`}>{amount(p.unrealizedPnl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
