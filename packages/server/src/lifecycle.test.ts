import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lifecycle, type Part } from './lifecycle.ts';

const errors: object[] = [];
const log = { error: (o: object) => void errors.push(o) };
const part = (name: string, trace: string[], fail?: 'start' | 'stop'): Part => ({
  name,
  start: () => {
    if (fail === 'start') throw new Error(`${name} cannot start`);
    trace.push(`start ${name}`);
  },
  stop: async () => {
    trace.push(`stop ${name}`);
    if (fail === 'stop') throw new Error(`${name} cannot stop`);
  },
});

test('parts start in order and stop in reverse, once', async () => {
  const trace: string[] = [];
  const l = new Lifecycle(log);
  await l.start([part('store', trace), part('domain', trace)]);
  await l.start([part('http', trace)]);
  await Promise.all([l.stop(), l.stop()]);
  assert.deepEqual(trace, ['start store', 'start domain', 'start http', 'stop http', 'stop domain', 'stop store']);
});

test('a part that cannot start stops the started ones and its error propagates; a failing stop does not stop the others', async () => {
  const trace: string[] = [];
  const l = new Lifecycle(log);
  await assert.rejects(l.start([part('store', trace), part('domain', trace, 'stop'), part('http', trace, 'start')]), /http cannot start/);
  assert.deepEqual(trace, ['start store', 'start domain', 'stop domain', 'stop store']);
  assert.equal(errors.length, 1);
});
