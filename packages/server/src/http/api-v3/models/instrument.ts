/**
 * @module http/api-v3/models/instrument
 * `RpcInstrument` / `RpcSecurity` → the REST `Instrument` / `FinancialSecurity`. An instrument's scales are the
 * decimal places of its lot and tick sizes; no venue here limits significant digits (null).
 */
import { OrderTypeValues, TimeInForceValues, type FinancialSecurity, type Instrument, type OrderType, type RpcInstrument, type RpcSecurity, type TimeInForce, type Venue } from '@cadenza/contract';
import { decimalPlaces, securityTypeOf } from '@cadenza/domain';

const orderTypes = new Set<string>(OrderTypeValues);
const timesInForce = new Set<string>(TimeInForceValues);

export function toRestInstrument(i: RpcInstrument): Instrument {
  const out: Instrument = {
    instrumentId: i.instrumentId!,
    venue: i.venue!,
    symbol: i.symbol!,
    externalSymbol: i.externalSymbol!,
    instrumentType: i.instrumentType ?? 'SPOT',
    status: i.status!,
    baseAsset: i.baseAsset!,
    quoteAsset: i.quoteAsset!,
    basePrecision: i.basePrecision!,
    quotePrecision: i.quotePrecision!,
    baseMaxSignificant: null,
    quoteMaxSignificant: null,
    lotSize: i.lotSize!,
    pipSize: i.pipSize!,
    baseScale: decimalPlaces(i.lotSize!),
    quoteScale: decimalPlaces(i.pipSize!),
    minQuantity: i.minQuantity!,
    maxQuantity: i.maxQuantity!,
    minNotional: i.minNotional!,
    orderTypes: (i.orderTypes ?? []).filter((t): t is OrderType => orderTypes.has(t)),
    timeInForceOptions: (i.timeInForceOptions ?? []).filter((t): t is TimeInForce => timesInForce.has(t)),
  };
  if (i.description !== undefined) out.description = i.description;
  if (i.baseSecurityType !== undefined) out.baseSecurityType = i.baseSecurityType;
  if (i.quoteSecurityType !== undefined) out.quoteSecurityType = i.quoteSecurityType;
  if (i.maxNotional !== undefined) out.maxNotional = i.maxNotional;
  if (i.isIcebergAllowed !== undefined) out.isIcebergAllowed = i.isIcebergAllowed;
  return out;
}

export function toRestSecurity(s: RpcSecurity): FinancialSecurity {
  return { securityId: s.securityId!, symbol: s.symbol!, venue: s.venue as Venue, securityType: securityTypeOf(s.symbol!) };
}

/** The security a `{VENUE}:{SYMBOL}` id names (what a delete answers). */
export function securityOfId(securityId: string): FinancialSecurity {
  const i = securityId.indexOf(':');
  return toRestSecurity({ securityId, venue: securityId.slice(0, i) as Venue, symbol: securityId.slice(i + 1) });
}
