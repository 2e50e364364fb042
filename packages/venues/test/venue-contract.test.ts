import { venueContract } from '@cadenza/testkit';
import { createMockVenue } from '../src/mock/index.ts';
import { createPaperVenue } from '../src/paper/index.ts';

const now = () => Date.UTC(2026, 10, 24, 10, 0, 0);
venueContract('PAPER', { make: (deps) => createPaperVenue(deps, { seed: 21, lively: false, historyMinutes: 30 }), symbol: 'BTC/USDT', now });
venueContract('PAPER (XRP)', { make: (deps) => createPaperVenue(deps, { seed: 22, lively: false, historyMinutes: 0, instruments: ['XRP/USDT'] }), symbol: 'XRP/USDT', now });
venueContract('PAPER (BTC-PERP)', { make: (deps) => createPaperVenue(deps, { seed: 23, lively: false, historyMinutes: 0, instruments: ['BTC-PERP'] }), symbol: 'BTC-PERP', now });
venueContract('MOCK', { make: (deps) => createMockVenue(deps), symbol: 'ETH/USDT', now });
