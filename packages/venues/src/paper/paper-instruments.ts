/**
 * @module paper/paper-instruments
 * The PAPER venue's instrument catalogue: trading rules (tick, lot, min notional, precision, fees) and the simulated
 * market's character (start price, volatility, spread, depth) per pair. Instrument ids are 'PAPER:BTC/USDT',
 * external symbols 'BTCUSDT'. Perpetuals ('PAPER:BTC-PERP') are linear USDT-margined contracts of one base unit each
 * (quantities in BTC), traded on a simulated market of their own (docs/derivatives.md).
 */
import type { InstrumentSpec } from '@cadenza/domain';
import { ENGINE_ORDER_TYPES, ENGINE_TIME_IN_FORCE } from './matching/engine-messages.ts';
import { KLINE_INTERVALS } from '@cadenza/domain';
import type { PairRules } from '../pair-rules.ts';

/** Default fees: 0.08 % maker, 0.10 % taker (Binance's regular spot tier is 0.10 % / 0.10 %). */
export const DEFAULT_MAKER_FEE = '0.0008';
export const DEFAULT_TAKER_FEE = '0.001';

/** How the simulated market of one pair behaves. Floats: intent only, snapped to ticks/lots when quoting. */
export interface MarketCharacter {
  /** Where the fair price starts (decimal string). */
  startPrice: string;
  /** Annualised volatility of the fair-price random walk, e.g. 0.6 = 60 %. */
  annualVolatility: number;
  /** Half the market makers' inside spread, in basis points of the fair price (at least one tick). */
  halfSpreadBps: number;
  /** Distance between a maker's successive levels, in basis points (at least one tick). */
  levelStepBps: number;
  /** Quote-asset notional a maker shows at its first level; deeper levels show more. */
  levelNotional: number;
}

/** What makes a PAPER instrument a perpetual: its name and the venue's margin terms. */
export interface PaperPerpetualTerms {
  /** The contract's name, e.g. 'BTC-PERP' (also its symbol and external symbol). */
  symbol: string;
  maxLeverage: number;
  /** Maintenance margin as a fraction of the position's value at mark, e.g. "0.005". */
  maintenanceMarginRate: string;
}

/** One PAPER pair: trading rules plus the character of its simulated market. */
export interface PaperInstrumentConfig extends PairRules {
  makerFee?: string;
  takerFee?: string;
  market: MarketCharacter;
  /** Present on perpetuals: fees, PnL and funding are then in the quote asset (the settle asset). */
  perpetual?: PaperPerpetualTerms;
}

/** Perpetuals settle funding every 8 h (00:00, 08:00, 16:00 UTC) unless the venue is configured otherwise. */
export const DEFAULT_FUNDING_INTERVAL_MS = 8 * 3_600_000;

/** The symbol a PAPER instrument trades under: 'BTC/USDT', or a perpetual's name. */
export function paperSymbol(c: PaperInstrumentConfig): string {
  return c.perpetual?.symbol ?? `${c.baseAsset}/${c.quoteAsset}`;
}

