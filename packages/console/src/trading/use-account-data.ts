/**
 * One trading account, live: its orders and portfolio, from the account channel (`tradingAccount:{id}`, through
 * `client.account`). Every time the channel (re)subscribes — first open, and after a reconnect — the whole state
 * is read again over RPC, so nothing missed while disconnected stays missing; pushed updates and read results are
 * merged by `updatedAt`, so a slow read never rolls an order back.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CadenzaClient, RpcPortfolio, RpcPositionEntry, RpcTradeOrder } from '@cadenza/client';
import { errorText } from '../ui/errors.ts';

export interface AccountData {
  orders: RpcTradeOrder[];
  portfolio?: RpcPortfolio;
  error?: string;
  /** Puts an order the console just got back from a call into the list (the push may come later). */
  upsert(order: RpcTradeOrder): void;
}

const newer = (a: RpcTradeOrder | undefined, b: RpcTradeOrder) => !a || (b.updatedAt ?? '') >= (a.updatedAt ?? '');

/**
 * A portfolio push is a SNAPSHOT (everything) or a DELTA (only the balances and positions that changed); both
 * are merged entry by entry, keeping whichever copy of an entry is newer, so order of arrival does not matter.
 */
function mergePortfolio(prev: RpcPortfolio | undefined, next: RpcPortfolio): RpcPortfolio {
  const balances = new Map((prev?.balances ?? []).map((b) => [b.securitySymbol, b]));
  for (const b of next.balances ?? []) {
    const cur = balances.get(b.securitySymbol);
    if (!cur || (b.updatedAt ?? '') >= (cur.updatedAt ?? '')) balances.set(b.securitySymbol, b);
  }
  const key = (p: RpcPositionEntry) => p.positionId ?? p.instrumentId;
  const positions = new Map((prev?.positions ?? []).map((p) => [key(p), p]));
  for (const p of next.positions ?? []) {
    const cur = positions.get(key(p));
    if (!cur || (p.updatedAt ?? '') >= (cur.updatedAt ?? '')) positions.set(key(p), p);
  }
  // Account info and summary come with snapshots only; a delta keeps the last ones.
  const base = next.updateMode === 'DELTA' ? (prev ?? next) : next;
  return { ...base, balances: [...balances.values()], positions: [...positions.values()] };
}

export function useAccountData(client: CadenzaClient, accountId: string | undefined): AccountData {
  const [orders, setOrders] = useState<Map<string, RpcTradeOrder>>(new Map());
  const [portfolio, setPortfolio] = useState<RpcPortfolio>();
  const [error, setError] = useState<string>();

  const merge = useCallback((list: RpcTradeOrder[]) => {
    setOrders((prev) => {
      const next = new Map(prev);
      for (const o of list) if (o.tradeOrderId && newer(next.get(o.tradeOrderId), o)) next.set(o.tradeOrderId, o);
      return next;
    });
  }, []);

  useEffect(() => {
    setOrders(new Map());
    setPortfolio(undefined);
    setError(undefined);
    if (!accountId) return;
    let live = true;
    const takePortfolio = (p: RpcPortfolio) => setPortfolio((prev) => mergePortfolio(prev, p));
    const stream = client.account(accountId);
    stream.onOrderUpdate((o) => merge([o]));
    stream.onPortfolio(takePortfolio);
    const read = () => {
      Promise.all([
        client.rpc('query.trade_order.list', { tradingAccountId: accountId, pagination: { limit: 100 } }),
        client.rpc('query.portfolio.get', { tradingAccountId: accountId }),
      ])
        .then(([list, p]) => {
          if (!live) return;
          merge(list);
          takePortfolio(p);
          setError(undefined);
        })
        .catch((err: unknown) => live && setError(errorText(err)));
    };
    stream.subscription.on('subscribed', read);
    if (stream.subscription.state === 'subscribed') read();
    stream.ready.catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
      stream.subscription.removeListener('subscribed', read);
      stream.close();
    };
  }, [client, accountId, merge]);

  const sorted = [...orders.values()].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  return { orders: sorted, ...(portfolio ? { portfolio } : {}), ...(error ? { error } : {}), upsert: (o) => merge([o]) };
}
