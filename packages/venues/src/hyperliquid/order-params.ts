/**
 * @module hyperliquid/order-params
 * A port order as Hyperliquid's order wire `{a, b, p, s, r, t, c}` — keys in the order Hyperliquid's SDK writes them,
 * since the msgpack of the action is what gets signed. LIMIT GTC → `Gtc`, IOC → `Ioc`, GTX and LIMIT_MAKER → `Alo`
 * (add liquidity only); MARKET is an `Ioc` limit through the book (Hyperliquid has no market orders: its own clients
 * send an aggressive IOC), priced by the caller. Sizes are in the coin; QUOTE quantities and FOK are refused.
 */
import type { VenueOrder } from '@cadenza/domain';
import { normalizeDecimal } from '@cadenza/domain';
import { priceProblem, sizeProblem } from './prices.ts';
import type { HyperliquidInstrument } from './parse.ts';

export interface OrderWire {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit: { tif: 'Gtc' | 'Ioc' | 'Alo' } };
  c: string;
}

const TIF: Readonly<Record<string, 'Gtc' | 'Ioc' | 'Alo'>> = { GTC: 'Gtc', IOC: 'Ioc', GTX: 'Alo' };

/** The order wire, or why the order cannot go to Hyperliquid. `marketPrice` is the IOC limit for a MARKET order. */
export function buildOrderWire(order: VenueOrder, inst: HyperliquidInstrument, cloid: string, marketPrice?: string): { ok: true; wire: OrderWire } | { ok: false; reason: string } {
  if (order.quantityType !== 'BASE') return { ok: false, reason: `Hyperliquid orders are sized in ${inst.spec.baseAsset} (quantityType BASE)` };
  let tif: 'Gtc' | 'Ioc' | 'Alo' | undefined;
  let price = order.limitPrice;
  switch (order.orderType) {
    case 'LIMIT':
      tif = TIF[order.timeInForce];
      if (!tif) return { ok: false, reason: `Hyperliquid takes LIMIT orders GTC, IOC or GTX, not ${order.timeInForce}` };
      break;
    case 'LIMIT_MAKER':
      tif = 'Alo';
      break;
    case 'MARKET':
      tif = 'Ioc';
      price = marketPrice;
      break;
    default:
      return { ok: false, reason: `Hyperliquid takes LIMIT, LIMIT_MAKER and MARKET orders, not ${order.orderType}` };
  }
  if (!price) return { ok: false, reason: order.orderType === 'MARKET' ? 'no price on the other side of the book for a MARKET order' : 'a LIMIT order needs a limitPrice' };
  const sizeIssue = sizeProblem(order.quantity, inst.szDecimals);
  if (sizeIssue) return { ok: false, reason: sizeIssue };
  const priceIssue = priceProblem(price, inst.maxDecimals);
  if (priceIssue) return { ok: false, reason: priceIssue };
  return {
    ok: true,
    wire: { a: inst.asset, b: order.side === 'BUY', p: normalizeDecimal(price), s: normalizeDecimal(order.quantity), r: order.reduceOnly === true, t: { limit: { tif } }, c: cloid },
  };
}
