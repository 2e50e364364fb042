/**
 * @module otc/rfq-request
 * An RFQ (`QuoteRfqRequest`) read into terms, or refused with INVALID_QUOTE_REQUEST naming the field:
 * - the pair is `instrumentId` (`BASE/QUOTE` or `FERMATA:BASE/QUOTE`) or `baseAsset` + `quoteAsset` (both given: they
 *   must agree);
 * - exactly one of `quantity` (base) and `quoteQuantity` (quote amount), greater than zero;
 * - the quote lives `ttl` seconds (1–300, default 10) or until `expireAt` (ISO-8601, within the next 300 s), not both;
 * - `quoteRequestId` (1–128 characters) makes the request idempotent per user.
 */
import type { QuoteRfqRequest } from '@cadenza/contract';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import { dec, isDecimalString, str } from '../model/decimal.ts';
import { plainFixed, pow10, toUnits } from '../model/fixed-decimal.ts';
import { FERMATA } from '../model/fermata.ts';
import type { OrderSideValue } from '../model/primitives.ts';
import { fromIso } from '../model/time.ts';

export const DEFAULT_QUOTE_TTL_S = 10;
export const MAX_QUOTE_TTL_S = 300;
const ASSET = /^[A-Z0-9]{1,20}$/;
const PAIR = /^(?:([A-Z0-9_]+):)?([A-Z0-9]{1,20})\/([A-Z0-9]{1,20})$/;

/**
 * A requested size: its value in units of 10^-18 when it is exact there (what the integer pricing reads), and its
 * canonical text (what `str(dec(text))` writes: the quote repeats it when the dealer refuses; the dealer prices with
 * decimal.js from it when the size is off that grid). A size read in units writes its text only if asked: a quote the
 * dealer prices states its own quantities.
 */
export class RfqSize {
  constructor(
    readonly units: bigint | undefined,
    /** The canonical text, when it was made reading the size (undefined: written from `units`). */
    private readonly canonical: string | undefined,
  ) {}

  get text(): string {
    return this.canonical ?? plainFixed(this.units!, 18);
  }
}

export interface RfqRead {
  dealerAccountId: string;
  traderAccountId?: string;
  side: OrderSideValue;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  quantity?: RfqSize;
  quoteQuantity?: RfqSize;
  quoteRequestId?: string;
  pricingProfileId?: string;
  expireAt: number;
}

// Module-level rather than closures in readRfq: on the RFQ's hot path, a closure per call (named, as the build
// keeps names) costs more than the rest of the reading.
function bad(message: string): DomainError {
  return new DomainError('INVALID_QUOTE_REQUEST', message);
}

/** Units of 10^-18 below this have at most 40 significant digits: decimal.js (at 40) holds them unrounded. */
const EXACT_UNITS = pow10(40);

function size(input: QuoteRfqRequest, field: 'quantity' | 'quoteQuantity'): RfqSize | undefined {
  const v = input[field];
  if (v === undefined) return undefined;
  if (!isDecimalString(v)) throw bad(`${field} must be a decimal greater than zero`);
  // Unsigned, at most 18 places and 40 digits (every size a client means): read in integers, as decimal.js would.
  const units = toUnits(v, 18);
  if (units !== undefined && units < EXACT_UNITS) {
    if (units === 0n) throw bad(`${field} must be a decimal greater than zero`);
    return new RfqSize(units, undefined);
  }
  const d = dec(v);
  if (!d.gt(0)) throw bad(`${field} must be a decimal greater than zero`);
  const text = str(d);
  return new RfqSize(toUnits(text, 18), text);
}

/** Pairs read from an `instrumentId`, by its text: clients ask for the same few pairs again and again. */
const pairs = new Map<string, { symbol: string; baseAsset: string; quoteAsset: string }>();

/** The pair an `instrumentId` names (its assets still to be checked), or the refusal. */
function pairOf(instrumentId: string): { symbol: string; baseAsset: string; quoteAsset: string } {
  let pair = pairs.get(instrumentId);
  if (pair) return pair;
  const m = PAIR.exec(instrumentId);
  if (!m || (m[1] !== undefined && m[1] !== FERMATA)) throw bad(`instrumentId ${boundedText(instrumentId)} must be BASE/QUOTE or ${FERMATA}:BASE/QUOTE`);
  pair = { symbol: `${m[2]!}/${m[3]!}`, baseAsset: m[2]!, quoteAsset: m[3]! };
  if (pairs.size >= 1_000) pairs.clear();
  pairs.set(instrumentId, pair);
  return pair;
}

export function readRfq(input: QuoteRfqRequest, now: number): RfqRead {
  if (typeof input.dealerAccountId !== 'string' || input.dealerAccountId.length === 0) throw bad('dealerAccountId is required');
  if (input.orderSide !== 'BUY' && input.orderSide !== 'SELL') throw bad('orderSide must be BUY or SELL');
  let base = input.baseAsset;
  let quote = input.quoteAsset;
  let symbol: string | undefined;
  if (input.instrumentId !== undefined) {
    const pair = pairOf(input.instrumentId);
    if ((base !== undefined && base !== pair.baseAsset) || (quote !== undefined && quote !== pair.quoteAsset)) throw bad('instrumentId and baseAsset/quoteAsset name different pairs');
    base = pair.baseAsset;
    quote = pair.quoteAsset;
    symbol = pair.symbol;
  }
  if (base === undefined || quote === undefined) throw bad('name the pair: instrumentId, or baseAsset and quoteAsset');
  if (!ASSET.test(base) || !ASSET.test(quote) || base === quote) throw bad(`${boundedText(`${base}/${quote}`)} is not a pair of asset symbols`);
  const quantity = size(input, 'quantity');
  const quoteQuantity = size(input, 'quoteQuantity');
  if ((quantity === undefined) === (quoteQuantity === undefined)) throw bad('give exactly one of quantity and quoteQuantity');
  let expireAt: number;
  if (input.expireAt !== undefined) {
    if (input.ttl !== undefined) throw bad('give ttl or expireAt, not both');
    const at = fromIso(input.expireAt);
    if (at === undefined) throw bad('expireAt must be an ISO-8601 date-time');
    if (at <= now || at > now + MAX_QUOTE_TTL_S * 1000) throw bad(`expireAt must be within the next ${MAX_QUOTE_TTL_S} seconds`);
    expireAt = at;
  } else {
    const ttl = input.ttl ?? DEFAULT_QUOTE_TTL_S;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_QUOTE_TTL_S) throw bad(`ttl must be 1 to ${MAX_QUOTE_TTL_S} seconds`);
    expireAt = now + ttl * 1000;
  }
  if (input.quoteRequestId !== undefined && (input.quoteRequestId.length === 0 || input.quoteRequestId.length > 128)) throw bad('quoteRequestId must be 1 to 128 characters');
  const out: RfqRead = { dealerAccountId: input.dealerAccountId, side: input.orderSide, symbol: symbol ?? `${base}/${quote}`, baseAsset: base, quoteAsset: quote, expireAt };
  if (quantity !== undefined) out.quantity = quantity;
  if (quoteQuantity !== undefined) out.quoteQuantity = quoteQuantity;
  if (input.traderAccountId !== undefined) out.traderAccountId = input.traderAccountId;
  if (input.quoteRequestId !== undefined) out.quoteRequestId = input.quoteRequestId;
  if (input.pricingProfileId !== undefined) out.pricingProfileId = input.pricingProfileId;
  return out;
}
