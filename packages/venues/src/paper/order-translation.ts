/**
 * @module paper/order-translation
 * Turns a port `VenueOrder` (decimal strings) into the engine's `SubmitOrder` (ticks, lots, tick-lot budgets), or
 * explains in plain words why the venue refuses it: unsupported type/TIF/quantity type, price not a multiple of the
 * tick size, quantity not a multiple of the lot size, outside min/max quantity, below min notional.
 *
 * Min notional is checked on price × quantity for priced orders, on the amount for QUOTE quantities, and for BASE
 * market-type orders on the best opposite price (or last trade) when one exists — as an exchange estimates it.
 */
import { parseFixed, type InstrumentRules, type InstrumentSpec, type VenueOrder } from '@cadenza/domain';
import { hasLimitPrice, isTriggered, type EngineOrderType, type EngineTimeInForce, type SubmitOrder } from './matching/engine-messages.ts';

/** The engine order, or the reason the venue refuses the port order. */
export type Translation = { ok: true; order: SubmitOrder } | { ok: false; reason: string };

/** What the translator needs to know about the market to estimate the notional of a market order. */
export interface ReferencePrices {
  bestBid: number | undefined;
  bestAsk: number | undefined;
  last: number | undefined;
}

/** A refusal. (A module function: a closure made per call costs an allocation and, under tsx's keep-names, a defineProperty.) */
function fail(reason: string): Translation {
  return { ok: false, reason };
}

/** Port order → engine order for one instrument, with the venue's trading rules (model/instrument-rules.ts). */
export class OrderTranslator {
  constructor(
    readonly spec: InstrumentSpec,
    readonly scale: InstrumentRules,
  ) {}

  translate(o: VenueOrder, id: number, owner: number, ref: ReferencePrices): Translation {
    const spec = this.spec;
    const s = this.scale;
    if (spec.status !== 'ACTIVE') return fail(`${spec.symbol} is not trading (status ${spec.status})`);
    if (o.side !== 'BUY' && o.side !== 'SELL') return fail(`side ${String(o.side)} is invalid`);
    if (!spec.orderTypes.includes(o.orderType)) return fail(`order type ${o.orderType} is not supported on ${spec.venue}`);
    if (!spec.timeInForceOptions.includes(o.timeInForce)) return fail(`time in force ${o.timeInForce} is not supported on ${spec.venue}`);
    const type = o.orderType as EngineOrderType;
    const timeInForce = o.timeInForce as EngineTimeInForce;
    const order: SubmitOrder = { id, owner, side: o.side, type, timeInForce, lots: 0 };

    if (hasLimitPrice({ type, priceTicks: o.limitPrice === undefined ? undefined : 1 })) {
      if (o.limitPrice === undefined) return fail(`${type} order needs a limit price`);
      const p = s.priceToTicks(o.limitPrice, 'price');
      if (!p.ok) return fail(p.reason);
      order.priceTicks = p.value;
    }
    if (isTriggered(type)) {
      if (type === 'TRAILING_STOP') {
        if (o.trailingDelta === undefined) return fail('TRAILING_STOP order needs a trailing delta');
        const d = s.priceToTicks(o.trailingDelta, 'trailing delta');
        if (!d.ok) return fail(d.reason);
        order.trailingTicks = d.value;
        // The trigger the domain started it at (orders/trailing-stop.ts), when given: the trail starts there.
        if (o.stopPrice !== undefined) {
          const st = s.priceToTicks(o.stopPrice, 'stop price');
          if (!st.ok) return fail(st.reason);
          order.stopTicks = st.value;
        }
      } else {
        if (o.stopPrice === undefined) return fail(`${type} order needs a stop price`);
        const st = s.priceToTicks(o.stopPrice, 'stop price');
        if (!st.ok) return fail(st.reason);
        order.stopTicks = st.value;
      }
    }
    if (timeInForce === 'GTD') {
      if (o.expireAt === undefined) return fail('GTD order needs expireAt');
      order.expireAt = o.expireAt;
    }

    if (o.quantityType === 'QUOTE') {
      const amount = parseFixed(o.quantity);
      if (!amount || amount.units === 0n) return fail(`quantity ${JSON.stringify(o.quantity)} must be a positive decimal`);
      const refused = s.checkQuoteAmount(amount, o.quantity);
      if (refused) return fail(refused);
      if (order.priceTicks !== undefined) {
        // A priced order spends its quote amount at its limit price: convert once, to whole lots.
        const lots = s.lotsForQuote(amount, order.priceTicks);
        if (lots === 0) return fail(`quote quantity ${o.quantity} buys less than one lot (${s.lotSize}) at price ${o.limitPrice}`);
        order.lots = lots;
        return this.#checkBase(order, true);
      }
      const budget = s.quoteToTickLots(amount);
      if (budget === 0n) return fail(`quote quantity ${o.quantity} is too small`);
      order.quoteBudget = budget;
      return { ok: true, order };
    }
    if (o.quantityType !== 'BASE') return fail(`quantity type ${String(o.quantityType)} is not supported on ${spec.venue}`);
    const q = s.quantityToLots(o.quantity, 'quantity');
    if (!q.ok) return fail(q.reason);
    order.lots = q.value;
    const estimate = order.priceTicks ?? (o.side === 'BUY' ? ref.bestAsk : ref.bestBid) ?? ref.last;
    return this.#checkBase(order, order.priceTicks !== undefined || estimate !== undefined, estimate);
  }

  /** Min/max quantity and notional of a base-quantity order (notional at its price, or at `estimate`). */
  #checkBase(order: SubmitOrder, checkNotional: boolean, estimate?: number): Translation {
    const price = checkNotional ? (order.priceTicks ?? estimate) : undefined;
    const refused = this.scale.checkBase(order.lots, price, order.priceTicks !== undefined ? 'price' : 'the current price');
    return refused ? { ok: false, reason: refused } : { ok: true, order };
  }
}
