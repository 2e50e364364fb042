/** The instruments the server offers (`query.instrument.list`, every venue), and the one the user looks at. */
import { useEffect, useState } from 'preact/hooks';
import type { CadenzaClient, RpcInstrument } from '@cadenza/client';
import { errorText } from '../ui/errors.ts';

const STORAGE_KEY = 'cadenza-console-instrument';
export const DEFAULT_INSTRUMENT = 'PAPER:BTC/USDT';

export function useInstruments(client: CadenzaClient, connected: boolean): { instruments: RpcInstrument[]; error?: string } {
  const [instruments, setInstruments] = useState<RpcInstrument[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!connected || instruments.length) return;
    let live = true;
    client
      .rpc('query.instrument.list', { limit: 1000 })
      .then((list) => {
        if (!live) return;
        setInstruments(list.filter((i) => i.instrumentId && i.status !== 'DELISTED'));
        setError(undefined);
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => void (live = false);
  }, [client, connected, instruments.length]);
  return { instruments, ...(error ? { error } : {}) };
}

/** The chosen instrument id: the URL's `#VENUE:SYMBOL`, else the last one used, else PAPER BTC/USDT. */
export function initialInstrumentId(): string {
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (fromHash.includes(':')) return fromHash;
  return localStorage.getItem(STORAGE_KEY) ?? DEFAULT_INSTRUMENT;
}

export function rememberInstrument(id: string): void {
  localStorage.setItem(STORAGE_KEY, id);
  history.replaceState(null, '', `#${encodeURIComponent(id).replace(/%3A/g, ':').replace(/%2F/g, '/')}`);
}
