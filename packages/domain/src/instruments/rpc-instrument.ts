/**
 * @module instruments/rpc-instrument
 * Instrument and security ⇄ the contract's `RpcInstrument` / `RpcSecurity`.
 */
import type { RpcInstrument, RpcSecurity } from '@cadenza/contract';
import { toIso } from '../model/time.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { Instrument, Security } from '../model/instrument.ts';
import { nativeOrderTypes, offeredOrderTypes } from './offered-order-types.ts';

const FIAT = new Set(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'AUD', 'CAD', 'SGD', 'HKD']);

/** 'CURRENCY' for fiat money, 'CRYPTO' for everything else the venues list. */
export function securityTypeOf(asset: string): 'CURRENCY' | 'CRYPTO' {
  return FIAT.has(asset) ? 'CURRENCY' : 'CRYPTO';
}

/** The instrument as clients see it: its `orderTypes` are what Cadenza takes there (offered-order-types.ts). */
export function toRpcInstrument(i: Instrument): RpcInstrument {
  const s = i.spec;
  const out: RpcInstrument = {
    instrumentId: s.instrumentId,
    venue: s.venue as RpcInstrument['venue'],
    symbol: s.symbol,
    externalSymbol: s.externalSymbol,
    instrumentType: s.instrumentType ?? 'SPOT',
    status: i.status,
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    baseSecurityType: securityTypeOf(s.baseAsset),
    quoteSecurityType: securityTypeOf(s.quoteAsset),
    basePrecision: s.basePrecision,
    quotePrecision: s.quotePrecision,
    lotSize: s.lotSize,
    pipSize: s.tickSize,
    minQuantity: s.minQuantity,
    maxQuantity: s.maxQuantity,
    minNotional: s.minNotional,
    orderTypes: offeredOrderTypes(s),
    timeInForceOptions: [...s.timeInForceOptions],
    fee: s.takerFee,
    isIcebergAllowed: false,
    createdAt: toIso(i.createdAt),
    updatedAt: toIso(i.updatedAt),
  };
  if (s.description !== undefined) out.description = s.description;
  if (s.maxNotional !== undefined) out.maxNotional = s.maxNotional;
  if (s.contract) out.contractSize = s.contract.contractSize;
  return out;
}

/**
 * Builds a spec from an admin-supplied `RpcInstrument` (command.instrument.save); missing limits default to 0/none.
 * Its `orderTypes` may be an answered list: what Cadenza emulates is not stored as native (offered-order-types.ts).
 */
export function specFromRpc(r: RpcInstrument, existing?: InstrumentSpec): InstrumentSpec | undefined {
  const venue = r.venue ?? existing?.venue;
  const symbol = r.symbol ?? existing?.symbol;
  if (!venue || !symbol) return undefined;
  // Spot symbols are BASE/QUOTE; a derivative's own name ('BTC-PERP') needs its assets given or already known.
  const [base, quote] = symbol.includes('/') ? (symbol.split('/') as [string, string]) : [r.baseAsset ?? existing?.baseAsset, r.quoteAsset ?? existing?.quoteAsset];
  if (!base || !quote) return undefined;
  const spec: InstrumentSpec = {
    instrumentId: `${venue}:${symbol}`,
    venue,
    symbol,
    externalSymbol: r.externalSymbol ?? existing?.externalSymbol ?? symbol.replace('/', ''),
    baseAsset: r.baseAsset ?? existing?.baseAsset ?? base,
    quoteAsset: r.quoteAsset ?? existing?.quoteAsset ?? quote,
    status: r.status ?? existing?.status ?? 'ACTIVE',
    tickSize: r.pipSize ?? existing?.tickSize ?? '0',
    lotSize: r.lotSize ?? existing?.lotSize ?? '0',
    minQuantity: r.minQuantity ?? existing?.minQuantity ?? '0',
    maxQuantity: r.maxQuantity ?? existing?.maxQuantity ?? '0',
    minNotional: r.minNotional ?? existing?.minNotional ?? '0',
    basePrecision: r.basePrecision ?? existing?.basePrecision ?? 8,
    quotePrecision: r.quotePrecision ?? existing?.quotePrecision ?? 8,
    orderTypes: r.orderTypes ? nativeOrderTypes(r.orderTypes, existing?.orderTypes) : (existing?.orderTypes ?? ['LIMIT', 'MARKET']),
    timeInForceOptions: r.timeInForceOptions ?? existing?.timeInForceOptions ?? ['GTC', 'IOC', 'FOK'],
    makerFee: r.fee ?? existing?.makerFee ?? '0',
    takerFee: r.fee ?? existing?.takerFee ?? '0',
    klineIntervals: existing?.klineIntervals ?? [],
  };
  const maxNotional = r.maxNotional ?? existing?.maxNotional;
  if (maxNotional !== undefined) spec.maxNotional = maxNotional;
  const description = r.description ?? existing?.description;
  if (description !== undefined) spec.description = description;
  // The contract terms an admin cannot express in RpcInstrument (settle asset, margin rates) stay the venue's.
  if (existing?.instrumentType) spec.instrumentType = existing.instrumentType;
  if (existing?.contract) spec.contract = { ...existing.contract, ...(r.contractSize ? { contractSize: r.contractSize } : {}) };
  return spec;
}

export function toRpcSecurity(s: Security): RpcSecurity {
  return { securityId: s.securityId, symbol: s.symbol, externalSymbol: s.externalSymbol, venue: s.venue as RpcSecurity['venue'] };
}
