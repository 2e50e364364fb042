/**
 * @module orders/rpc-execution
 * A fill in the shape of the `RpcTradeExecution` this server adds (docs/extensions.md): the RPC twin of the
 * contract's REST `TradeExecution`, with ISO times. `executedCost` is price × quantity in the quote asset.
 */
import type { RpcTradeExecution } from '@cadenza/contract';
import { dec, str } from '../model/decimal.ts';
import { toIso } from '../model/time.ts';
import type { Fill } from '../model/order.ts';

export function toRpcTradeExecution(f: Fill): RpcTradeExecution {
  return {
    executionId: f.executionId,
    tradeOrderId: f.tradeOrderId,
    tradingAccountId: f.tradingAccountId,
    externalTradeId: f.tradeId,
    venue: f.venue,
    instrumentId: f.instrumentId,
    orderSide: f.side,
    executedQuantity: f.quantity,
    executedPrice: f.price,
    executedCost: str(dec(f.price).mul(f.quantity)),
    fees: dec(f.fee).isZero() ? [] : [{ asset: f.feeAsset, quantity: f.fee }],
    liquidity: f.liquidity,
    executedAt: toIso(f.timestamp),
  };
}
