/**
 * @module binance/http/order-list-params
 * Our VenueOrderList → the endpoint and parameters of Binance's order lists, as its docs describe them:
 *
 *   OCO    POST /api/v3/orderList/oco    side, quantity, above* and below* legs
 *   OTO    POST /api/v3/orderList/oto    working* (LIMIT or LIMIT_MAKER) and pending* leg
 *   OTOCO  POST /api/v3/orderList/otoco  working* and pendingAbove* / pendingBelow* legs
 *
 * An OCO pair (an OCO, an OTOCO's exits) is placed by price: on the SELL side the take-profit is above and the
 * stop-loss below, on the BUY side the other way round. In such a pair Binance takes the take-profit as LIMIT_MAKER
 * (post-only) and the stop-loss as STOP_LOSS, or STOP_LOSS_LIMIT with its price and time in force; an OTO's single
 * pending take-profit stays a LIMIT order. Every leg carries our clientOrderId and the list our orderListId (without
 * dashes), so each execution report maps back to its leg. Pure; refusals are values.
 */
import type { VenueOrder, VenueOrderList } from '@cadenza/domain';

export type OrderListParamsResult = { ok: true; path: string; params: Array<[string, string]> } | { ok: false; reason: string };

type Leg = VenueOrderList['legs'][number];
type Params = Array<[string, string]>;

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const BINANCE_TIF = new Set(['GTC', 'IOC', 'FOK']);

class Refusal extends Error {}

/** One leg's type and terms under `prefix` (`above`, `pendingBelow`, `working`, …); `maker`: a take-profit in an OCO pair. */
function legParams(prefix: string, leg: VenueOrder, maker: boolean): Params {
  if (!CLIENT_ORDER_ID.test(leg.clientOrderId)) throw new Refusal('clientOrderId must be 1-36 characters of letters, digits, . : / _ - for Binance');
  if (leg.quantityType !== 'BASE') throw new Refusal('the legs of a Binance order list take a base quantity');
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new Refusal(`the ${leg.orderType} leg needs ${what}`);
    return v;
  };
  const tif = (): string => {
    if (!BINANCE_TIF.has(leg.timeInForce)) throw new Refusal(`time in force ${leg.timeInForce} is not supported by Binance spot (GTC, IOC, FOK)`);
    return leg.timeInForce;
  };
  const p = (k: string, v: string): [string, string] => [`${prefix}${k}`, v];
  switch (leg.orderType) {
    case 'LIMIT':
      return maker ? [p('Type', 'LIMIT_MAKER'), p('Price', need(leg.limitPrice, 'a limit price'))] : [p('Type', 'LIMIT'), p('Price', need(leg.limitPrice, 'a limit price')), p('TimeInForce', tif())];
    case 'LIMIT_MAKER':
      return [p('Type', 'LIMIT_MAKER'), p('Price', need(leg.limitPrice, 'a limit price'))];
    case 'STOP_LOSS':
      return [p('Type', 'STOP_LOSS'), p('StopPrice', need(leg.stopPrice, 'a stop price'))];
    case 'STOP_LOSS_LIMIT':
      return [p('Type', 'STOP_LOSS_LIMIT'), p('Price', need(leg.limitPrice, 'a limit price')), p('StopPrice', need(leg.stopPrice, 'a stop price')), p('TimeInForce', tif())];
    default:
      throw new Refusal(`a ${leg.orderType} leg cannot be part of a Binance order list`);
  }
}

/** The two exits of an OCO pair under `above`/`below` prefixes, placed by the pair's side. */
function pairParams(side: string, tp: Leg, sl: Leg, abovePrefix: string, belowPrefix: string): Params {
  const [above, below] = side === 'SELL' ? [tp, sl] : [sl, tp];
  const withId = (prefix: string, leg: Leg): Params => [...legParams(prefix, leg, leg.role === 'TAKE_PROFIT'), [`${prefix}ClientOrderId`, leg.clientOrderId]];
  return [...withId(abovePrefix, above), ...withId(belowPrefix, below)];
}

export function buildOrderListParams(list: VenueOrderList, externalSymbol: string): OrderListParamsResult {
  const role = (r: Leg['role']) => list.legs.find((l) => l.role === r);
  const listId = list.orderListId.replace(/-/g, '');
  const head: Params = [['symbol', externalSymbol], ['listClientOrderId', listId]];
  const tail: Params = [['newOrderRespType', 'FULL']];
  try {
    const tp = role('TAKE_PROFIT');
    const sl = role('STOP_LOSS');
    if (list.contingencyType === 'OCO') {
      if (!tp || !sl || list.legs.length !== 2) throw new Refusal('an OCO has a take-profit and a stop-loss');
      if (tp.side !== sl.side || tp.quantity !== sl.quantity) throw new Refusal('the legs of an OCO share their side and quantity');
      return { ok: true, path: '/api/v3/orderList/oco', params: [...head, ['side', tp.side], ['quantity', tp.quantity], ...pairParams(tp.side, tp, sl, 'above', 'below'), ...tail] };
    }
    const entry = role('ENTRY');
    if (!entry) throw new Refusal(`an ${list.contingencyType} has an entry`);
    if (entry.orderType !== 'LIMIT' && entry.orderType !== 'LIMIT_MAKER') throw new Refusal(`the entry of a Binance ${list.contingencyType} is LIMIT or LIMIT_MAKER, not ${entry.orderType}`);
    const working: Params = [...legParams('working', entry, false), ['workingSide', entry.side], ['workingClientOrderId', entry.clientOrderId], ['workingQuantity', entry.quantity]];
    const exits = [tp, sl].filter((l): l is Leg => l !== undefined);
    const side = exits[0]?.side;
    if (!side || exits.some((l) => l.side !== side || l.quantity !== exits[0]!.quantity)) throw new Refusal('the exits of a list share their side and quantity');
    const pending: Params = [['pendingSide', side], ['pendingQuantity', exits[0]!.quantity]];
    if (list.contingencyType === 'OTO') {
      if (exits.length !== 1 || list.legs.length !== 2) throw new Refusal('an OTO has an entry and one exit');
      const exit = exits[0]!;
      return { ok: true, path: '/api/v3/orderList/oto', params: [...head, ...working, ...legParams('pending', exit, false), ['pendingClientOrderId', exit.clientOrderId], ...pending, ...tail] };
    }
    if (!tp || !sl || list.legs.length !== 3) throw new Refusal('an OTOCO has an entry, a take-profit and a stop-loss');
    return { ok: true, path: '/api/v3/orderList/otoco', params: [...head, ...working, ...pending, ...pairParams(side, tp, sl, 'pendingAbove', 'pendingBelow'), ...tail] };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.message };
    throw err;
  }
}
