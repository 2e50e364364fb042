/**
 * Hyperliquid's L1 signing against the published vectors of Hyperliquid's own SDK (signing tests: the key
 * 0x0123…0123, nonce 0): an order action, with and without a cloid, on mainnet ("a") and testnet ("b"). The same
 * signature Hyperliquid's SDK makes is the proof that the msgpack, the connectionId and the EIP-712 digest are
 * Hyperliquid's and not merely self-consistent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionHash, cloidOf, createSigner, signerFromCredential } from './signing.ts';
import { VenueError } from '../kit/venue-error.ts';

const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const signer = createSigner(KEY, '0x0000000000000000000000000000000000000001');
const strip = (hex: string) => `0x${hex.slice(2).replace(/^0+/, '')}`;
const order = (extra: Record<string, unknown> = {}) => ({ type: 'order', orders: [{ a: 1, b: true, p: '100', s: '100', r: false, t: { limit: { tif: 'Gtc' } }, ...extra }], grouping: 'na' });

test('an order action signs as Hyperliquid signs it, on mainnet and testnet', () => {
  const main = signer.signL1(order(), 0, 'a');
  assert.deepEqual([strip(main.r), strip(main.s), main.v], ['0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e', '0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e', 28]);
  const testnet = signer.signL1(order(), 0, 'b');
  assert.deepEqual([strip(testnet.r), strip(testnet.s), testnet.v], ['0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54', '0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5', 27]);
});

test('a cloid is part of what is signed', () => {
  const sig = signer.signL1(order({ c: '0x00000000000000000000000000000001' }), 0, 'a');
  assert.deepEqual([strip(sig.r), strip(sig.s), sig.v], ['0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3', '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da', 27]);
});

test('the nonce and the vault are part of the hash', () => {
  const a = Buffer.from(actionHash(order(), 0)).toString('hex');
  assert.notEqual(Buffer.from(actionHash(order(), 1)).toString('hex'), a);
  assert.notEqual(Buffer.from(actionHash(order(), 0, '0x1719884eb866cb12b2287399b15f7db5e7d775ea')).toString('hex'), a);
});

test('credentials: an address and a 32-byte key; the agent address is derived; cloids are stable 16-byte hex', () => {
  const s = signerFromCredential({ credentialType: 'API_KEY', apiKey: '0xAbCdEf0000000000000000000000000000000001', secretKey: KEY.slice(2) }, 'HYPERLIQUID');
  assert.equal(s.user, '0xabcdef0000000000000000000000000000000001');
  assert.match(s.agent, /^0x[0-9a-f]{40}$/);
  for (const bad of [{ apiKey: 'nope', secretKey: KEY }, { apiKey: s.user, secretKey: '0x12' }, { apiKey: s.user, secretKey: KEY, credentialType: 'HMAC' }]) {
    assert.throws(() => signerFromCredential({ credentialType: 'API_KEY', ...bad }, 'HYPERLIQUID'), (e: unknown) => e instanceof VenueError && e.kind === 'unsupported' && !e.message.includes(KEY.slice(4)));
  }
  assert.equal(cloidOf('abc'), cloidOf('abc'));
  assert.match(cloidOf('abc'), /^0x[0-9a-f]{32}$/);
  assert.notEqual(cloidOf('abc'), cloidOf('abd'));
});
