/**
 * The order ticket's rules: which fields an order type needs, and the instrument's trading rules (tick, lot,
 * min/max quantity, min notional) applied before anything is sent, so most mistakes are explained at once in
 * the form. The server checks the same rules again and its refusals are shown too (errors.ts).
 */
import type { OrderType, RpcInstrument, TimeInForce } from '@cadenza/client';
import { addDecimal, compare, isDecimal, multiplyDecimal, roundToStep } from '../ui/decimal.ts';

export interface TicketType {
  value: OrderType;
  label: string;
  price: boolean;
  stop: boolean;
  /** Whether a time in force applies (market orders are IOC by nature; post-only rests). */
  tif: boolean;
}

/** The order types the ticket offers, in this order, when the instrument supports them. */
export const TICKET_TYPES: readonly TicketType[] = [
  { value: 'LIMIT', label: 'Limit', price: true, stop: false, tif: true },
  { value: 'MARKET', label: 'Market', price: false, stop: false, tif: false },
  { value: 'STOP_LIMIT', label: 'Stop limit', price: true, stop: true, tif: true },
  { value: 'STOP', label: 'Stop market', price: false, stop: true, tif: false },
  { value: 'LIMIT_MAKER', label: 'Post only', price: true, stop: false, tif: false },
];

const TIF_LABELS: Partial<Record<TimeInForce, string>> = {
  GTC: 'GTC — good till cancelled',
  IOC: 'IOC — immediate or cancel',
  FOK: 'FOK — fill or kill',
  DAY: 'DAY — until the end of the day',
  GTX: 'GTX — post only',
};

export function ticketTypes(inst: RpcInstrument | undefined): TicketType[] {
  const offered = inst?.orderTypes;
  return TICKET_TYPES.filter((t) => !offered?.length || offered.includes(t.value));
}

/** Times in force for resting orders (GTD needs an expiry the ticket does not ask for). */
export function timesInForce(inst: RpcInstrument | undefined): Array<{ value: TimeInForce; label: string }> {
  const offered = (inst?.timeInForceOptions as TimeInForce[] | undefined) ?? ['GTC', 'IOC', 'FOK'];
  return offered.filter((t) => TIF_LABELS[t]).map((t) => ({ value: t, label: TIF_LABELS[t]! }));
}

export interface TicketInput {
  type: OrderType;
  quantity: string;
  price: string;
  stop: string;
  tif: TimeInForce;
}

export type TicketField = 'quantity' | 'price' | 'stop';

export interface TicketCheck {
  /** Per field, what is wrong with it. Empty when the order can be sent. */
  errors: Partial<Record<TicketField, string>>;
  /** Price × quantity for priced orders (exact). */
  notional?: string;
}

/** Checks a ticket against the order type and the instrument's rules. `reference` prices market orders' notional. */
export function checkTicket(inst: RpcInstrument, input: TicketInput, reference?: string): TicketCheck {
  const type = TICKET_TYPES.find((t) => t.value === input.type) ?? TICKET_TYPES[0]!;
  const errors: TicketCheck['errors'] = {};
  const quote = inst.quoteAsset ?? '';

  const q = input.quantity.trim();
  if (!q) errors.quantity = 'Enter a quantity.';
  else if (!isDecimal(q) || compare(q, '0')! <= 0) errors.quantity = 'Quantity must be a positive number.';
  else if (inst.lotSize && roundToStep(q, inst.lotSize, 'down') !== undefined && compare(roundToStep(q, inst.lotSize, 'down')!, q) !== 0)
    errors.quantity = `Quantity must be a multiple of ${inst.lotSize}.`;
  else if (inst.minQuantity && compare(q, inst.minQuantity)! < 0) errors.quantity = `Minimum quantity is ${inst.minQuantity} ${inst.baseAsset ?? ''}.`.trim();
  else if (inst.maxQuantity && compare(q, inst.maxQuantity)! > 0) errors.quantity = `Maximum quantity is ${inst.maxQuantity} ${inst.baseAsset ?? ''}.`.trim();

  const priceField = (field: 'price' | 'stop', value: string, name: string) => {
    const v = value.trim();
    if (!v) errors[field] = `Enter a ${name}.`;
    else if (!isDecimal(v) || compare(v, '0')! <= 0) errors[field] = `The ${name} must be a positive number.`;
    else if (inst.pipSize && compare(roundToStep(v, inst.pipSize, 'nearest') ?? v, v) !== 0) errors[field] = `The ${name} must be a multiple of the tick size ${inst.pipSize}.`;
  };
  if (type.price) priceField('price', input.price, 'price');
  if (type.stop) priceField('stop', input.stop, 'stop price');

  const price = type.price ? input.price.trim() : type.stop ? input.stop.trim() : reference;
  let notional: string | undefined;
  if (!errors.quantity && price && isDecimal(price) && isDecimal(q)) {
    notional = multiplyDecimal(q, price);
    if (inst.minNotional && compare(notional, inst.minNotional)! < 0 && !errors.price) {
      errors.quantity = `The order is worth less than the minimum ${inst.minNotional} ${quote}.`;
    }
  }
  return { errors, ...(notional ? { notional } : {}) };
}

/** A typed value snapped to the instrument's grid when the field is left: prices to the nearest tick, quantities down to the lot. */
export function snap(inst: RpcInstrument, field: TicketField, value: string): string {
  const step = field === 'quantity' ? inst.lotSize : inst.pipSize;
  if (!step || !isDecimal(value.trim()) || compare(value.trim(), '0')! <= 0) return value;
  const snapped = roundToStep(value.trim(), step, field === 'quantity' ? 'down' : 'nearest');
  // Below one step it would become zero: leave it as typed, so the rule under the field explains why.
  return snapped && compare(snapped, '0')! > 0 ? snapped : value;
}

/** One step up or down (arrow keys in the field). */
export function nudge(inst: RpcInstrument, field: TicketField, value: string, direction: 1 | -1): string {
  const step = field === 'quantity' ? inst.lotSize : inst.pipSize;
  if (!step) return value;
  const base = isDecimal(value.trim()) ? snap(inst, field, value) : '0';
  const next = roundToStep(addDecimal(base, direction === 1 ? step : `-${step}`), step, 'nearest');
  return next && compare(next, '0')! > 0 ? next : base;
}
