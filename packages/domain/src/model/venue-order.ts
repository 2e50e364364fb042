/**
 * @module model/venue-order
 * What the domain and a venue say to each other about orders and accounts: the order handed to a venue, the account
 * (with its decrypted credential) it acts for, cancel and query requests, the venue's reports (`ExecutionEvent`) and
 * its view of one order (`VenueOrderState`).
 */
import type { DecimalString, EpochMs, LiquiditySide, OrderSideValue } from './primitives.ts';

/** An order as the domain hands it to a venue, after its own checks. */
export interface VenueOrder {
  tradeOrderId: string;
  clientOrderId: string;
  tradingAccountId: string;
  instrumentId: string;
  symbol: string;
  side: OrderSideValue;
  /** OrderType value: 'MARKET', 'LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT', … */
  orderType: string;
  /** TimeInForce value; defaults per type are applied by the domain before this point. */
  timeInForce: string;
  /** 'BASE': `quantity` is in the base asset; 'QUOTE': `quantity` is an amount of the quote asset to spend/receive. */
  quantityType: 'BASE' | 'QUOTE';
  quantity: DecimalString;
  limitPrice?: DecimalString;
  stopPrice?: DecimalString;
  /** For TRAILING_STOP: distance from the best price, as a price difference. */
  trailingDelta?: DecimalString;
  /** For GTD. */
  expireAt?: EpochMs;
  // ── derivative instruments only (absent on spot orders) ──
  /** The order may only reduce a position (a close, a liquidation): venues refuse or shrink what would increase one. */
  reduceOnly?: boolean;
  /** HEDGE position mode: the position side the order acts on (BUY + SHORT reduces a short). NETTING: absent. */
  positionSide?: 'LONG' | 'SHORT';
  /** The leverage the position is margined at; venues with per-instrument leverage set it before placing. */
  leverage?: number;
  marginMode?: 'CROSS' | 'ISOLATED';
}

/**
 * A venue's view of one derivative position of the account (venues that keep the ledger). Quantities in contracts,
 * unsigned; amounts in `settleAsset`. Optional figures are the venue's own where it reports them.
 */
export interface VenuePosition {
  /** The venue symbol of the instrument, e.g. 'BTC-PERPETUAL'. */
  symbol: string;
  side: 'LONG' | 'SHORT';
  quantity: DecimalString;
  entryPrice: DecimalString;
  settleAsset: string;
  markPrice?: DecimalString;
  unrealizedPnl?: DecimalString;
  realizedPnl?: DecimalString;
  leverage?: number;
  marginMode?: 'CROSS' | 'ISOLATED';
  /** ISOLATED: collateral posted to the position. */
  isolatedMargin?: DecimalString;
  initialMargin?: DecimalString;
  maintenanceMargin?: DecimalString;
  liquidationPrice?: DecimalString;
  externalPositionId?: string;
  updatedAt?: EpochMs;
}

/** The venue-side identity of a trading account; secrets are already decrypted and must never be logged. */
export interface VenueAccount {
  tradingAccountId: string;
  externalAccountId?: string;
  credential?: VenueCredential;
}

export interface VenueCredential {
  credentialType: string;
  apiKey: string;
  secretKey: string;
  secretPassphrase?: string;
}

export interface CancelRequest {
  tradeOrderId: string;
  clientOrderId: string;
  externalOrderId?: string;
  tradingAccountId: string;
  symbol: string;
}

/**
 * New terms for a working order (`Venue.amendOrder`). `quantity` is what remains to fill (the new total less what is
 * filled); a price not given stays as it is.
 */
export interface AmendRequest extends CancelRequest {
  quantity: DecimalString;
  limitPrice?: DecimalString;
  stopPrice?: DecimalString;
  /** TRAILING_STOP: the new distance, as a price difference. */
  trailingDelta?: DecimalString;
}

interface ExecutionBase {
  tradeOrderId: string;
  tradingAccountId: string;
  /** The venue's order id, once known. */
  externalOrderId?: string;
  /** The venue's id of the list the order is a leg of, when the venue placed the list natively. */
  externalOrderListId?: string;
  timestamp: EpochMs;
}

/**
 * An order list (OCO, OTO, OTOCO) for a venue that places lists natively (`Venue.submitOrderList`): its legs, each an
 * order the domain has recorded, with its part in the list. OCO: TAKE_PROFIT and STOP_LOSS on the list's side.
 * OTO/OTOCO: the ENTRY (working order) and its exits on the other side, which the venue holds until the entry fills.
 */
