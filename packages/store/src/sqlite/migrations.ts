/**
 * @module sqlite/migrations
 * Schema of the domain store, as an ordered list of migrations. Append only: never edit an applied one.
 *
 * Layout: each entity is one row whose `body` is the domain record as JSON, plus the columns the store filters,
 * sorts or enforces uniqueness on. Writes stay one statement per entity; reads parse one JSON value.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'domain tables',
    sql: `
CREATE TABLE trading_accounts (
  trading_account_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  venue TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX trading_accounts_user ON trading_accounts (user_id, created_at);

CREATE TABLE trading_account_operations (
  operation_id TEXT PRIMARY KEY,
  trading_account_id TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX trading_account_operations_account ON trading_account_operations (trading_account_id, timestamp, seq);

CREATE TABLE credentials (
  credential_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  trading_account_id TEXT,
  venue TEXT NOT NULL,
  credential_type TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  secret BLOB NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX credentials_user ON credentials (user_id, created_at);

CREATE TABLE orders (
  trade_order_id TEXT PRIMARY KEY,
  trading_account_id TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  external_order_id TEXT,
  idempotency_key TEXT,
  instrument_id TEXT NOT NULL,
  side TEXT NOT NULL,
  order_type TEXT NOT NULL,
  status TEXT NOT NULL,
  is_open INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX orders_client_order_id ON orders (trading_account_id, client_order_id);
CREATE UNIQUE INDEX orders_idempotency_key ON orders (trading_account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX orders_external_order_id ON orders (trading_account_id, external_order_id) WHERE external_order_id IS NOT NULL;
CREATE INDEX orders_account_created ON orders (trading_account_id, created_at);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_open ON orders (is_open) WHERE is_open = 1;

CREATE TABLE fills (
  trade_order_id TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  trading_account_id TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (trade_order_id, trade_id)
);

CREATE TABLE balances (
  trading_account_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (trading_account_id, asset)
);

CREATE TABLE positions (
  trading_account_id TEXT NOT NULL,
  instrument_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (trading_account_id, instrument_id)
);

CREATE TABLE subscriptions (
  subscription_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  trading_account_id TEXT,
  venue TEXT NOT NULL,
  instrument_id TEXT,
  subscription_type TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_id, status);
CREATE INDEX subscriptions_status ON subscriptions (status);

CREATE TABLE instruments (
  instrument_id TEXT PRIMARY KEY,
  venue TEXT NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE securities (
  security_id TEXT PRIMARY KEY,
  venue TEXT NOT NULL,
  body TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'OTC desk (Fermata): dealers, wallets, ledger entries, quotes, hedges, exposures',
    sql: `
CREATE TABLE fermata_dealers (
  dealer_account_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE fermata_wallets (
  wallet_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  trading_account_id TEXT NOT NULL,
  wallet_type TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE fermata_ledger_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL UNIQUE,
  wallet_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  balance_after TEXT NOT NULL,
  kind TEXT NOT NULL,
  reference_id TEXT NOT NULL,
  counterparty_wallet_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX fermata_ledger_wallet ON fermata_ledger_entries (wallet_id, asset, seq);
CREATE TRIGGER fermata_ledger_no_update BEFORE UPDATE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER fermata_ledger_no_delete BEFORE DELETE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;

CREATE TABLE fermata_quotes (
  quote_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  quote_request_id TEXT,
  dealer_account_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX fermata_quotes_request ON fermata_quotes (user_id, quote_request_id) WHERE quote_request_id IS NOT NULL;
CREATE INDEX fermata_quotes_open ON fermata_quotes (created_at) WHERE status = 'CREATED';

CREATE TABLE fermata_hedges (
  hedge_id TEXT PRIMARY KEY,
  dealer_account_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX fermata_hedges_pending ON fermata_hedges (created_at) WHERE status = 'PENDING';

CREATE TABLE fermata_exposures (
  dealer_account_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (dealer_account_id, symbol)
);
`,
  },
  {
    version: 3,
    name: 'executions query and order lists',
    // Fills get their instrument (from their order) and an executionId, old ones a random UUID v4 once; the
    // executions query filters by account and time; orders carry the order list they are a leg of.
    sql: `
ALTER TABLE fills ADD COLUMN instrument_id TEXT;
UPDATE fills SET instrument_id = (SELECT o.instrument_id FROM orders o WHERE o.trade_order_id = fills.trade_order_id);
UPDATE fills SET body = json_set(body, '$.instrumentId', instrument_id) WHERE instrument_id IS NOT NULL AND json_extract(body, '$.instrumentId') IS NULL;
UPDATE fills SET body = (SELECT json_set(fills.body, '$.executionId',
    substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12))
  FROM (SELECT lower(hex(randomblob(16))) AS h))
  WHERE json_extract(body, '$.executionId') IS NULL;
CREATE INDEX fills_account_time ON fills (trading_account_id, timestamp);
ALTER TABLE orders ADD COLUMN order_list_id TEXT;
CREATE INDEX orders_list ON orders (order_list_id) WHERE order_list_id IS NOT NULL;
`,
  },
  {
    // Positions get ids, sides and a lifecycle (OPEN → CLOSED, then a new position): one row per position, open or
    // closed, at most one OPEN per slot (instrument in NETTING mode, instrument and side in HEDGE mode). The rows of
    // the old per-instrument table are carried over (a flat or negative quantity — a spot "short" — comes over
    // CLOSED); the old table stays, unused, so a previous release still opens this database.
    version: 4,
    name: 'trading positions',
    sql: `
CREATE TABLE trading_positions (
  position_id TEXT PRIMARY KEY,
  trading_account_id TEXT NOT NULL,
  instrument_id TEXT NOT NULL,
  slot TEXT NOT NULL,
  status TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX trading_positions_slot ON trading_positions (trading_account_id, instrument_id, slot, updated_at);
CREATE UNIQUE INDEX trading_positions_open ON trading_positions (trading_account_id, instrument_id, slot) WHERE status = 'OPEN';
INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, updated_at, body)
  SELECT json_extract(body, '$.positionId'), trading_account_id, instrument_id, 'NET',
    CASE WHEN json_extract(body, '$.quantity') = '0' OR json_extract(body, '$.quantity') LIKE '-%' THEN 'CLOSED' ELSE 'OPEN' END,
    json_extract(body, '$.updatedAt'), body
  FROM positions;
`,
  },
  {
    // The venue's order id, indexed on its own: venues number their orders in sequence (PAPER's engine ids, Binance's
    // orderId), so new entries land at one end of one index instead of at one spot per trading account — about a
    // fifth fewer pages written per new order (bench:orders, docs/benchmarks.md). The lookup still names the account.
    version: 5,
    name: 'orders by venue order id',
    sql: `
DROP INDEX orders_external_order_id;
CREATE INDEX orders_external ON orders (external_order_id) WHERE external_order_id IS NOT NULL;
`,
  },
  {
    // The OTC ledger, cheaper to append to: a fill's four entries (two wallets, two assets each) land at two spots
    // of the wallet index instead of four, and `seq` is a plain rowid — entries are never deleted (the trigger), so
    // max + 1 never reuses one, and AUTOINCREMENT's sqlite_sequence page is no longer written by every commit. About
    // 3 of the ~30 pages a quoted fill writes (bench:rfq, docs/benchmarks.md). Balances at start read the whole
    // ledger either way; a wallet's entries of one asset are its entries, filtered.
    version: 6,
    name: 'OTC ledger: rowid seq, wallet index without the asset',
    sql: `
CREATE TABLE fermata_ledger_entries_v6 (
  seq INTEGER PRIMARY KEY,
  entry_id TEXT NOT NULL UNIQUE,
  wallet_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  balance_after TEXT NOT NULL,
  kind TEXT NOT NULL,
  reference_id TEXT NOT NULL,
  counterparty_wallet_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO fermata_ledger_entries_v6 SELECT seq, entry_id, wallet_id, asset, amount, balance_after, kind, reference_id, counterparty_wallet_id, created_at
  FROM fermata_ledger_entries ORDER BY seq;
DROP TABLE fermata_ledger_entries;
ALTER TABLE fermata_ledger_entries_v6 RENAME TO fermata_ledger_entries;
CREATE INDEX fermata_ledger_wallet ON fermata_ledger_entries (wallet_id, seq);
CREATE TRIGGER fermata_ledger_no_update BEFORE UPDATE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER fermata_ledger_no_delete BEFORE DELETE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
`,
  },
  {
    // The positions' slot index keyed by when a position was opened instead of when it last changed: an update of an
    // open position (every fill on it) changes neither this index's key nor the open-slot index's, so it rewrites
    // only the row — one WAL page instead of three (SQLite maintains every index a statement's SET list names, so the
    // store's update of an open position names only `updated_at` and `body`: statements.ts). "The latest position of
    // a slot" (load-positions.ts) is the one opened last: a slot holds one position at a time.
    version: 7,
    name: 'positions: slot index by opening time',
    sql: `
ALTER TABLE trading_positions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE trading_positions SET created_at = coalesce(json_extract(body, '$.createdAt'), updated_at);
DROP INDEX trading_positions_slot;
CREATE INDEX trading_positions_slot ON trading_positions (trading_account_id, instrument_id, slot, created_at);
`,
  },
  {
    // The OTC ledger as a table alone: no index but its rowid `seq`, so a fill's four entries append to one place
    // instead of three trees at three (or more) places — WAL pages per accepted quote 11.2 → 8.7 with 8 accepts per
    // commit (docs/benchmarks.md). What the indexes served: `entry_id` UNIQUE checked ids the server makes itself (UUID
    // v7, never reused) and nothing reads by; the wallet index served `listLedgerEntries`, which no RPC calls — a
    // wallet's entries are read by a scan in `seq` order (tests, audits), and the start-up balances scan the whole
    // ledger either way. The entries stay immutable (the triggers).
    version: 8,
    name: 'OTC ledger: no entry id or wallet index',
    sql: `
CREATE TABLE fermata_ledger_entries_v8 (
  seq INTEGER PRIMARY KEY,
  entry_id TEXT NOT NULL,
  wallet_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  balance_after TEXT NOT NULL,
  kind TEXT NOT NULL,
  reference_id TEXT NOT NULL,
  counterparty_wallet_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO fermata_ledger_entries_v8 SELECT seq, entry_id, wallet_id, asset, amount, balance_after, kind, reference_id, counterparty_wallet_id, created_at
  FROM fermata_ledger_entries ORDER BY seq;
DROP TABLE fermata_ledger_entries;
ALTER TABLE fermata_ledger_entries_v8 RENAME TO fermata_ledger_entries;
CREATE TRIGGER fermata_ledger_no_update BEFORE UPDATE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER fermata_ledger_no_delete BEFORE DELETE ON fermata_ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
`,
  },
  {
    // A user's quoteRequestId stays unique, checked by the store in memory (sqlite-otc-tables.ts), as the PostgreSQL
    // store checks it: clients choose the references, so this index took a new place in its tree for every accepted
    // quote — 1.4 of the ~10 WAL pages an accept wrote with 8 in flight, its largest tree (docs/benchmarks.md). The
    // keys are read at start by a scan of the quotes, which the desk did already.
    version: 9,
    name: 'OTC quotes: quoteRequestId unique in the store, not by an index',
    sql: `
DROP INDEX fermata_quotes_request;
`,
  },
  {
    // An account's clientOrderId stays unique, checked by the store in memory (client-keys.ts), as the PostgreSQL
    // store checks it (the domain answers a repeated one from its own index before any insert): each account's keys
    // sit apart in this index, so every new order took a new place in it — 1.5 of the ~9 WAL pages an accepted quote
    // wrote with 8 in flight, the accept's largest tree (docs/benchmarks.md). Nothing queries by it.
    version: 10,
    name: 'orders: clientOrderId unique in the store, not by an index',
    sql: `
DROP INDEX orders_client_order_id;
`,
  },
  {
    // The positions without their slot index: only the start-up load read it (each slot's latest position), and every
    // new position took a place in it at its account's spot — 1.1 of the ~11.9 WAL pages an accepted quote wrote with 3
    // in flight, sides alternating (docs/benchmarks.md). The load now ranks each slot's positions in one pass over the
    // table (statements.ts, `loadPositions`). At most one OPEN position per slot stays the open-slot index's to enforce.
    version: 11,
    name: 'positions: no slot index, the start-up load ranks each slot in one pass',
    sql: `
DROP INDEX trading_positions_slot;
`,
  },
];

/** Applies the migrations this file has not recorded yet, each in its own transaction, in version order. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS domain_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM domain_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const step of migrations) {
    if (applied.has(step.version)) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.prepare('INSERT INTO domain_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(step.version, step.name, Date.now());
    })();
  }
}
