/** The user's trading accounts, the one in use, and creating a new one (PAPER accounts come funded). */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CadenzaClient, RpcTradingAccount, Venue } from '@cadenza/client';
import { errorText } from '../ui/errors.ts';

const STORAGE_KEY = 'cadenza-console-account';

export interface Accounts {
  accounts: RpcTradingAccount[];
  loaded: boolean;
  error?: string;
  create(venue: Venue, nickname: string): Promise<RpcTradingAccount>;
}

export function useAccounts(client: CadenzaClient, connected: boolean): Accounts {
  const [accounts, setAccounts] = useState<RpcTradingAccount[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!connected) return;
    let live = true;
    client
      .rpc('query.trading_account.list', { pagination: { limit: 100 } })
      .then((list) => {
        if (!live) return;
        setAccounts(list);
        setLoaded(true);
        setError(undefined);
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => void (live = false);
  }, [client, connected]);

  const create = useCallback(
    async (venue: Venue, nickname: string) => {
      const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue, nickname } });
      setAccounts((prev) => [...prev, account]);
      return account;
    },
    [client],
  );
  return { accounts, loaded, ...(error ? { error } : {}), create };
}

/** The account to trade the venue with: the last one chosen there, else the first on that venue. */
export function pickAccount(accounts: RpcTradingAccount[], venue: string | undefined): RpcTradingAccount | undefined {
  const onVenue = accounts.filter((a) => a.venue === venue);
  const remembered = localStorage.getItem(`${STORAGE_KEY}:${venue}`);
  return onVenue.find((a) => a.tradingAccountId === remembered) ?? onVenue[0];
}

export function rememberAccount(account: RpcTradingAccount): void {
  localStorage.setItem(`${STORAGE_KEY}:${account.venue}`, account.tradingAccountId!);
}
