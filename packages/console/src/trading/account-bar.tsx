/**
 * Which trading account the ticket uses: the user's accounts on the instrument's venue, or a button creating one
 * (PAPER and MOCK accounts come funded; live venues need API keys, added with the SDK or CLI).
 */
import { useState } from 'preact/hooks';
import type { RpcTradingAccount, Venue } from '@cadenza/client';
import { errorText } from '../ui/errors.ts';

export function AccountBar({ venue, accounts, selected, onSelect, onCreate }: {
  venue: string | undefined;
  accounts: RpcTradingAccount[];
  selected: RpcTradingAccount | undefined;
  onSelect(account: RpcTradingAccount): void;
  onCreate(venue: Venue, nickname: string): Promise<RpcTradingAccount>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const onVenue = accounts.filter((a) => a.venue === venue);
  const create = async () => {
    if (!venue) return;
    setBusy(true);
    setError(undefined);
    try {
      onSelect(await onCreate(venue as Venue, `${venue[0]}${venue.slice(1).toLowerCase()} ${onVenue.length + 1}`));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="account-bar">
      {onVenue.length > 0 ? (
        <label class="inline">
          <span class="sr-only">Account</span>
          <select value={selected?.tradingAccountId} onChange={(e) => onSelect(onVenue.find((a) => a.tradingAccountId === e.currentTarget.value)!)}>
            {onVenue.map((a) => (
              <option key={a.tradingAccountId} value={a.tradingAccountId}>
                {a.nickname || a.tradingAccountId?.slice(0, 8)} · {a.venue} {a.status !== 'ACTIVE' ? `(${(a.status ?? '').toLowerCase()})` : ''}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span class="muted">No {venue} account yet.</span>
      )}
      <button type="button" class="small" disabled={busy || !venue} onClick={() => void create()}>
        {busy ? 'Creating…' : `New ${venue ?? ''} account`}
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
