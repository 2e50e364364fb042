/** The venue the domain's tests rest on keeps the Venue port's promises, as every real adapter does. */
import { ScriptedVenue, venueContract } from '../src/index.ts';

venueContract('ScriptedVenue', {
  make: (deps) => {
    const venue = new ScriptedVenue();
    venue.sink = deps.execution;
    return venue;
  },
  symbol: 'BTC/USDT',
});
venueContract('ScriptedVenue (venue ledger)', {
  make: (deps) => {
    const venue = new ScriptedVenue({ id: 'BINANCE', ledger: 'venue', requiresCredential: true });
    venue.sink = deps.execution;
    return venue;
  },
  symbol: 'ETH/USDT',
  account: { tradingAccountId: 'contract-account', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's' } },
});
