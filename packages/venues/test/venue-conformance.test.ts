import { createMockVenue } from '../src/mock/index.ts';
import { createPaperVenue } from '../src/paper/index.ts';
import { venueConformance } from './venue-conformance.ts';

venueConformance('PAPER', (deps) => createPaperVenue(deps, { seed: 21, lively: false, historyMinutes: 30 }), 'BTC/USDT');
venueConformance('PAPER (XRP)', (deps) => createPaperVenue(deps, { seed: 22, lively: false, historyMinutes: 0, instruments: ['XRP/USDT'] }), 'XRP/USDT');
venueConformance('MOCK', (deps) => createMockVenue(deps), 'ETH/USDT');
