/**
 * @module orders/trailing-stop
 * A TRAILING_STOP's terms at submit: the trailing distance as a price difference, and where its trigger starts.
 * Pure. The trigger starts `distance` away from the price the order would trade against — the best bid for a SELL
 * (it fires when the price falls that far from its high), the best ask for a BUY — and then moves with the market,
 * never against the position; the venue reports each move (`trailed`) and the order's `stopPrice` shows it.
 *
 * `trailingOffsetType` BASIS_POINTS (1 bp = 0.01 %) is turned into a price distance once, at submit, from that same
 * reference price, rounded down to the tick: the venue trails by a fixed distance, as Binance's `trailingDelta` does.
 */
import { DomainError } from '../errors.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import { dec, floorTo, isMultipleOf, str, type Dec } from '../model/decimal.ts';
import type { TrailingOffsetType } from '../model/order.ts';

export interface TrailingTerms {
  /** The trailing distance as a price difference, on the tick. */
  distance: Dec;
  /** Where the trigger starts. */
  trigger: Dec;
}

/** The terms, or throws the refusal (no price to trail from, a distance off the tick or under one tick). */
export function trailingTerms(side: 'BUY' | 'SELL', offset: Dec, type: TrailingOffsetType, spec: InstrumentSpec, book: BookSnapshot | undefined): TrailingTerms {
  const level = side === 'SELL' ? book?.bids[0] : book?.asks[0];
  if (!level) throw new DomainError('NO_LIQUIDITY', `no ${side === 'SELL' ? 'bids' : 'asks'} on ${spec.instrumentId} to start a trailing stop from`);
  const reference = dec(level.price);
  const tick = dec(spec.tickSize);
  let distance = offset;
  if (type === 'BASIS_POINTS') {
    if (offset.gte(10_000)) throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrder.trailingOffset in BASIS_POINTS must be below 10000 (100 %)');
    distance = floorTo(reference.mul(offset).div(10_000), tick);
    if (!distance.gt(0)) throw new DomainError('INVALID_ORDER_PARAMETERS', `tradeOrder.trailingOffset of ${str(offset)} bp is less than one tick (${spec.tickSize}) at ${str(reference)}`);
  } else if (!isMultipleOf(distance, tick)) {
    throw new DomainError('PRICE_NOT_ON_TICK', `trailingOffset ${str(distance)} is not a multiple of the tick size ${spec.tickSize}`);
  }
  const trigger = side === 'SELL' ? reference.sub(distance) : reference.add(distance);
  if (!trigger.gt(0)) throw new DomainError('INVALID_ORDER_PARAMETERS', `tradeOrder.trailingOffset ${str(distance)} is more than the price ${str(reference)}`);
  return { distance, trigger };
}

/**
 * Whether a reported trigger `to` is a move of the trigger now at `from` in the position's favour (a sell's up, a
 * buy's down). A report that is not — the venue's reports replayed or overtaken, a reconnect's resend — is stale and
 * must not be booked: every published `stopPrice` of a trailing stop moves only that way.
 */
export function trailsInFavour(side: 'BUY' | 'SELL', from: string | undefined, to: string): boolean {
  if (from === undefined) return true;
  const d = dec(to).cmp(dec(from));
  return side === 'SELL' ? d > 0 : d < 0;
}
