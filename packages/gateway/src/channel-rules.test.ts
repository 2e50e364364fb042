import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelRules } from './channel-rules.ts';
import { ProtocolError } from './errors.ts';

const rules = new ChannelRules({
  namespaces: { news: { historySize: 10, historyTtlSeconds: 60, forceRecovery: true }, chat: { allowUserLimitedChannels: true, channelRegex: /^[a-z#,0-9]+$/ } },
  withoutNamespace: { presence: true },
  maxChannelLength: 255,
});
const code = (ch: string) => {
  try {
    rules.resolve(ch);
    return 0;
  } catch (e) {
    return (e as ProtocolError).code;
  }
};

test('the namespace is the part before the first colon, after a private $', () => {
  assert.equal(rules.resolve('news:a:b').ns.name, 'news');
  assert.equal(rules.resolve('$news:x').isPrivate, true);
  assert.equal(rules.resolve('lobby').ns.presence, true);
  assert.equal(rules.resolve('news:x').ns.forceRecovery, true);
});

test('unknown namespace 102; empty, too long or regex-failing names 107', () => {
  assert.equal(code('nope:x'), 102);
  assert.equal(code(''), 107);
  assert.equal(code(`news:${'é'.repeat(126)}`), 107);
  assert.equal(code('chat:UPPER'), 107);
  assert.equal(code('chat:room'), 0);
});

test('user-limited channels list the users after the last #', () => {
  assert.deepEqual(rules.resolve('chat:dialog#42,43').allowedUsers, ['42', '43']);
  assert.equal(rules.resolve('chat:room').allowedUsers, undefined);
});

test('recovery needs history: forceRecovery without history is off', () => {
  const r = new ChannelRules({ namespaces: { x1: { forceRecovery: true } }, maxChannelLength: 255 });
  assert.equal(r.resolve('x1:a').ns.forceRecovery, false);
  assert.throws(() => new ChannelRules({ namespaces: { 'bad name': {} }, maxChannelLength: 255 }));
});
