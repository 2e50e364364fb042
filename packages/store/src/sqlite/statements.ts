/**
 * @module sqlite/statements
 * Every fixed statement of the SQLite domain store, prepared once per connection (list queries with dynamic filters
 * are prepared per distinct text and cached by the store, see filters.ts).
 */
import type Database from 'better-sqlite3';

/**
 * The start-up read of positions (ports/store.ts, `loadPositions`), as `LOAD_POSITIONS` (load-positions.ts) answers it
 * — every OPEN position and the latest of each slot (the one opened last), open ones last — without the slot index
 * (migration 11): each slot's positions ranked by opening time in one pass over the keys, then the bodies of the
 * chosen rows read by rowid.
 */
const LOAD_POSITIONS_BY_RANK = `SELECT p.body FROM (
  SELECT rowid AS r, status, updated_at, position_id,
    row_number() OVER (PARTITION BY trading_account_id, instrument_id, slot ORDER BY created_at DESC, position_id DESC) AS nth
  FROM trading_positions) k JOIN trading_positions p ON p.rowid = k.r
WHERE k.status = 'OPEN' OR k.nth = 1
ORDER BY (k.status = 'OPEN'), k.updated_at, k.position_id`;

export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertAccount: p(
      'INSERT INTO trading_accounts (trading_account_id, user_id, venue, status, created_at, deleted_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateAccount: p('UPDATE trading_accounts SET user_id = ?, venue = ?, status = ?, deleted_at = ?, body = ? WHERE trading_account_id = ?'),
    loadAccounts: p('SELECT body FROM trading_accounts WHERE deleted_at IS NULL ORDER BY created_at, trading_account_id'),
    insertOperation: p('INSERT INTO trading_account_operations (operation_id, trading_account_id, timestamp, seq, body) VALUES (?, ?, ?, ?, ?)'),
    listOperations: p(
      'SELECT body FROM trading_account_operations WHERE trading_account_id = ? ORDER BY timestamp DESC, seq DESC LIMIT ? OFFSET ?',
    ),
    countOperations: p('SELECT count(*) AS n FROM trading_account_operations WHERE trading_account_id = ?'),
    insertCredential: p(
      'INSERT INTO credentials (credential_id, user_id, trading_account_id, venue, credential_type, status, created_at, secret, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    updateCredential: p(
      'UPDATE credentials SET user_id = ?, trading_account_id = ?, venue = ?, credential_type = ?, status = ?, secret = ?, body = ? WHERE credential_id = ?',
    ),
    loadCredentials: p('SELECT body, secret FROM credentials ORDER BY created_at, credential_id'),
    insertOrder: p(
      `INSERT INTO orders (trade_order_id, trading_account_id, client_order_id, external_order_id, idempotency_key, instrument_id, side,
        order_type, status, is_open, created_at, order_list_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateOrder: p('UPDATE orders SET external_order_id = ?, status = ?, is_open = ?, body = ? WHERE trade_order_id = ?'),
    getOrder: p('SELECT body FROM orders WHERE trade_order_id = ?'),
    // `+trading_account_id`: look up by the venue's id (its own index), then check the account.
    orderByExternalId: p('SELECT body FROM orders WHERE external_order_id = ? AND +trading_account_id = ? ORDER BY created_at DESC LIMIT 1'),
    openOrders: p('SELECT body FROM orders WHERE is_open = 1 ORDER BY created_at'),
    orderKeys: p('SELECT trade_order_id, trading_account_id, client_order_id, idempotency_key FROM orders'),
    orderClientIds: p('SELECT trading_account_id, client_order_id FROM orders'),
    insertFill: p('INSERT OR IGNORE INTO fills (trade_order_id, trade_id, trading_account_id, instrument_id, timestamp, body) VALUES (?, ?, ?, ?, ?, ?)'),
    // Undo a new order's or fill's row when a later row of the same call fails (sqlite-unit-of-work.ts).
    deleteOrder: p('DELETE FROM orders WHERE trade_order_id = ?'),
    deleteFill: p('DELETE FROM fills WHERE trade_order_id = ? AND trade_id = ?'),
    listFills: p('SELECT body FROM fills WHERE trade_order_id = ? ORDER BY timestamp, rowid'),
    upsertBalance: p(
      'INSERT INTO balances (trading_account_id, asset, body) VALUES (?, ?, ?) ON CONFLICT (trading_account_id, asset) DO UPDATE SET body = excluded.body',
    ),
    loadBalances: p('SELECT body FROM balances ORDER BY trading_account_id, asset'),
    deleteBalances: p('DELETE FROM balances WHERE trading_account_id = ?'),
    // SQLite rewrites every index whose column a SET names, changed or not: so each statement names only what its case
    // changes. A position's slot never changes in practice (mode and side are fixed at opening); the statements that
    // leave it out change nothing (0 changes) when it would, and the store then runs `upsertPositionSlot`.
    upsertPosition: p(
      `INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (position_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, body = excluded.body WHERE slot = excluded.slot`,
    ),
    upsertPositionSlot: p(
      `INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (position_id) DO UPDATE SET slot = excluded.slot, status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`,
    ),
    // An open position that stays open: its SET names no indexed column, so the row is all it rewrites (migration 7).
    // Changes nothing when the stored row is not an open position of the same slot: then `upsertPosition`.
    upsertOpenPosition: p(
      `INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (position_id) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body WHERE status = 'OPEN' AND slot = excluded.slot`,
    ),
    loadPositions: p(LOAD_POSITIONS_BY_RANK),
    // Undo a held position's write when a later row of the same call fails (sqlite-unit-of-work.ts): the row as read
    // just before, put back (or deleted, when there was none).
    positionRow: p('SELECT position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body FROM trading_positions WHERE position_id = ?'),
    restorePosition: p(
      `UPDATE trading_positions SET trading_account_id = @trading_account_id, instrument_id = @instrument_id, slot = @slot, status = @status,
        created_at = @created_at, updated_at = @updated_at, body = @body WHERE position_id = @position_id`,
    ),
    deletePosition: p('DELETE FROM trading_positions WHERE position_id = ?'),
    insertSubscription: p(
      `INSERT INTO subscriptions (subscription_id, user_id, trading_account_id, venue, instrument_id, subscription_type, status, created_at, seq, body)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateSubscription: p('UPDATE subscriptions SET status = ?, body = ? WHERE subscription_id = ?'),
    loadSubscriptions: p("SELECT body FROM subscriptions WHERE status <> 'TERMINATED' ORDER BY seq"),
    saveInstrument: p('INSERT OR REPLACE INTO instruments (instrument_id, venue, body) VALUES (?, ?, ?)'),
    listInstruments: p('SELECT body FROM instruments ORDER BY instrument_id'),
    deleteInstrument: p('DELETE FROM instruments WHERE instrument_id = ?'),
    saveSecurity: p('INSERT OR REPLACE INTO securities (security_id, venue, body) VALUES (?, ?, ?)'),
    listSecurities: p('SELECT body FROM securities ORDER BY security_id'),
    deleteSecurity: p('DELETE FROM securities WHERE security_id = ?'),
    
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
