/**
 * @module config
 * Tunables of the domain, with defaults. Everything here is a product decision written down in docs/domain.md.
 */
export interface CadenzaConfig {
  /** Balances a new PAPER/MOCK account starts with (asset → decimal string). */
  paperBalances: Record<string, string>;
  /**
   * How long `awaitClosed` holds a submit reply before answering the current state. Below the official clients'
   * default RPC timeout (5 s in centrifuge-js and centrifuge-python), with room for a slow network and a busy
   * server, so the client gets the order instead of a timeout error.
   */
  awaitClosedTimeoutMs: number;
  /** How long a cancel reply waits for the venue's confirmation before answering PENDING_CANCEL. */
  cancelConfirmTimeoutMs: number;
  /**
   * How long a TRAILING_STOP submit waits for a live venue's book it starts from, when nobody held that book yet
   * (market-data/market-holds.ts); within the official clients' default 5 s RPC timeout. No book by then: NO_LIQUIDITY.
   */
  marketWaitMs: number;
  /**
   * Back-off between attempts to start a market stream emulated orders hold when the venue refuses it (doubling from
   * `min` to `max`, each wait jittered to between half and all of it; market-data/market-holds.ts).
   */
  marketHoldRetryMs: { min: number; max: number };
  /** Safety margin on the amount locked for orders priced from the book (MARKET by BASE, SELL by QUOTE, STOP). */
  marketLockBuffer: string;
  /** Levels read from the book to estimate a MARKET order's cost. */
  estimateDepth: number;
  /** Currency the portfolio summary values equity in. */
  valuationCurrency: string;
  /** How long `start()` waits for a venue's instrument list before going on with the cached catalogue. */
  instrumentListWaitMs: number;
  /**
   * How often every venue's instrument list is read again, so new listings appear and a venue that was down at
   * start fills its catalogue. 0 turns the periodic refresh off (requests naming an instrument of a venue whose
   * catalogue is empty or whose last listing failed still trigger one, at most every 30 s per venue).
   */
  instrumentRefreshMs: number;
  /**
   * Mark prices are pushed to an account holding a position (`event.portfolio.updated`) at most this often per
   * instrument, measured in the venue's time. Margin checks follow every mark price regardless.
   */
  markPushIntervalMs: number;
  /** Bars returned per instrument by `query.kline.list`. */
  klineLimit: number;
  /**
   * An order a venue-ledger venue (Binance) does not know this long after it was created never reached it and never
   * will (Binance refuses a request older than its recvWindow, at most 60 s): reconciliation then rejects it (or,
   * if the venue had acknowledged it, cancels it). Younger unknown orders are asked about again when this has passed.
   */
  unknownOrderGraceMs: number;
  /** First delay before reconciliation retries an account whose venue could not be asked; doubles up to 5 min. */
  reconcileRetryMs: number;
  /**
   * How long a closed order stays in memory after it closed, so a venue's late report (a fill that raced the cancel)
   * is still booked, and replies read it without the store. Older closed orders are read from the store.
   */
  closedOrderMemoryMs: number;
  /**
   * Closed orders held in memory at most (besides `closedOrderMemoryMs`), the oldest let go first; orders closed in
   * the last minute are held whatever their number. Bounds memory when orders close faster than an hour's worth fits.
   */
  closedOrderLimit: number;
  /** OTC desk: levels of each linked venue's book a dealer walks to price an RFQ (and to place its hedge). */
  otcBookDepth: number;
  /** OTC desk: first delay before a dealer whose hedge could not be placed is tried again; doubles up to 5 min. */
  hedgeRetryMs: number;
  /**
   * OTC desk: least time between two hedging passes of a dealer. The first trade after a quiet spell is hedged at
   * once; the trades of a burst net into one hedge per interval instead of one order each.
   */
  hedgeIntervalMs: number;
  /**
   * OTC desk: closed quotes held in memory at most (besides `closedOrderMemoryMs`), the oldest let go first. An RFQ
   * replaces the trader's previous quote, so a busy desk closes quotes as fast as it answers RFQs; a closed quote
   * that never traded has no row, and memory is all that answers for it (otc/quote-memory.ts).
   */
  closedQuoteLimit: number;
  /**
   * Trading accounts (not deleted) one user may hold; one more is refused with TRADING_ACCOUNT_LIMIT_REACHED (12009).
   * 0 = unlimited. Accounts an administrator saves for a user are not counted against it.
   */
  maxAccountsPerUser: number;
  /** Open orders one trading account may hold; one more is refused with OPEN_ORDER_LIMIT_REACHED (11014). 0 = unlimited. */
  maxOpenOrdersPerAccount: number;
  /** Server identity for `query.system.info` / `query.system.check`. */
  system: { name: string; version: string; description: string; documentation: string };
}

export const defaultConfig: CadenzaConfig = {
  paperBalances: { USDT: '100000', BTC: '1', ETH: '10' },
  awaitClosedTimeoutMs: 3_000,
  cancelConfirmTimeoutMs: 2_000,
  marketWaitMs: 2_000,
  marketHoldRetryMs: { min: 500, max: 30_000 },
  marketLockBuffer: '0.05',
  estimateDepth: 100,
  valuationCurrency: 'USDT',
  instrumentListWaitMs: 5_000,
  instrumentRefreshMs: 6 * 3_600_000,
  klineLimit: 100,
  markPushIntervalMs: 1_000,
  unknownOrderGraceMs: 60_000,
  reconcileRetryMs: 5_000,
  closedOrderMemoryMs: 3_600_000,
  closedOrderLimit: 100_000,
  otcBookDepth: 100,
  hedgeRetryMs: 5_000,
  hedgeIntervalMs: 25,
  closedQuoteLimit: 100_000,
  maxAccountsPerUser: 100,
  maxOpenOrdersPerAccount: 1_000,
  system: {
    name: 'Cadenza',
    version: '0.1.0',
    description: 'Real-time trading API: Centrifugo-compatible WebSocket RPC and channels, paper and live venues.',
    documentation: '/docs',
  },
};

/** What a caller may override: any tunable, and any part of the server identity. */
export type CadenzaConfigInput = Partial<Omit<CadenzaConfig, 'system'>> & { system?: Partial<CadenzaConfig['system']> };

export function resolveConfig(partial: CadenzaConfigInput | undefined): CadenzaConfig {
  return { ...defaultConfig, ...partial, system: { ...defaultConfig.system, ...partial?.system } };
}
