import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Hub, type HubMember } from './hub.ts';

const member = (): HubMember => ({ binary: false, sendShared: () => undefined });

test('the user index counts, lists and forgets members across one and several connections of a user', () => {
  // Any sequence of adds and removes of a few members under a few users: the hub agrees with a plain model.
  const members = [member(), member(), member(), member()];
  const op = fc.record({ add: fc.boolean(), user: fc.constantFrom('a', 'b', ''), m: fc.integer({ min: 0, max: members.length - 1 }) });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const hub = new Hub<HubMember>(() => undefined);
      const model = new Map<string, Set<HubMember>>();
      for (const { add, user, m } of ops) {
        const set = model.get(user) ?? new Set();
        if (add) {
          hub.addUser(user, members[m]!);
          set.add(members[m]!);
        } else {
          hub.removeUser(user, members[m]!);
          set.delete(members[m]!);
        }
        if (set.size > 0) model.set(user, set);
        else model.delete(user);
        for (const u of ['a', 'b', '']) {
          const want = model.get(u) ?? new Set();
          assert.equal(hub.userConnections(u), want.size);
          assert.deepEqual(new Set(hub.connectionsOf(u)), want);
        }
        const c = hub.counts;
        assert.equal(c.users, model.size);
        assert.equal(c.connected, [...model.values()].reduce((n, s) => n + s.size, 0));
      }
    }),
    { numRuns: 300 },
  );
});

test('sockets are counted per address only when an address is given', () => {
  const hub = new Hub<HubMember>(() => undefined);
  const [a, b, c] = [member(), member(), member()];
  assert.equal(hub.addSocket(a, '10.0.0.1'), 1);
  assert.equal(hub.addSocket(b, '10.0.0.1'), 2);
  assert.equal(hub.addSocket(c, undefined), 0);
  assert.equal(hub.counts.sockets, 3);
  hub.removeSocket(a, '10.0.0.1');
  hub.removeSocket(c, undefined);
  assert.equal(hub.counts.sockets, 1);
  assert.equal(hub.addSocket(a, '10.0.0.1'), 2);
});
