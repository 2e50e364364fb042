/**
 * @module postgres/domain-migrations
 * Schema of the domain store on PostgreSQL (component `domain` in `cadenza_migrations`). Append only.
 *
 * Layout as in SQLite: one row per entity, `body` the domain record as JSON (`json`, not `jsonb`: it keeps any
 * string a client sent, U+0000 escapes included), plus the columns the store filters, sorts or keeps unique on.
 * Ids and keys are `COLLATE "C"`: byte order, as SQLite sorts, whatever the database's locale. Times are epoch ms.
 * `seq` columns (identity) give insertion order across every server writing to the database.
 * `cadenza_store_writers` records, per running store, the last batch it committed: after a connection broke during
 * a COMMIT, the store reads it to learn whether that batch landed (see write-behind.ts).
 * `cadenza_leases` holds, per lease (`domain`: the trading domain's write side), the epoch of its current holder and
 * where that server answers; `cadenza_check_lease` is the fence every write batch of a lease holder passes
 * (domain-lease.ts).
 */
import type { PgMigration } from './migrator.ts';

export const domainMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'domain tables',
    sql: `
CREATE TABLE trading_accounts (
  trading_account_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  venue text NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  deleted_at bigint,
  body json NOT NULL
);
CREATE INDEX trading_accounts_user ON trading_accounts (user_id, created_at);

CREATE TABLE trading_account_operations (
  operation_id text COLLATE "C" PRIMARY KEY,
  trading_account_id text COLLATE "C" NOT NULL,
  timestamp bigint NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  body json NOT NULL
);
CREATE INDEX trading_account_operations_account ON trading_account_operations (trading_account_id, timestamp, seq);

CREATE TABLE credentials (
  credential_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  trading_account_id text COLLATE "C",
  venue text NOT NULL,
  credential_type text NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  secret bytea NOT NULL,
  body json NOT NULL
);
CREATE INDEX credentials_user ON credentials (user_id, created_at);

CREATE TABLE orders (
  trade_order_id text COLLATE "C" PRIMARY KEY,
  trading_account_id text COLLATE "C" NOT NULL,
  client_order_id text COLLATE "C" NOT NULL,
  external_order_id text COLLATE "C",
  idempotency_key text COLLATE "C",
  instrument_id text COLLATE "C" NOT NULL,
  side text NOT NULL,
  order_type text NOT NULL,
  status text NOT NULL,
  is_open boolean NOT NULL,
  created_at bigint NOT NULL,
  body json NOT NULL,
  CONSTRAINT orders_client_order_id UNIQUE (trading_account_id, client_order_id)
);
CREATE UNIQUE INDEX orders_idempotency_key ON orders (trading_account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX orders_external_order_id ON orders (trading_account_id, external_order_id) WHERE external_order_id IS NOT NULL;
CREATE INDEX orders_account_created ON orders (trading_account_id, created_at);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_open ON orders (created_at) WHERE is_open;

CREATE TABLE fills (
  trade_order_id text COLLATE "C" NOT NULL,
  trade_id text COLLATE "C" NOT NULL,
  trading_account_id text COLLATE "C" NOT NULL,
  timestamp bigint NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  body json NOT NULL,
  PRIMARY KEY (trade_order_id, trade_id)
);

CREATE TABLE balances (
  trading_account_id text COLLATE "C" NOT NULL,
  asset text COLLATE "C" NOT NULL,
  body json NOT NULL,
  PRIMARY KEY (trading_account_id, asset)
);

CREATE TABLE positions (
  trading_account_id text COLLATE "C" NOT NULL,
  instrument_id text COLLATE "C" NOT NULL,
  body json NOT NULL,
  PRIMARY KEY (trading_account_id, instrument_id)
);

CREATE TABLE subscriptions (
  subscription_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  trading_account_id text COLLATE "C",
  venue text NOT NULL,
  instrument_id text COLLATE "C",
  subscription_type text COLLATE "C" NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  body json NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_id, status);
CREATE INDEX subscriptions_status ON subscriptions (status);

CREATE TABLE instruments (
  instrument_id text COLLATE "C" PRIMARY KEY,
  venue text NOT NULL,
  body json NOT NULL
);

CREATE TABLE securities (
  security_id text COLLATE "C" PRIMARY KEY,
  venue text NOT NULL,
  body json NOT NULL
);

CREATE TABLE cadenza_store_writers (
  writer_id text PRIMARY KEY,
  batch bigint NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION cadenza_claim_batch(p_writer text, p_batch bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cadenza_store_writers AS w (writer_id, batch) VALUES (p_writer, p_batch)
  ON CONFLICT (writer_id) DO UPDATE SET batch = excluded.batch, updated_at = now() WHERE w.batch < excluded.batch;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'batch % of writer % is already committed', p_batch, p_writer USING ERRCODE = 'CZ001';
  END IF;
END $$;
`,
  },
  {
    version: 2,
    name: 'leases',
    sql: `
CREATE TABLE cadenza_leases (
  name text PRIMARY KEY,
  epoch bigint NOT NULL,
  holder text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION cadenza_check_lease(p_name text, p_epoch bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  held bigint;
BEGIN
  -- FOR SHARE: a new holder's epoch bump waits for this batch, and every later batch of the old holder fails here.
  SELECT epoch INTO held FROM cadenza_leases WHERE name = p_name FOR SHARE;
  IF held IS DISTINCT FROM p_epoch THEN
    RAISE EXCEPTION 'the % lease is at epoch %, this writer holds epoch %', p_name, held, p_epoch USING ERRCODE = 'CZ002';
  END IF;
END $$;
`,
  },
  {
    version: 3,
    name: 'OTC desk (Fermata): dealers, wallets, ledger entries, quotes, hedges, exposures',
    sql: `
CREATE TABLE fermata_dealers (
  dealer_account_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  body json NOT NULL
);

CREATE TABLE fermata_wallets (
  wallet_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  trading_account_id text COLLATE "C" NOT NULL,
  wallet_type text NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  body json NOT NULL
);

CREATE TABLE fermata_ledger_entries (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id text COLLATE "C" NOT NULL UNIQUE,
  wallet_id text COLLATE "C" NOT NULL,
  asset text COLLATE "C" NOT NULL,
  amount numeric NOT NULL,
  balance_after numeric NOT NULL,
  kind text NOT NULL,
  reference_id text COLLATE "C" NOT NULL,
  counterparty_wallet_id text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX fermata_ledger_wallet ON fermata_ledger_entries (wallet_id, asset, seq);
CREATE FUNCTION fermata_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are immutable';
END $$;
CREATE TRIGGER fermata_ledger_no_change BEFORE UPDATE OR DELETE ON fermata_ledger_entries FOR EACH ROW EXECUTE FUNCTION fermata_ledger_immutable();

CREATE TABLE fermata_quotes (
  quote_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  quote_request_id text COLLATE "C",
  dealer_account_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  body json NOT NULL
);
CREATE UNIQUE INDEX fermata_quotes_request ON fermata_quotes (user_id, quote_request_id) WHERE quote_request_id IS NOT NULL;
CREATE INDEX fermata_quotes_open ON fermata_quotes (created_at) WHERE status = 'CREATED';

CREATE TABLE fermata_hedges (
  hedge_id text COLLATE "C" PRIMARY KEY,
  dealer_account_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  body json NOT NULL
);
CREATE INDEX fermata_hedges_pending ON fermata_hedges (created_at) WHERE status = 'PENDING';

CREATE TABLE fermata_exposures (
  dealer_account_id text COLLATE "C" NOT NULL,
  symbol text COLLATE "C" NOT NULL,
  body json NOT NULL,
  PRIMARY KEY (dealer_account_id, symbol)
);
`,
  },
  {
    version: 4,
    name: 'executions query and order lists',
    // As SQLite's migration 3 (the same change; the numbers differ between the two stores): fills get their instrument and an executionId (old ones a random UUID once), the
    // executions query an index by account and time, orders the order list they are a leg of.
    sql: `
ALTER TABLE fills ADD COLUMN instrument_id text COLLATE "C";
UPDATE fills f SET instrument_id = o.instrument_id FROM orders o WHERE o.trade_order_id = f.trade_order_id;
UPDATE fills SET body = jsonb_set(body::jsonb, '{instrumentId}', to_jsonb(instrument_id))::json
  WHERE instrument_id IS NOT NULL AND body->>'instrumentId' IS NULL;
UPDATE fills SET body = jsonb_set(body::jsonb, '{executionId}', to_jsonb(gen_random_uuid()::text))::json WHERE body->>'executionId' IS NULL;
CREATE INDEX fills_account_time ON fills (trading_account_id, timestamp);
ALTER TABLE orders ADD COLUMN order_list_id text COLLATE "C";
CREATE INDEX orders_list ON orders (order_list_id) WHERE order_list_id IS NOT NULL;
`,
  },
  {
    // As SQLite's migration 4 (trading positions): one row per position (open or closed), at most one OPEN per slot;
    // the old table's rows carried over, the old table left for a previous release.
    version: 5,
    name: 'trading positions',
    sql: `
CREATE TABLE trading_positions (
  position_id text COLLATE "C" PRIMARY KEY,
  trading_account_id text COLLATE "C" NOT NULL,
  instrument_id text COLLATE "C" NOT NULL,
  slot text COLLATE "C" NOT NULL,
  status text NOT NULL,
  updated_at bigint NOT NULL,
  body json NOT NULL
);
CREATE INDEX trading_positions_slot ON trading_positions (trading_account_id, instrument_id, slot, updated_at);
CREATE UNIQUE INDEX trading_positions_open ON trading_positions (trading_account_id, instrument_id, slot) WHERE status = 'OPEN';
INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, updated_at, body)
  SELECT body->>'positionId', trading_account_id, instrument_id, 'NET',
    CASE WHEN body->>'quantity' = '0' OR body->>'quantity' LIKE '-%' THEN 'CLOSED' ELSE 'OPEN' END,
    (body->>'updatedAt')::bigint, body
  FROM positions;
`,
  },
  {
    // As SQLite's migration 7: the slot index keyed by opening time, not by `updated_at`, so that an update of an open
    // position changes no indexed value and can be a HOT update (the row alone, no index entry rewritten). The
    // default lets the previous release insert beside this one during a rolling restart (its rows count as opened
    // first); the old index goes because nothing needs it: the previous release's load query sorts without it.
    version: 6,
    name: 'positions: slot index by opening time',
    sql: `
ALTER TABLE trading_positions ADD COLUMN created_at bigint NOT NULL DEFAULT 0;
UPDATE trading_positions SET created_at = coalesce((body->>'createdAt')::bigint, updated_at);
DROP INDEX trading_positions_slot;
CREATE INDEX trading_positions_slot ON trading_positions (trading_account_id, instrument_id, slot, created_at);
`,
  },
  {
    // As SQLite's migration 8, in part: ledger entry ids are not checked unique — the server makes them (UUID v7,
    // never reused) and nothing reads by them. The wallet index stays: PostgreSQL maintains it on its own server, off
    // the event loop, and it keeps a wallet's entries an index read here.
    version: 7,
    name: 'OTC ledger: entry ids not indexed',
    sql: `
ALTER TABLE fermata_ledger_entries DROP CONSTRAINT IF EXISTS fermata_ledger_entries_entry_id_key;
`,
  },
];
