/**
 * @module sqlite/filters
 * The WHERE clauses of the domain store's list queries, one per filter of the Store port. A filter naming an empty
 * set of ids matches nothing: undefined, and the store answers without asking SQLite.
 */
import type { CredentialFilter, FillFilter, OrderFilter, SubscriptionFilter, TradingAccountFilter } from '@cadenza/domain';

export interface Where {
  /** `WHERE …`, or '' when nothing is filtered. */
  sql: string;
  args: unknown[];
}

class Clauses {
  private readonly parts: string[] = [];
  readonly args: unknown[] = [];
  /** False once a clause can match nothing. */
  any = true;

  raw(clause: string, ...args: unknown[]): this {
    this.parts.push(clause);
    this.args.push(...args);
    return this;
  }

  eq(column: string, value: unknown): this {
    return value === undefined ? this : this.raw(`${column} = ?`, value);
  }

  in(column: string, values: readonly string[] | undefined): this {
    if (values === undefined) return this;
    if (values.length === 0) this.any = false;
    return this.raw(`${column} IN (${values.map(() => '?').join(',')})`, ...values);
  }

  where(): Where | undefined {
    if (!this.any) return undefined;
    return { sql: this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '', args: this.args };
  }
}

export function accountsWhere(f: TradingAccountFilter): Where | undefined {
  const c = new Clauses().raw('deleted_at IS NULL').eq('user_id', f.userId).eq('trading_account_id', f.tradingAccountId).eq('venue', f.venue).eq('status', f.status);
  if (f.tenantId !== undefined) c.raw("json_extract(body, '$.tenantId') = ?", f.tenantId);
  return c.where();
}

export function credentialsWhere(f: CredentialFilter): Where | undefined {
  return new Clauses()
    .eq('user_id', f.userId)
    .in('credential_id', f.credentialIds)
    .eq('venue', f.venue)
    .eq('credential_type', f.credentialType)
    .eq('status', f.status)
    .eq('trading_account_id', f.tradingAccountId)
    .where();
}

export function ordersWhere(f: OrderFilter): Where | undefined {
  const c = new Clauses()
    .in('trading_account_id', f.tradingAccountIds)
    .eq('trade_order_id', f.tradeOrderId)
    .eq('instrument_id', f.instrumentId)
    .eq('side', f.side)
    .eq('order_type', f.orderType)
    .eq('status', f.status);
  if (f.createdFrom !== undefined) c.raw('created_at >= ?', f.createdFrom);
  if (f.createdTo !== undefined) c.raw('created_at <= ?', f.createdTo);
  c.eq('order_list_id', f.orderListId);
  if (f.externalOrderListId !== undefined) c.raw("json_extract(body, '$.externalOrderListId') = ?", f.externalOrderListId);
  return c.where();
}

export function fillsWhere(f: FillFilter): Where | undefined {
  const c = new Clauses().in('trading_account_id', f.tradingAccountIds).eq('trade_order_id', f.tradeOrderId).in('trade_order_id', f.tradeOrderIds).eq('instrument_id', f.instrumentId);
  if (f.executedFrom !== undefined) c.raw('timestamp >= ?', f.executedFrom);
  if (f.executedTo !== undefined) c.raw('timestamp <= ?', f.executedTo);
  return c.where();
}

export function subscriptionsWhere(f: SubscriptionFilter): Where | undefined {
  const c = new Clauses()
    .eq('user_id', f.userId)
    .eq('trading_account_id', f.tradingAccountId)
    .eq('venue', f.venue)
    .in('instrument_id', f.instrumentIds)
    .eq('subscription_type', f.subscriptionType)
    .eq('status', f.status);
  if (f.subscriptionTypePrefix !== undefined) c.raw('substr(subscription_type, 1, ?) = ?', f.subscriptionTypePrefix.length, f.subscriptionTypePrefix);
  return c.where();
}
