/**
 * docs/rest-api.md's reference is what scripts/rest-reference writes from the OpenAPI document (run
 * `npm run gen:rest-docs` after changing the contract or the examples), and it leaves no operation out: each has a
 * summary, and each but the WebSocket's has an example (run by e2e/rest-examples).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { restGuide } from '../../../scripts/rest-reference/examples.ts';
import { operations, queryString, REFERENCE_BEGIN, REFERENCE_END, restReference } from '../../../scripts/rest-reference/render.ts';

const doc = readFileSync(new URL('../../../docs/rest-api.md', import.meta.url), 'utf8');
const noExample = (path: string) => path === '/connection/websocket';

test('docs/rest-api.md holds the reference the generator writes', () => {
  const section = doc.slice(doc.indexOf(REFERENCE_BEGIN), doc.indexOf(REFERENCE_END) + REFERENCE_END.length);
  assert.equal(section, restReference(), 'run `npm run gen:rest-docs`');
});

test('every operation of the document has a summary, and an example unless it is the WebSocket\'s', () => {
  const ops = operations();
  assert.ok(ops.length > 50);
  for (const op of ops) {
    assert.ok(restGuide[op.operationId]?.summary, `${op.operationId} has a summary`);
    assert.equal(restGuide[op.operationId]!.example !== undefined, !noExample(op.path), `${op.operationId} example`);
    assert.ok(doc.includes(`### \`${op.verb} ${op.path}\``), `${op.operationId} in the doc`);
  }
  assert.deepEqual(Object.keys(restGuide).filter((id) => !ops.some((o) => o.operationId === id)), [], 'no guide entry names an operation the document lacks');
});

test('example query strings repeat array keys and keep shell variables readable', () => {
  assert.equal(queryString({ instrumentIds: ['PAPER:BTC/USDT', 'PAPER:ETH/USDT'], tradingAccountId: '$ACCOUNT', note: 'a&b c' }), '?instrumentIds=PAPER:BTC/USDT&instrumentIds=PAPER:ETH/USDT&tradingAccountId=$ACCOUNT&note=a%26b%20c');
});
