/**
 * @module binance/symbols
 * Binance names pairs by concatenation ("BTCUSDT"); Cadenza by `BASE/QUOTE`. Concatenation is ambiguous in
 * reverse, so the mapping comes from exchangeInfo's baseAsset/quoteAsset; before that is loaded, only the
 * forward direction (which is unambiguous) is used.
 */
import type { InstrumentSpec } from '@cadenza/domain';

/** 'BTC/USDT' → 'BTCUSDT'. */
export function toExternalSymbol(symbol: string): string {
  const parts = symbol.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`symbol must be BASE/QUOTE, got ${JSON.stringify(symbol)}`);
  return `${parts[0]}${parts[1]}`.toUpperCase();
}

/** Stream names use the lowercase Binance symbol: 'btcusdt@depth@100ms'. */
export function streamSymbol(symbol: string): string {
  return toExternalSymbol(symbol).toLowerCase();
}

/** Both directions of the mapping for the instruments of one exchangeInfo. */
export class SymbolDirectory {
  private readonly byExternal = new Map<string, InstrumentSpec>();
  private readonly bySymbol = new Map<string, InstrumentSpec>();

  constructor(instruments: readonly InstrumentSpec[] = []) {
    this.replace(instruments);
  }

  replace(instruments: readonly InstrumentSpec[]): void {
    this.byExternal.clear();
    this.bySymbol.clear();
    for (const spec of instruments) {
      this.byExternal.set(spec.externalSymbol, spec);
      this.bySymbol.set(spec.symbol, spec);
    }
  }

  get size(): number {
    return this.bySymbol.size;
  }

  bySymbolName(symbol: string): InstrumentSpec | undefined {
    return this.bySymbol.get(symbol);
  }

  byExternalName(external: string): InstrumentSpec | undefined {
    return this.byExternal.get(external.toUpperCase());
  }

  /** The Binance symbol for ours, from exchangeInfo when known. */
  external(symbol: string): string {
    return this.bySymbol.get(symbol)?.externalSymbol ?? toExternalSymbol(symbol);
  }

  /** The quote asset of a symbol ('BTC/USDT' → 'USDT'). */
  quoteAsset(symbol: string): string {
    return this.bySymbol.get(symbol)?.quoteAsset ?? symbol.split('/')[1] ?? '';
  }
}
