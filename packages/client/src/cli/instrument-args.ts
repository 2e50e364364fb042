/**
 * @module cli/instrument-args
 * Instrument ids and symbols as typed on the command line: a spot pair `BTC/USDT`, or a derivative's own contract
 * name as its venue spells it (`BTC-PERP`, `BTC-PERPETUAL`, `BTC-27JUN25-60000-C`, Hyperliquid's `BTC`), the grammar
 * of `@cadenza/contract`'s channels. Case does not matter (`paper:btc-perp` is `PAPER:BTC-PERP`), except in a name
 * typed in mixed case, which is kept as typed: venues spell a few that way (Hyperliquid's `kPEPE`).
 */
import { isMarketSymbol, parseInstrumentId, type Venue } from '@cadenza/contract';
import { UsageError } from './context.ts';

const EXAMPLES = 'BTC/USDT or BTC-PERP';

/** The symbol as the server spells it: upper case, unless typed in mixed case. */
function spelled(symbol: string): string {
  return /[a-z]/.test(symbol) && /[A-Z]/.test(symbol) ? symbol : symbol.toUpperCase();
}

/** A symbol argument, or a UsageError naming the forms it takes. */
export function symbolArg(s: string | undefined): string {
  const symbol = spelled(s ?? '');
  if (!isMarketSymbol(symbol)) throw new UsageError(`expected a symbol like ${EXAMPLES}, got ${JSON.stringify(s ?? '')}`);
  return symbol;
}

/** A `VENUE:SYMBOL` instrument id argument, or a UsageError naming the forms it takes. */
export function instrumentArg(s: string | undefined): { instrumentId: string; venue: Venue; symbol: string } {
  const i = s?.indexOf(':') ?? -1;
  const parsed = s && i > 0 ? parseInstrumentId(`${s.slice(0, i).toUpperCase()}:${spelled(s.slice(i + 1))}`) : undefined;
  if (!parsed) throw new UsageError(`expected an instrument id like PAPER:BTC/USDT or PAPER:BTC-PERP, got ${JSON.stringify(s ?? '')}`);
  return { instrumentId: `${parsed.venue}:${parsed.symbol}`, ...parsed };
}
