/**
 * @module bitfinex/symbols
 * Bitfinex names trading pairs `t` + pair: six letters for two three-letter currencies (`tBTCUSD`), otherwise
 * `BASE:QUOTE` (`tTESTBTC:TESTUSD`, `tDOGE:USD`). Some currencies have Bitfinex-only codes; the ones that differ
 * from the common ticker are mapped (UST is Tether USDt, …), both ways.
 */

const TO_COMMON: Readonly<Record<string, string>> = { UST: 'USDT', UDC: 'USDC', EUT: 'EURT', XAUT: 'XAUT', TSD: 'TUSD', DSH: 'DASH', IOT: 'IOTA', QTM: 'QTUM' };
const TO_BITFINEX: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(TO_COMMON).map(([k, v]) => [v, k]));

export function commonCurrency(code: string): string {
  return TO_COMMON[code] ?? code;
}

/** 'BTCUSD' | 'TESTBTC:TESTUSD' → [base, quote] in Bitfinex codes. */
export function splitPair(pair: string): [string, string] {
  if (pair.includes(':')) {
    const [b, q] = pair.split(':');
    if (!b || !q) throw new Error(`bad Bitfinex pair ${pair}`);
    return [b, q];
  }
  if (pair.length !== 6) throw new Error(`bad Bitfinex pair ${pair}`);
  return [pair.slice(0, 3), pair.slice(3)];
}

/** 'BTC/USD' → 'tBTCUSD'; 'TESTBTC/TESTUSD' → 'tTESTBTC:TESTUSD'. */
export function toBitfinexSymbol(symbol: string): string {
  const [base, quote] = symbol.split('/').map((c) => TO_BITFINEX[c!] ?? c!) as [string, string];
  return base.length === 3 && quote.length === 3 ? `t${base}${quote}` : `t${base}:${quote}`;
}

/** 'BTCUSD' → 'BTC/USD', 'BTCUST' → 'BTC/USDT'. */
export function fromBitfinexPair(pair: string): { symbol: string; base: string; quote: string } {
  const [b, q] = splitPair(pair);
  const base = commonCurrency(b);
  const quote = commonCurrency(q);
  return { symbol: `${base}/${quote}`, base, quote };
}

/** Paper-trading pairs trade TEST currencies only. */
export function isTestPair(pair: string): boolean {
  const [b, q] = splitPair(pair);
  return b.startsWith('TEST') && q.startsWith('TEST');
}
