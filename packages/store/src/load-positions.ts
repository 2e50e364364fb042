/**
 * @module load-positions
 * The start-up read of positions on PostgreSQL: every OPEN position and the latest position of each slot (a closed one
 * when the slot is flat), open ones last so they are what the domain's memory keeps per slot (ports/store.ts,
 * `loadPositions`). A slot's latest is the one opened last (a slot holds one position at a time): the slot index is
 * keyed by opening time, which an update never changes (PostgreSQL migration 6). SQLite answers the same without a slot
 * index since its migration 11 (sqlite/statements.ts), and its tests hold the two to the same rows in the same order.
 */
export const LOAD_POSITIONS = `SELECT body FROM trading_positions p WHERE status = 'OPEN' OR position_id = (
  SELECT q.position_id FROM trading_positions q WHERE q.trading_account_id = p.trading_account_id AND q.instrument_id = p.instrument_id AND q.slot = p.slot
  ORDER BY q.created_at DESC, q.position_id DESC LIMIT 1)
ORDER BY (status = 'OPEN'), updated_at, position_id`;
