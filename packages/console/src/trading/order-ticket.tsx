/**
 * The order ticket: type, price, stop, quantity and time in force, then Buy or Sell. The instrument's tick and
 * lot apply as you type (explained under the field; values snap to the grid when a field is left; arrow keys
 * step by one tick or lot), and whatever the server still refuses is shown in its words.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CadenzaClient, OrderDraft, OrderSide, OrderType, RpcBalanceEntry, RpcInstrument, RpcTradeOrder, TimeInForce } from '@cadenza/client';
import { checkTicket, nudge, snap, ticketTypes, timesInForce, type TicketField, type TicketInput } from './ticket-rules.ts';
import { decimalsOf, fixed, grouped } from '../ui/decimal.ts';
import { errorText } from '../ui/errors.ts';

export interface PickedPrice {
  price: string;
  /** Changes on every pick, so picking the same price twice still fills the field. */
  seq: number;
}

interface Props {
  client: CadenzaClient;
  inst: RpcInstrument;
  accountId: string;
  balances: RpcBalanceEntry[];
  /** Mid price, for the value of market orders. */
  reference?: string;
  picked?: PickedPrice;
  onPlaced(order: RpcTradeOrder): void;
}

export function OrderTicket({ client, inst, accountId, balances, reference, picked, onPlaced }: Props) {
  const types = ticketTypes(inst);
  const tifs = timesInForce(inst);
  const [input, setInput] = useState<TicketInput>({ type: 'LIMIT', quantity: '', price: '', stop: '', tif: 'GTC' });
  const [touched, setTouched] = useState<Set<TicketField>>(new Set());
  const [busy, setBusy] = useState<OrderSide>();
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  useEffect(() => {
    setInput((s) => ({ ...s, price: '', stop: '', quantity: '' }));
    setTouched(new Set());
    setResult(undefined);
  }, [inst.instrumentId]);
  useEffect(() => {
    if (picked) setInput((s) => ({ ...s, price: picked.price }));
  }, [picked?.seq]);

  const type = types.find((t) => t.value === input.type) ?? types[0]!;
  const check = checkTicket(inst, input, reference);
  const valid = Object.keys(check.errors).length === 0;
  const set = (patch: Partial<TicketInput>) => {
    setInput((s) => ({ ...s, ...patch }));
    setResult(undefined);
  };
  const touch = (f: TicketField) => setTouched((s) => new Set(s).add(f));

  const place = async (side: OrderSide) => {
    setTouched(new Set(['quantity', 'price', 'stop']));
    if (!valid) return;
    const draft: OrderDraft = { instrumentId: inst.instrumentId!, orderSide: side, orderType: type.value, quantity: input.quantity.trim() };
    if (type.price) draft.limitPrice = input.price.trim();
    if (type.stop) draft.stopPrice = input.stop.trim();
    if (type.tif) draft.timeInForce = input.tif;
    setBusy(side);
    setResult(undefined);
    try {
      const order = await client.submitOrder(accountId, draft);
      onPlaced(order);
      const at = type.price ? ` at ${grouped(input.price.trim())}` : '';
      setResult({ ok: order.status !== 'REJECTED', text: order.status === 'REJECTED' ? `Rejected: ${order.rejectReason ?? 'no reason given'}` : `${side === 'BUY' ? 'Buy' : 'Sell'} ${type.label.toLowerCase()} ${draft.quantity} ${inst.baseAsset ?? ''}${at} — ${statusWord(order.status)}.` });
    } catch (err) {
      setResult({ ok: false, text: errorText(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const field = (name: TicketField, label: string, unit: string | undefined, value: string) => {
    const err = touched.has(name) ? check.errors[name] : undefined;
    const id = `ticket-${name}`;
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <div class={`input-unit ${err ? 'invalid' : ''}`}>
          <input
            id={id}
            inputMode="decimal"
            autoComplete="off"
            spellcheck={false}
            value={value}
            aria-invalid={err ? true : undefined}
            aria-describedby={err ? `${id}-error` : undefined}
            onInput={(e) => set({ [name]: e.currentTarget.value })}
            onBlur={() => {
              touch(name);
              set({ [name]: snap(inst, name, value) });
            }}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
              e.preventDefault();
              set({ [name]: nudge(inst, name, value || (name === 'quantity' ? '0' : reference ?? '0'), e.key === 'ArrowUp' ? 1 : -1) });
            }}
          />
          {unit && <span class="unit" aria-hidden="true">{unit}</span>}
        </div>
        {err && (
          <p class="field-error" id={`${id}-error`}>
            {err}
          </p>
        )}
      </div>
    );
  };

  const free = (asset: string | undefined) => balances.find((b) => b.securitySymbol === asset)?.free ?? '0';
  const qd = decimalsOf(inst.lotSize);
  return (
    <form class={`ticket${type.tif ? ' with-tif' : ''}`} aria-label="Order ticket" onSubmit={(e) => e.preventDefault()}>
      <div class="field type">
        <label for="ticket-type">Type</label>
        <select id="ticket-type" value={input.type} onChange={(e) => set({ type: e.currentTarget.value as OrderType })}>
          {types.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      {type.stop && field('stop', 'Stop', inst.quoteAsset, input.stop)}
      {type.price && field('price', 'Price', inst.quoteAsset, input.price)}
      {field('quantity', 'Quantity', inst.baseAsset, input.quantity)}
      {type.tif && (
        <div class="field tif">
          <label for="ticket-tif">Time in force</label>
          <select id="ticket-tif" value={input.tif} onChange={(e) => set({ tif: e.currentTarget.value as TimeInForce })}>
            {tifs.map((t) => (
              <option key={t.value} value={t.value} title={t.label}>
                {t.value}
              </option>
            ))}
          </select>
        </div>
      )}
      <dl class="ticket-facts">
        <div>
          <dt>Value</dt>
          <dd>{check.notional ? `${type.price || type.stop ? '' : '≈ '}${grouped(fixed(check.notional, decimalsOf(inst.pipSize)))} ${inst.quoteAsset ?? ''}` : '—'}</dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd>
            {grouped(fixed(free(inst.quoteAsset), 2))} {inst.quoteAsset} · {fixed(free(inst.baseAsset), qd)} {inst.baseAsset}
          </dd>
        </div>
        <div class="muted">
          <dt>Rules</dt>
          <dd>
            tick {inst.pipSize} · lot {inst.lotSize}
            {inst.minNotional ? ` · min ${inst.minNotional} ${inst.quoteAsset}` : ''}
          </dd>
        </div>
      </dl>
      <div class="ticket-actions">
        <button type="button" class="buy" disabled={busy !== undefined} onClick={() => void place('BUY')}>
          {busy === 'BUY' ? 'Buying…' : 'Buy'}
        </button>
        <button type="button" class="sell" disabled={busy !== undefined} onClick={() => void place('SELL')}>
          {busy === 'SELL' ? 'Selling…' : 'Sell'}
        </button>
      </div>
      <div aria-live="polite">
        {result && (
          <p class={result.ok ? 'form-notice' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
      </div>
    </form>
  );
}

function statusWord(status: string | null | undefined): string {
  switch (status) {
    case 'FILLED':
      return 'filled';
    case 'PARTIALLY_FILLED':
      return 'partly filled';
    case 'ACCEPTED':
    case 'SUBMITTED':
    case 'CREATED':
      return 'working';
    default:
      return (status ?? 'sent').toLowerCase().replace(/_/g, ' ');
  }
}
