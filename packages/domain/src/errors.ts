/**
 * @module errors
 * The domain's error catalogue: every refusal the domain can answer carries an AABBB code from `errorCodes`
 * (AA = module, BBB = error within the module). `docs/errors.md` lists the same table; a test keeps them equal.
 *
 * Services throw `DomainError` for expected refusals (not found, validation, insufficient balance, venue
 * rejection); the RPC layer turns it into the contract's `RpcError`. Invariant breaks are plain `Error`s.
 */
import { boundedText, MAX_MESSAGE_CHARS } from './bounded-text.ts';

/** Modules (the AA part). */
export const errorModules = {
  10: 'common / validation',
  11: 'trade orders',
  12: 'trading accounts',
  13: 'credentials',
  14: 'portfolios, balances, positions and margin',
  15: 'instruments and market data',
  16: 'subscriptions',
  18: 'the OTC desk (Fermata): dealers, quotes, wallets',
  19: 'venues',
} as const;

/** The catalogue: name → code and default message. `temporary` = retrying the same call may succeed. */
export const errorCodes = {
  VALIDATION_FAILED: { code: 10001, message: 'invalid params' },
  NOT_SUPPORTED: { code: 10002, message: 'method not supported' },
  STORE_UNAVAILABLE: { code: 10003, message: 'the database is unavailable; retry shortly', temporary: true },

  INVALID_ORDER_PARAMETERS: { code: 11000, message: 'invalid order parameters' },
  ORDER_NOT_FOUND: { code: 11001, message: 'trade order not found' },
  ORDER_TYPE_NOT_ALLOWED: { code: 11002, message: 'order type not allowed for this instrument' },
  TIME_IN_FORCE_NOT_ALLOWED: { code: 11003, message: 'time in force not allowed for this instrument' },
  PRICE_NOT_ON_TICK: { code: 11004, message: 'price is not a multiple of the tick size' },
  QUANTITY_NOT_ON_LOT: { code: 11005, message: 'quantity is not a multiple of the lot size' },
  QUANTITY_OUT_OF_RANGE: { code: 11006, message: 'quantity outside the instrument limits' },
  NOTIONAL_TOO_SMALL: { code: 11007, message: 'order value below the minimum notional' },
  NOTIONAL_TOO_LARGE: { code: 11008, message: 'order value above the maximum notional' },
  ORDER_NOT_CANCELLABLE: { code: 11009, message: 'trade order is already closed' },
  QUANTITY_TYPE_NOT_SUPPORTED: { code: 11010, message: 'quantity type not supported for this order' },
  NO_LIQUIDITY: { code: 11011, message: 'no market liquidity to price the order', temporary: true },
  INVALID_ORDER_TRANSITION: { code: 11013, message: 'illegal order status transition' },
  OPEN_ORDER_LIMIT_REACHED: { code: 11014, message: 'the trading account holds as many open orders as it may' },

  TRADING_ACCOUNT_NOT_FOUND: { code: 12001, message: 'trading account not found' },
  INVALID_ACCOUNT_TRANSITION: { code: 12002, message: 'operation not allowed in the account status' },
  TRADING_ACCOUNT_NOT_ACTIVE: { code: 12003, message: 'trading account is not active' },
  TRADING_ACCOUNT_HAS_OPEN_ORDERS: { code: 12004, message: 'trading account has open orders' },
  CREDENTIAL_REQUIRED: { code: 12005, message: 'trading account needs an active credential' },
  INVALID_ACCOUNT_PARAMETERS: { code: 12006, message: 'invalid trading account parameters' },
  ACCOUNT_VENUE_MISMATCH: { code: 12007, message: 'instrument venue differs from the trading account venue' },
  EXTERNAL_ACCOUNT_TAKEN: { code: 12008, message: 'the external account is connected by another user' },
  TRADING_ACCOUNT_LIMIT_REACHED: { code: 12009, message: 'the user holds as many trading accounts as they may' },

  CREDENTIAL_NOT_FOUND: { code: 13001, message: 'credential not found' },
  CREDENTIAL_REVOKED: { code: 13002, message: 'credential is revoked' },
  CREDENTIAL_VERIFICATION_FAILED: { code: 13003, message: 'credential rejected by the venue' },
  INVALID_CREDENTIAL_PARAMETERS: { code: 13004, message: 'invalid credential parameters' },

  INSUFFICIENT_BALANCE: { code: 14001, message: 'insufficient balance' },
  MARGIN_INSUFFICIENT: { code: 14002, message: 'insufficient margin' },
  POSITION_NOT_FOUND: { code: 14003, message: 'position not found' },

  INSTRUMENT_NOT_FOUND: { code: 15001, message: 'instrument not found' },
  INSTRUMENT_NOT_ACTIVE: { code: 15002, message: 'instrument is not active' },
  MARKET_DATA_UNAVAILABLE: { code: 15003, message: 'market data not available', temporary: true },
  INVALID_MARKET_QUERY: { code: 15004, message: 'invalid market data query' },
  SECURITY_NOT_FOUND: { code: 15005, message: 'security not found' },

  SUBSCRIPTION_NOT_FOUND: { code: 16001, message: 'subscription not found' },
  INVALID_SUBSCRIPTION: { code: 16002, message: 'invalid subscription parameters' },
  FEED_UNAVAILABLE: { code: 16003, message: 'venue feed could not be started', temporary: true },

  DEALER_NOT_FOUND: { code: 18001, message: 'dealer not found' },
  INVALID_DEALER_PARAMETERS: { code: 18002, message: 'invalid dealer parameters' },
  INVALID_DEALER_TRANSITION: { code: 18003, message: 'operation not allowed in the dealer status' },
  DEALER_NOT_FLAT: { code: 18004, message: 'dealer has open exposure or hedges in flight' },
  DEALER_LINK_INVALID: { code: 18005, message: 'trading account cannot be linked to the dealer' },
  DEALER_NOT_ACTIVE: { code: 18006, message: 'dealer is archived' },
  INVALID_QUOTE_REQUEST: { code: 18010, message: 'invalid quote request' },
  QUOTE_NOT_FOUND: { code: 18011, message: 'quote not found' },
  QUOTE_EXPIRED: { code: 18012, message: 'quote expired' },
  QUOTE_ALREADY_USED: { code: 18013, message: 'quote already accepted' },
  QUOTE_NOT_ACCEPTABLE: { code: 18014, message: 'quote was rejected or replaced' },
  QUOTE_MISMATCH: { code: 18015, message: 'order does not match the quote' },

  WALLET_NOT_FOUND: { code: 18021, message: 'wallet not found' },
  WALLET_FROZEN: { code: 18022, message: 'wallet is frozen' },
  WALLET_CLOSED: { code: 18023, message: 'wallet is closed' },
  INVALID_TRANSFER: { code: 18024, message: 'invalid transfer' },
  INVALID_WALLET_TRANSITION: { code: 18025, message: 'operation not allowed in the wallet status' },

  VENUE_NOT_CONFIGURED: { code: 19001, message: 'venue not available on this server' },
  VENUE_UNAVAILABLE: { code: 19002, message: 'venue unavailable', temporary: true },
  VENUE_CAPABILITY_MISSING: { code: 19003, message: 'venue does not support this operation' },
} as const satisfies Record<string, { code: number; message: string; temporary?: boolean }>;

export type ErrorName = keyof typeof errorCodes;

/**
 * An expected refusal with its catalogue code; `message` is safe to show to the caller (never secrets) and bounded:
 * sites quote client input through `boundedText`, and the whole message never exceeds 300 characters.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: number;
  readonly errorName: ErrorName;
  readonly temporary: boolean;

  constructor(errorName: ErrorName, message?: string, options?: { cause?: unknown; temporary?: boolean }) {
    const entry = errorCodes[errorName];
    super(boundedText(message ?? entry.message, MAX_MESSAGE_CHARS - 1), options?.cause === undefined ? undefined : { cause: options.cause });
    this.errorName = errorName;
    this.code = entry.code;
    this.temporary = options?.temporary ?? ('temporary' in entry ? entry.temporary : false);
  }

  /** The contract's `RpcError` shape. */
  toRpcError(): { code: number; message: string; temporary?: boolean } {
    return this.temporary ? { code: this.code, message: this.message, temporary: true } : { code: this.code, message: this.message };
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/**
 * One line for a log: the messages of an error and its causes, outermost first, repeats dropped — for failures that
 * are expected in operation (a venue offline), where a stack trace is noise.
 */
export function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 8; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}
