/**
 * @module account-stream
 * Typed account events from `tradingAccount:{tradingAccountId}`: publications are `AccountEvent`s
 * `{type, data, timestamp}` whose `type` is the contract's event name and `data` its payload model.
 */
import type { AccountEvent, Received } from '@cadenza/contract';
import { channels } from '@cadenza/contract';
import { ChannelStream, type ChannelRegistry } from './channel-stream.ts';

/** Event name → payload data, for the events the account channel carries. */
export type AccountEventMap = Pick<Received.EventDataMap, 'event.trade_order.updated' | 'event.portfolio.updated' | 'event.trading_account.updated' | 'event.trading_account.subscription.updated'>;

/** A `tradingAccount:{id}` stream with typed per-event handlers (only the owner may subscribe: else ProtocolError 103). */
export class AccountStream extends ChannelStream<AccountEvent> {
  readonly tradingAccountId: string;

  constructor(registry: ChannelRegistry, tradingAccountId: string) {
    super(registry, channels.tradingAccount(tradingAccountId));
    this.tradingAccountId = tradingAccountId;
  }

  /** Every event of one type, with its typed payload. */
  onEvent<K extends keyof AccountEventMap>(type: K, cb: (data: AccountEventMap[K], event: AccountEvent<AccountEventMap[K]>) => void): () => void {
    return this.on((event) => {
      if (event && event.type === type) cb(event.data as AccountEventMap[K], event as AccountEvent<AccountEventMap[K]>);
    });
  }

  /** Order changes (`event.trade_order.updated`). */
  onOrderUpdate(cb: (order: Received.RpcTradeOrder) => void): () => void {
    return this.onEvent('event.trade_order.updated', cb);
  }

  /** Portfolio changes (`event.portfolio.updated`). */
  onPortfolio(cb: (portfolio: Received.RpcPortfolio) => void): () => void {
    return this.onEvent('event.portfolio.updated', cb);
  }

  /** Account changes (`event.trading_account.updated`). */
  onAccountUpdate(cb: (account: Received.RpcTradingAccount) => void): () => void {
    return this.onEvent('event.trading_account.updated', cb);
  }
}
