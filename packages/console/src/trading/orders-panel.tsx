/** The account's orders: open ones (with Cancel), the history of closed ones, and the fills. */
import { useState } from 'preact/hooks';
import type { CadenzaClient, RpcInstrument, RpcTradeOrder } from '@cadenza/client';
import { isOrderClosed } from '@cadenza/client';
import { Tabs } from '../ui/tabs.tsx';
import { compare, decimalsOf, fixed, grouped } from '../ui/decimal.ts';
import { shortDateTime } from '../ui/time.ts';
import { errorText } from '../ui/errors.ts';
import { TICKET_TYPES } from './ticket-rules.ts';

interface Props {
  client: CadenzaClient;
  accountId: string | undefined;
  orders: RpcTradeOrder[];
  instruments: Map<string, RpcInstrument>;
  onChanged(order: RpcTradeOrder): void;
}

const isOpen = (o: RpcTradeOrder) => !isOrderClosed(o);
const typeLabel = (t: string | null | undefined) => TICKET_TYPES.find((x) => x.value === t)?.label ?? (t ?? '').toLowerCase().replace(/_/g, ' ');
const statusLabel = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/_/g, ' ');

export function OrdersPanel({ client, accountId, orders, instruments, onChanged }: Props) {
  const open = orders.filter(isOpen);
  const closed = orders.filter((o) => !isOpen(o));
  const fills = orders.filter((o) => o.executedQuantity && compare(o.executedQuantity, '0') === 1);
  const [cancelling, setCancelling] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();

  const fmt = (o: RpcTradeOrder) => {
    const inst = instruments.get(o.instrumentId ?? '');
    const pd = decimalsOf(inst?.pipSize);
    const qd = decimalsOf(inst?.lotSize);
    return {
      symbol: inst?.symbol ?? o.instrumentId?.split(':')[1] ?? '',
      price: (p: string | undefined) => (p ? grouped(fixed(p, pd)) : '—'),
      qty: (q: string | undefined) => (q ? fixed(q, qd) : '—'),
    };
  };

  const cancel = async (o: RpcTradeOrder) => {
    const id = o.tradeOrderId!;
    setCancelling((s) => new Set(s).add(id));
    setError(undefined);
    try {
      onChanged(await client.cancelOrder(accountId!, id));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setCancelling((s) => {
        const n = new Set(s);
        n.delete(id);
        return n;
      });
    }
  };

  const side = (o: RpcTradeOrder) => <td class={o.orderSide === 'SELL' ? 'ask' : 'bid'}>{o.orderSide === 'SELL' ? 'Sell' : 'Buy'}</td>;
  const empty = (cols: number, text: string) => (
    <tr>
      <td colSpan={cols} class="muted empty">
        {accountId ? text : 'Choose or create a trading account'}
      </td>
    </tr>
  );

  return (
    <>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <Tabs
        label="Orders"
        tabs={[
          {
            id: 'open',
            label: <>Open orders <span class="count">{open.length}</span></>,
            render: () => (
              <div class="table-scroll">
                <table aria-label="Open orders" class="grid">
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Instrument</th>
                      <th scope="col">Side</th>
                      <th scope="col">Type</th>
                      <th scope="col" class="num">Price</th>
                      <th scope="col" class="num">Quantity</th>
                      <th scope="col" class="num">Filled</th>
                      <th scope="col">Status</th>
                      <th scope="col"><span class="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {open.map((o) => {
                      const f = fmt(o);
                      const busy = cancelling.has(o.tradeOrderId!) || o.status === 'PENDING_CANCEL';
                      return (
                        <tr key={o.tradeOrderId}>
                          <td class="muted">{shortDateTime(o.createdAt)}</td>
                          <td>{f.symbol}</td>
                          {side(o)}
                          <td>{typeLabel(o.orderType)}</td>
                          <td class="num">
                            {f.price(o.limitPrice)}
                            {o.stopPrice && <span class="muted"> stop {f.price(o.stopPrice)}</span>}
                          </td>
                          <td class="num">{f.qty(o.quantity)}</td>
                          <td class="num">{f.qty(o.executedQuantity ?? '0')}</td>
                          <td>{statusLabel(o.status)}</td>
                          <td>
                            <button
                              type="button"
                              class="small"
                              disabled={busy}
                              aria-label={`Cancel ${o.orderSide === 'SELL' ? 'sell' : 'buy'} ${f.qty(o.quantity)} ${f.symbol}${o.limitPrice ? ` at ${f.price(o.limitPrice)}` : ''}`}
                              onClick={() => void cancel(o)}
                            >
                              {busy ? 'Cancelling…' : 'Cancel'}
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                    {open.length === 0 && empty(9, 'No open orders')}
                  </tbody>
                </table>
              </div>
            ),
          },
          {
            id: 'history',
            label: 'Order history',
            render: () => (
              <div class="table-scroll">
                <table aria-label="Order history" class="grid">
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Instrument</th>
                      <th scope="col">Side</th>
                      <th scope="col">Type</th>
                      <th scope="col" class="num">Price</th>
                      <th scope="col" class="num">Quantity</th>
                      <th scope="col" class="num">Filled</th>
                      <th scope="col" class="num">Avg price</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {closed.map((o) => {
                      const f = fmt(o);
                      return (
                        <tr key={o.tradeOrderId}>
                          <td class="muted">{shortDateTime(o.updatedAt ?? o.createdAt)}</td>
                          <td>{f.symbol}</td>
                          {side(o)}
                          <td>{typeLabel(o.orderType)}</td>
                          <td class="num">{f.price(o.limitPrice)}</td>
                          <td class="num">{f.qty(o.quantity)}</td>
                          <td class="num">{f.qty(o.executedQuantity ?? '0')}</td>
                          <td class="num">{f.price(o.executedPrice)}</td>
                          <td title={o.rejectReason ?? o.cancelReason ?? ''}>{statusLabel(o.status)}</td>
                        </tr>
                      );
                    })}
                    {closed.length === 0 && empty(9, 'No closed orders yet')}
                  </tbody>
                </table>
              </div>
            ),
          },
          {
            id: 'fills',
            label: 'Fills',
            render: () => (
              <div class="table-scroll">
                <table aria-label="Fills" class="grid">
                  <thead>
                    <tr>
                      <th scope="col">Last fill</th>
                      <th scope="col">Instrument</th>
                      <th scope="col">Side</th>
                      <th scope="col" class="num">Filled</th>
                      <th scope="col" class="num">Avg price</th>
                      <th scope="col" class="num">Cost</th>
                      <th scope="col" class="num">Fees</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fills.map((o) => {
                      const f = fmt(o);
                      return (
                        <tr key={o.tradeOrderId}>
                          <td class="muted">{shortDateTime(o.lastExecutionAt ?? o.updatedAt)}</td>
                          <td>{f.symbol}</td>
                          {side(o)}
                          <td class="num">{f.qty(o.executedQuantity)}</td>
                          <td class="num">{f.price(o.executedPrice)}</td>
                          <td class="num">{o.executedCost ? grouped(fixed(o.executedCost, 2)) : '—'}</td>
                          <td class="num">{(o.fees ?? []).map((x) => `${x.quantity} ${x.asset ?? ''}`).join(', ') || '—'}</td>
                        </tr>
                      );
                    })}
                    {fills.length === 0 && empty(7, 'No fills yet')}
                  </tbody>
                </table>
              </div>
            ),
          },
        ]}
      />
    </>
  );
}
