/** The debug wrapper answers exactly as the dispatcher it wraps, including how the transport handed the params over. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { CallerContext } from '@cadenza/domain';
import { loggedDispatcher } from '../src/request-log.ts';
import type { DispatchOptions, RpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';

for (const level of ['info', 'debug'] as const) {
  test(`loggedDispatcher at ${level} passes the dispatch options through (REST's already-checked params)`, async () => {
    const seen: (DispatchOptions | undefined)[] = [];
    const inner: RpcDispatcher = {
      methods: new Set(['query.system.info']),
      async dispatch(_caller, _method, _params, options) {
        seen.push(options);
        return { result: { data: 1 } };
      },
    };
    const lines: string[] = [];
    const log = pino({ level }, { write: (s: string) => void lines.push(s) });
    const caller = { userId: 'u1', isAdmin: false } as unknown as CallerContext;
    const out = await loggedDispatcher(inner, log).dispatch(caller, 'query.system.info', {}, { paramsChecked: true });
    assert.deepEqual(out, { result: { data: 1 } });
    assert.deepEqual(seen, [{ paramsChecked: true }]);
    assert.equal(lines.length, level === 'debug' ? 1 : 0);
  });
}
