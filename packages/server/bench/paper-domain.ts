/**
 * The in-process benches' domain (bench:orders-domain, bench:otc-domain): `createCadenza` over `store` with the real
 * PAPER venue (no live price feed, no history), the server's clock and UUID v7 ids, secrets unsealed, events to
 * `publish` (a counter or nothing), no cap on open orders. Started.
 */
import { createCadenza, silentLogger, type Cadenza, type Store } from '@cadenza/domain';
import { createPaperVenue } from '@cadenza/venues/paper';
import { systemClock, uuidSource } from '../src/infra/system.ts';

export async function startPaperDomain(store: Store, publish: () => void = () => {}): Promise<Cadenza> {
  let cadenza: Cadenza | undefined;
  const clock = systemClock();
  const venue = createPaperVenue(
    { execution: { onExecution: (e) => cadenza!.execution.onExecution(e) }, market: { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} }, clock, log: silentLogger },
    { lively: false, historyMinutes: 0 },
  );
  cadenza = createCadenza({
    store,
    venues: [venue],
    clock,
    ids: uuidSource(),
    cipher: { seal: (s: string) => s, open: (s: string) => s } as never,
    events: { publish },
    log: silentLogger,
    config: { maxOpenOrdersPerAccount: 0 },
  });
  await cadenza.start();
  return cadenza;
}
