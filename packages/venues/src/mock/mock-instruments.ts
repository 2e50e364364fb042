/**
 * @module mock/mock-instruments
 * The MOCK venue's fixed markets: a reference price and a static, symmetric book around it.
 */
import type { PairRules } from '../pair-rules.ts';

export interface MockInstrumentConfig extends PairRules {
  /** The fixed reference (last/mid) price. */
  price: string;
  /** Best bid and best ask. */
  bid: string;
  ask: string;
  /** Price distance between book levels, and the quantity shown at every level. */
  levelStep: string;
  levelQuantity: string;
}

/** The built-in MOCK markets: BTC/USDT, ETH/USDT, SOL/USDT. */
export const MOCK_INSTRUMENTS: readonly MockInstrumentConfig[] = [
  {
    baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.00001', minQuantity: '0.00001', maxQuantity: '9000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    price: '50000.00', bid: '49999.00', ask: '50001.00', levelStep: '1.00', levelQuantity: '1.00000',
  },
  {
    baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.0001', minQuantity: '0.0001', maxQuantity: '90000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    price: '3000.00', bid: '2999.50', ask: '3000.50', levelStep: '0.50', levelQuantity: '10.0000',
  },
  {
    baseAsset: 'SOL', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '900000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    price: '100.00', bid: '99.99', ask: '100.01', levelStep: '0.01', levelQuantity: '100.000',
  },
];
