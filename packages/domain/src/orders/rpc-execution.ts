/**
 * @module orders/rpc-execution
 * A fill in the shape of the `RpcTradeExecution` this server adds (docs/extensions.md): the RPC twin of the
 * contract's REST `TradeExecution`, with ISO times. `executedCost` is price × quantity in the quote asset. Amounts
 * are written as the order writes its own (`executedQuantity`, `fees`): a venue's fixed-scale text ("0.03000",
 * "64266.50", PAPER's and Binance's) loses its trailing zeros, so a fill and its order agree to the character.
 */
import type { RpcTradeExecution } from '@cadenza/contract';
import { dec, str } from '../model/decimal.ts';
import { toIso } from '../model/time.ts';
import type { Fill } from '../model/order.ts';

/** `text` without the trailing zeros of its fraction (and without the point when nothing is left of it). */
function plain(text: string): string {
  if (!text.includes('.') || !text.endsWith('0')) return text;
  const out = text.replace(/0+$/, '');
  return out.endsWith('.') ? out.slice(0, -1) : out;
}

export function toRpcTradeExecution(f: Fill): RpcTradeExecution {
  return {
    executionId: f.executionId,
    tradeOrderId: f.tradeOrderId,
    tradingAccountId: f.tradingAccountId,
    externalTradeId: f.tradeId,
    venue: f.venue,
    instrumentId: f.instrumentId,
    orderSide: f.side,
    executedQuantity: plain(f.quantity),
    executedPrice: plain(f.price),
    executedCost: str(dec(f.price).mul(f.quantity)),
    fees: dec(f.fee).isZero() ? [] : [{ asset: f.feeAsset, quantity: plain(f.fee) }],
    liquidity: f.liquidity,
    executedAt: toIso(f.timestamp),
  };
}
