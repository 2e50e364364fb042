/**
 * @module postgres/statements
 * The write statements of the PostgreSQL domain store, as literal SQL text for the write-behind units, and the row
 * mapper of the credentials table (its ciphertext lives in its own bytea column, not in the body).
 */
import type {
  Balance,
  Credential,
  Fill,
  Instrument,
  Order,
  Position,
  Security,
  Subscription,
  TradingAccount,
  TradingAccountOperation,
} from '@cadenza/domain';
import { TERMINAL_STATUSES, positionSlot } from '@cadenza/domain';
import { json, sql } from './sql-text.ts';

export const insertTradingAccountSql = (a: TradingAccount): string =>
  sql`INSERT INTO trading_accounts (trading_account_id, user_id, venue, status, created_at, deleted_at, body)
      VALUES (${a.tradingAccountId}, ${a.userId}, ${a.venue}, ${a.status}, ${a.createdAt}, ${a.deletedAt}, ${json(a)})`;

export const updateTradingAccountSql = (a: TradingAccount): string =>
  sql`UPDATE trading_accounts SET user_id = ${a.userId}, venue = ${a.venue}, status = ${a.status}, deleted_at = ${a.deletedAt},
      body = ${json(a)} WHERE trading_account_id = ${a.tradingAccountId}`;

export const insertOperationSql = (op: TradingAccountOperation): string =>
  sql`INSERT INTO trading_account_operations (operation_id, trading_account_id, timestamp, body)
      VALUES (${op.operationId}, ${op.tradingAccountId}, ${op.timestamp}, ${json(op)})`;

export function insertCredentialSql(c: Credential): string {
  const { secretCiphertext, ...body } = c;
  return sql`INSERT INTO credentials (credential_id, user_id, trading_account_id, venue, credential_type, status, created_at, secret, body)
      VALUES (${c.credentialId}, ${c.userId}, ${c.tradingAccountId}, ${c.venue}, ${c.credentialType}, ${c.status}, ${c.createdAt}, ${secretCiphertext}, ${json(body)})`;
}

export function updateCredentialSql(c: Credential): string {
  const { secretCiphertext, ...body } = c;
  return sql`UPDATE credentials SET user_id = ${c.userId}, trading_account_id = ${c.tradingAccountId}, venue = ${c.venue},
      credential_type = ${c.credentialType}, status = ${c.status}, secret = ${secretCiphertext}, body = ${json(body)} WHERE credential_id = ${c.credentialId}`;
}

/** The credential body never holds the ciphertext; it has its own bytea column. */
type CredentialBody = Omit<Credential, 'secretCiphertext'>;
export type CredentialRow = { body: CredentialBody; secret: Buffer };
export const credentialFromRow = (r: CredentialRow): Credential => ({ ...r.body, secretCiphertext: new Uint8Array(r.secret) });

export function insertOrderSql(o: Order): string {
  return sql`INSERT INTO orders (trade_order_id, trading_account_id, client_order_id, external_order_id, idempotency_key, instrument_id, side,
    order_type, status, is_open, created_at, order_list_id, body) VALUES (${o.tradeOrderId}, ${o.tradingAccountId}, ${o.clientOrderId}, ${o.externalOrderId},
    ${o.idempotencyKey}, ${o.instrumentId}, ${o.side}, ${o.orderType}, ${o.status}, ${!TERMINAL_STATUSES.has(o.status)}, ${o.createdAt}, ${o.orderListId},
    ${json(o)})`;
}

export function updateOrderSql(o: Order): string {
  return sql`UPDATE orders SET external_order_id = ${o.externalOrderId}, status = ${o.status}, is_open = ${!TERMINAL_STATUSES.has(o.status)},
    body = ${json(o)} WHERE trade_order_id = ${o.tradeOrderId}`;
}

export const insertFillSql = (f: Fill): string =>
  sql`INSERT INTO fills (trade_order_id, trade_id, trading_account_id, instrument_id, timestamp, body)
        VALUES (${f.tradeOrderId}, ${f.tradeId}, ${f.tradingAccountId}, ${f.instrumentId}, ${f.timestamp}, ${json(f)})`;

export const upsertBalanceSql = (b: Balance): string =>
  sql`INSERT INTO balances (trading_account_id, asset, body) VALUES (${b.tradingAccountId}, ${b.asset}, ${json(b)})
      ON CONFLICT (trading_account_id, asset) DO UPDATE SET body = excluded.body`;

export const deleteBalancesSql = (tradingAccountId: string): string => sql`DELETE FROM balances WHERE trading_account_id = ${tradingAccountId}`;

export const upsertPositionSql = (p: Position): string =>
  sql`INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body)
      VALUES (${p.positionId}, ${p.tradingAccountId}, ${p.instrumentId}, ${positionSlot(p)}, ${p.status}, ${p.createdAt}, ${p.updatedAt}, ${json(p)})
      ON CONFLICT (position_id) DO UPDATE SET slot = excluded.slot, status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`;

export const insertSubscriptionSql = (s: Subscription): string =>
  sql`INSERT INTO subscriptions (subscription_id, user_id, trading_account_id, venue, instrument_id, subscription_type, status, created_at, body)
      VALUES (${s.subscriptionId}, ${s.userId}, ${s.tradingAccountId}, ${s.venue}, ${s.instrumentId}, ${s.subscriptionType}, ${s.status}, ${s.createdAt}, ${json(s)})`;

export const updateSubscriptionSql = (s: Subscription): string =>
  sql`UPDATE subscriptions SET status = ${s.status}, body = ${json(s)} WHERE subscription_id = ${s.subscriptionId}`;

export const upsertInstrumentSql = (i: Instrument): string =>
  sql`INSERT INTO instruments (instrument_id, venue, body) VALUES (${i.spec.instrumentId}, ${i.spec.venue}, ${json(i)})
          ON CONFLICT (instrument_id) DO UPDATE SET venue = excluded.venue, body = excluded.body`;

export const deleteInstrumentSql = (instrumentId: string): string => sql`DELETE FROM instruments WHERE instrument_id = ${instrumentId}`;

export const upsertSecuritySql = (s: Security): string =>
  sql`INSERT INTO securities (security_id, venue, body) VALUES (${s.securityId}, ${s.venue}, ${json(s)})
          ON CONFLICT (security_id) DO UPDATE SET venue = excluded.venue, body = excluded.body`;

export const deleteSecuritiesSql = (ids: string[]): string => sql`DELETE FROM securities WHERE security_id = ANY(${ids})`;
