import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEndpoints } from './config.ts';

describe('endpoints', () => {
  test('BINANCE and BINANCE_SANDBOX default to the public spot and testnet URLs', () => {
    assert.deepEqual(resolveEndpoints({ venueId: 'BINANCE' }), {
      restBaseUrl: 'https://api.binance.com',
      wsBaseUrl: 'wss://stream.binance.com:9443',
      wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
    });
    assert.deepEqual(resolveEndpoints({ venueId: 'BINANCE_SANDBOX' }), {
      restBaseUrl: 'https://testnet.binance.vision',
      wsBaseUrl: 'wss://stream.testnet.binance.vision',
      wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
    });
  });

  test('overrides tolerate /api, /ws and /stream suffixes; a local server also serves the WebSocket API', () => {
    assert.deepEqual(resolveEndpoints({ venueId: 'BINANCE_SANDBOX', restBaseUrl: 'https://testnet.binance.vision/api/', wsBaseUrl: 'ws://127.0.0.1:9000/stream' }), {
      restBaseUrl: 'https://testnet.binance.vision',
      wsBaseUrl: 'ws://127.0.0.1:9000',
      wsApiUrl: 'ws://127.0.0.1:9000/ws-api/v3',
    });
  });

  test('a market-data-only Binance host keeps the real WebSocket API for user data', () => {
    const e = resolveEndpoints({ venueId: 'BINANCE', wsBaseUrl: 'wss://data-stream.binance.vision/ws' });
    assert.equal(e.wsBaseUrl, 'wss://data-stream.binance.vision');
    assert.equal(e.wsApiUrl, 'wss://ws-api.binance.com:443/ws-api/v3');
  });
});
