/** The account's orders: open ones (with Cancel), the history of closed ones, and the fills. */
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
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

/** An order with its numbers written at its instrument's precision. */
interface Shown {
  order: RpcTradeOrder;
  symbol: string;
  price(p: string | undefined): string;
  qty(q: string | undefined): string;
}

interface Column {
  label: ComponentChildren;
  num?: boolean;
  cell(s: Shown): ComponentChildren;
}

const typeLabel = (t: string | null | undefined) => TICKET_TYPES.find((x) => x.value === t)?.label ?? (t ?? '').toLowerCase().replace(/_/g, ' ');
const statusLabel = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/_/g, ' ');
const sideCell = ({ order: o }: Shown) => <span class={o.orderSide === 'SELL' ? 'ask' : 'bid'}>{o.orderSide === 'SELL' ? 'Sell' : 'Buy'}</span>;

const COMMON: Column[] = [
  { label: 'Instrument', cell: (s) => s.symbol },
  { label: 'Side', cell: sideCell },
];
const TYPE: Column = { label: 'Type', cell: (s) => typeLabel(s.order.orderType) };
const QUANTITY: Column = { label: 'Quantity', num: true, cell: (s) => s.qty(s.order.quantity) };
const FILLED: Column = { label: 'Filled', num: true, cell: (s) => s.qty(s.order.executedQuantity ?? '0') };
const AVG: Column = { label: 'Avg price', num: true, cell: (s) => s.price(s.order.executedPrice) };

function OrderTable({ name, columns, rows, empty }: { name: string; columns: Column[]; rows: Shown[]; empty: string }) {
  return (
    <div class="table-scroll">
      <table aria-label={name} class="grid">
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" class={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.order.tradeOrderId}>
              {columns.map((c, i) => (
                <td key={i} class={c.num ? 'num' : undefined}>
                  {c.cell(s)}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="muted empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function OrdersPanel({ client, accountId, orders, instruments, onChanged }: Props) {
  const [cancelling, setCancelling] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();

  const shown = orders.map((order): Shown => {
    const inst = instruments.get(order.instrumentId ?? '');
    const pd = decimalsOf(inst?.pipSize);
    const qd = decimalsOf(inst?.lotSize);
    return {
      order,
      symbol: inst?.symbol ?? order.instrumentId?.split(':')[1] ?? '',
      price: (p) => (p ? grouped(fixed(p, pd)) : '—'),
      qty: (q) => (q ? fixed(q, qd) : '—'),
    };
  });
  const open = shown.filter((s) => !isOrderClosed(s.order));
  const closed = shown.filter((s) => isOrderClosed(s.order));
  const fills = shown.filter((s) => s.order.executedQuantity && compare(s.order.executedQuantity, '0') === 1);

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

  const cancelButton = (s: Shown) => {
    const o = s.order;
    const busy = cancelling.has(o.tradeOrderId!) || o.status === 'PENDING_CANCEL';
    const what = `${o.orderSide === 'SELL' ? 'sell' : 'buy'} ${s.qty(o.quantity)} ${s.symbol}${o.limitPrice ? ` at ${s.price(o.limitPrice)}` : ''}`;
    return (
      <button type="button" class="small" disabled={busy} aria-label={`Cancel ${what}`} onClick={() => void cancel(o)}>
        {busy ? 'Cancelling…' : 'Cancel'}
      </button>
    );
  };
  const none = (text: string) => (accountId ? text : 'Choose or create a trading account');

  const openColumns: Column[] = [
    { label: 'Time', cell: (s) => <span class="muted">{shortDateTime(s.order.createdAt)}</span> },
    ...COMMON,
    TYPE,
    {
      label: 'Price',
      num: true,
      cell: (s) => (
        <>
          {s.price(s.order.limitPrice)}
          {s.order.stopPrice && <span class="muted"> stop {s.price(s.order.stopPrice)}</span>}
        </>
      ),
    },
    QUANTITY,
    FILLED,
    { label: 'Status', cell: (s) => statusLabel(s.order.status) },
    { label: <span class="sr-only">Actions</span>, cell: cancelButton },
  ];
  const historyColumns: Column[] = [
    { label: 'Time', cell: (s) => <span class="muted">{shortDateTime(s.order.updatedAt ?? s.order.createdAt)}</span> },
    ...COMMON,
    TYPE,
    { label: 'Price', num: true, cell: (s) => s.price(s.order.limitPrice) },
    QUANTITY,
    FILLED,
    AVG,
    { label: 'Status', cell: (s) => <span title={s.order.rejectReason ?? s.order.cancelReason ?? ''}>{statusLabel(s.order.status)}</span> },
  ];
  const fillColumns: Column[] = [
    { label: 'Last fill', cell: (s) => <span class="muted">{shortDateTime(s.order.lastExecutionAt ?? s.order.updatedAt)}</span> },
    ...COMMON,
    { label: 'Filled', num: true, cell: (s) => s.qty(s.order.executedQuantity) },
    AVG,
    { label: 'Cost', num: true, cell: (s) => (s.order.executedCost ? grouped(fixed(s.order.executedCost, 2)) : '—') },
    { label: 'Fees', num: true, cell: (s) => (s.order.fees ?? []).map((x) => `${x.quantity} ${x.asset ?? ''}`).join(', ') || '—' },
  ];

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
            label: (
              <>
                Open orders <span class="count">{open.length}</span>
              </>
            ),
            render: () => <OrderTable name="Open orders" columns={openColumns} rows={open} empty={none('No open orders')} />,
          },
          { id: 'history', label: 'Order history', render: () => <OrderTable name="Order history" columns={historyColumns} rows={closed} empty={none('No closed orders yet')} /> },
          { id: 'fills', label: 'Fills', render: () => <OrderTable name="Fills" columns={fillColumns} rows={fills} empty={none('No fills yet')} /> },
        ]}
      />
    </>
  );
}
