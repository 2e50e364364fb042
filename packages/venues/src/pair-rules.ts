/**
 * @module pair-rules
 * The trading rules an in-process venue's built-in pair is configured with (PAPER and MOCK alike); decimals as
 * strings, precisions in digits.
 */
export interface PairRules {
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  lotSize: string;
  minQuantity: string;
  maxQuantity: string;
  minNotional: string;
  basePrecision: number;
  quotePrecision: number;
}