/** The built-in catalogue, in listing order. */
export const PAPER_INSTRUMENTS: readonly PaperInstrumentConfig[] = [
  {
    baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.00001', minQuantity: '0.00001', maxQuantity: '9000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '64250.00', annualVolatility: 0.6, halfSpreadBps: 1, levelStepBps: 1, levelNotional: 60_000 },
  },
  {
    baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.0001', minQuantity: '0.0001', maxQuantity: '90000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '3150.00', annualVolatility: 0.75, halfSpreadBps: 1.5, levelStepBps: 1.5, levelNotional: 40_000 },
  },
  {
    baseAsset: 'SOL', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '900000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '145.20', annualVolatility: 0.95, halfSpreadBps: 3, levelStepBps: 2.5, levelNotional: 15_000 },
  },
  {
    baseAsset: 'BNB', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '900000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '585.40', annualVolatility: 0.7, halfSpreadBps: 2.5, levelStepBps: 2, levelNotional: 12_000 },
  },
  {
    baseAsset: 'XRP', quoteAsset: 'USDT', tickSize: '0.0001', lotSize: '0.1', minQuantity: '0.1', maxQuantity: '9000000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '0.5230', annualVolatility: 0.9, halfSpreadBps: 3, levelStepBps: 3, levelNotional: 8_000 },
  },
  {
    baseAsset: 'DOGE', quoteAsset: 'USDT', tickSize: '0.00001', lotSize: '1', minQuantity: '1', maxQuantity: '90000000',
    minNotional: '1', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '0.12450', annualVolatility: 1.1, halfSpreadBps: 4, levelStepBps: 4, levelNotional: 5_000 },
  },
  {
    baseAsset: 'ETH', quoteAsset: 'BTC', tickSize: '0.00001', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '100000',
    minNotional: '0.0001', basePrecision: 8, quotePrecision: 8,
    market: { startPrice: '0.04903', annualVolatility: 0.5, halfSpreadBps: 2, levelStepBps: 2, levelNotional: 0.5 },
  },
  // Perpetuals: fees of Binance's USDⓈ-M regular tier (0.02 % maker, 0.05 % taker), its BTC and ETH leverage caps
  // and first-bracket maintenance rates.
  {
    baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.1', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '1000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8, makerFee: '0.0002', takerFee: '0.0005',
    perpetual: { symbol: 'BTC-PERP', maxLeverage: 125, maintenanceMarginRate: '0.004' },
    market: { startPrice: '64250.0', annualVolatility: 0.6, halfSpreadBps: 1, levelStepBps: 1, levelNotional: 80_000 },
  },
  {
    baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01', lotSize: '0.001', minQuantity: '0.001', maxQuantity: '10000',
    minNotional: '5', basePrecision: 8, quotePrecision: 8, makerFee: '0.0002', takerFee: '0.0005',
    perpetual: { symbol: 'ETH-PERP', maxLeverage: 100, maintenanceMarginRate: '0.005' },
    market: { startPrice: '3150.00', annualVolatility: 0.75, halfSpreadBps: 1.5, levelStepBps: 1.5, levelNotional: 50_000 },
  },
];

/** The port's instrument description of one PAPER instrument; `fundingIntervalMs` for perpetuals. */
export function instrumentSpec(venue: string, c: PaperInstrumentConfig, fundingIntervalMs = DEFAULT_FUNDING_INTERVAL_MS): InstrumentSpec {
  const symbol = paperSymbol(c);
  const spec: InstrumentSpec = {
    instrumentId: `${venue}:${symbol}`,
    venue,
    symbol,
    externalSymbol: c.perpetual ? symbol : `${c.baseAsset}${c.quoteAsset}`,
    baseAsset: c.baseAsset,
    quoteAsset: c.quoteAsset,
    status: 'ACTIVE',
    tickSize: c.tickSize,
    lotSize: c.lotSize,
    minQuantity: c.minQuantity,
    maxQuantity: c.maxQuantity,
    minNotional: c.minNotional,
    basePrecision: c.basePrecision,
    quotePrecision: c.quotePrecision,
    orderTypes: [...ENGINE_ORDER_TYPES],
    timeInForceOptions: [...ENGINE_TIME_IN_FORCE],
    makerFee: c.makerFee ?? DEFAULT_MAKER_FEE,
    takerFee: c.takerFee ?? DEFAULT_TAKER_FEE,
    klineIntervals: [...KLINE_INTERVALS],
    description: `${symbol} on the simulated PAPER market`,
  };
  if (c.perpetual) {
    spec.instrumentType = 'PERPETUAL';
    spec.contract = {
      contractSize: '1',
      settleAsset: c.quoteAsset,
      underlying: `${c.baseAsset}/${c.quoteAsset}`,
      maxLeverage: c.perpetual.maxLeverage,
      maintenanceMarginRate: c.perpetual.maintenanceMarginRate,
      fundingIntervalMs,
    };
    spec.description = `${symbol}: a ${c.quoteAsset}-margined perpetual on ${c.baseAsset} on the simulated PAPER market`;
  }
  return spec;
}
