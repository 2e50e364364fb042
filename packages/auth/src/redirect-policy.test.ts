import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedirectPolicy } from './redirect-policy.ts';

const site = 'https://trade.example.com';
const policy = new RedirectPolicy(site, ['https://app.example.com/auth', 'myapp://reset', 'https://docs.example.com']);

test('the site host (any port, path or scheme http/https) and allow-listed prefixes are kept', () => {
  for (const ok of [
    'https://trade.example.com/reset?x=1',
    'http://trade.example.com:3000/',
    'https://app.example.com/auth',
    'https://app.example.com/auth/callback?next=1',
    'https://app.example.com/auth?x=1',
    'myapp://reset',
    'myapp://reset/done',
    'https://docs.example.com/anything',
  ]) {
    assert.equal(policy.resolve(ok), new URL(ok).href, ok);
  }
});

test('look-alike hosts, other paths, userinfo tricks, other schemes and garbage become the site URL', () => {
  for (const bad of [
    'https://evil.example/',
    'https://trade.example.com.evil.io/',
    'https://app.example.com/authx',
    'https://app.example.com/other',
    'https://app.example.com.evil.io/auth',
    'https://app.example.com@evil.io/auth',
    'https://trade.example.com@evil.io/',
    'javascript:alert(1)//trade.example.com',
    'myapp://resetx',
    '//evil.example',
    'not a url',
    '',
    undefined,
    42,
  ]) {
    assert.equal(policy.resolve(bad), site, String(bad));
  }
});

test('a malformed allow-list entry is a start-up error', () => {
  assert.throws(() => new RedirectPolicy(site, ['not a url']), /redirectUrls/);
});