export interface VenueOrderList {
  /** Ours (`orderListId` without dashes fits the venues' client list ids). */
  orderListId: string;
  contingencyType: 'OCO' | 'OTO' | 'OTOCO';
  tradingAccountId: string;
  symbol: string;
  legs: Array<VenueOrder & { role: 'ENTRY' | 'TAKE_PROFIT' | 'STOP_LOSS' }>;
}

/** Everything a venue reports about orders and accounts. */
export type ExecutionEvent =
  | (ExecutionBase & { type: 'accepted' })
  | (ExecutionBase &
      Omit<VenueFill, 'timestamp'> & {
        type: 'filled';
        /**
         * Optional: true when this fill completes the order — nothing more will be reported for it. Venues set it when
         * they know. For QUOTE-quantity orders it is how the domain learns the order is done (the remaining amount may
         * be too small to buy one more lot, so the filled base quantity never "adds up" to the order's quantity).
         */
        final?: boolean;
      })
  | (ExecutionBase & { type: 'cancelled'; reason: string })
  | (ExecutionBase & { type: 'rejected'; reason: string })
  | (ExecutionBase & { type: 'expired'; reason?: string })
  /** A trailing stop's trigger moved with the market (never against the position): `stopPrice` is where it is now. */
  | (ExecutionBase & { type: 'trailed'; stopPrice: DecimalString })
  /** A venue-reported balance snapshot (real venues); the domain reconciles its portfolio to it. */
  | {
      type: 'balances';
      tradingAccountId: string;
      balances: Array<{ asset: string; free: DecimalString; locked: DecimalString }>;
      timestamp: EpochMs;
    }
  /**
   * A venue-reported snapshot of the account's derivative positions (ledger 'venue'): the domain replaces its own
   * with it — a position missing from the list is closed (the venue liquidated, settled or expired it). Sent after
   * connect, after a reconnect, and whenever the venue's position stream says something changed.
   */
  | { type: 'positions'; tradingAccountId: string; positions: VenuePosition[]; timestamp: EpochMs }
  /**
   * One funding payment on one position (ledger 'venue'): `amount` received (positive) or paid (negative) in `asset`.
   * `fundingId` is unique per venue and account: a repeated one is a duplicate and changes nothing.
   */
  | {
      type: 'funding';
      tradingAccountId: string;
      symbol: string;
      side?: 'LONG' | 'SHORT';
      amount: DecimalString;
      asset: string;
      rate?: DecimalString;
      fundingId: string;
      timestamp: EpochMs;
    }
  /**
   * The venue may have missed reporting something for this account (e.g. its event stream dropped and came back):
   * the domain asks `queryOrder` about each of the account's open orders and refreshes its balances. Carries no
   * order state itself.
   */
  | { type: 'resync'; tradingAccountId: string; reason: string; timestamp: EpochMs };

/** Which order `queryOrder` asks about: our ids, and the venue's when it is known. */
export interface OrderQuery {
  tradeOrderId: string;
  clientOrderId: string;
  externalOrderId?: string;
  tradingAccountId: string;
  symbol: string;
}

/**
 * The venue's view of one order. `OPEN` covers new and partly filled orders still working (and a cancel the venue
 * has not completed); the other statuses are final.
 */
export type VenueOrderStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';

/** One execution as the venue lists it (and, with the order's ids, as its live `filled` report carries it). */
export interface VenueFill {
  /** Unique per venue + order: a repeated tradeId is a duplicate report and must be ignored. */
  tradeId: string;
  price: DecimalString;
  /** Base quantity of this fill. */
  quantity: DecimalString;
  /** Fee charged for this fill, in `feeAsset`. */
  fee: DecimalString;
  feeAsset: string;
  liquidity: LiquiditySide;
  timestamp: EpochMs;
}

export interface VenueOrderState {
  status: VenueOrderStatus;
  externalOrderId?: string;
  /** Base quantity executed so far, as the venue totals it. */
  executedQuantity: DecimalString;
  /** Quote amount executed so far (Σ price × quantity), when the venue reports it. */
  executedCost?: DecimalString;
  /**
   * Every fill of the order the venue still lists, oldest first. May be shorter than `executedQuantity` says when
   * the venue no longer lists old trades; the domain books what is here and logs the gap.
   */
  fills: VenueFill[];
  /** Why the order ended, for CANCELLED / EXPIRED / REJECTED (the venue's words). */
  reason?: string;
  /** When the venue last changed the order. */
  updatedAt?: EpochMs;
}
