/**
 * Password recovery with the official `@supabase/supabase-js` 2.119 against the built-in service: the mailed code
 * and link (captured from a test mailer), `verifyOtp` by code and by `token_hash`, the link's 303 with the session
 * in the fragment, the new password, and every refusal with GoTrue's exact code and message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthApiError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { LogMailer, type Mailer, type MailMessage } from '../src/index.ts';
import { call, CLIENT_HEADERS, startHarness, type Harness } from './harness.ts';

/** Keeps every message; `send` records synchronously, so a mail exists once `/recover` has answered. */
class TestMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
  to(address: string): MailMessage[] {
    return this.sent.filter((m) => m.to === address);
  }
}

interface Mail {
  code: string;
  link: URL;
  tokenHash: string;
}

function parseMail(m: MailMessage): Mail {
  const code = /code: (\d{6})\b/.exec(m.text)?.[1];
  const href = /(\S+\/auth\/v1\/verify\?\S+)/.exec(m.text)?.[1];
  assert.ok(code && href, `mail without a code or a link:\n${m.text}`);
  const link = new URL(href);
  return { code, link, tokenHash: link.searchParams.get('token') ?? '' };
}

const PASSWORD = 'old password 1';
const NEW_PASSWORD = 'new password 2';
let seq = 0;
const email = (tag: string) => `${tag}-${++seq}@example.com`;

const mailer = new TestMailer();
let h: Harness;

before(async () => {
  h = await startHarness({
    mailer,
    redirectUrls: ['myapp://reset'],
    rateLimits: {
      signInPerIp: { burst: 1000, perSecond: 100 },
      signUpPerIp: { burst: 1000, perSecond: 100 },
      verifyPerIp: { burst: 1000, perSecond: 100 },
    },
  });
  await h.listen();
});
after(() => h.close());

/** A user who asked for recovery, and the mail they got. */
async function recovering(tag: string, redirectTo?: string): Promise<{ address: string; mail: Mail }> {
  const address = email(tag);
  await h.auth.users.createUser({ email: address, password: PASSWORD });
  const res = await h.supabase().auth.resetPasswordForEmail(address, redirectTo ? { redirectTo } : {});
  assert.deepEqual(res, { data: {}, error: null });
  const mails = mailer.to(address);
  assert.equal(mails.length, 1);
  return { address, mail: parseMail(mails[0]!) };
}

function assertRefused(error: unknown, status: number, code: string, message: string): void {
  assert.ok(error instanceof AuthApiError, `expected an AuthApiError, got ${String(error)}`);
  assert.equal(error.status, status);
  assert.equal(error.code, code);
  assert.equal(error.message, message);
}

/** The mailed link, opened on this server (the mail names `siteUrl`). */
async function openLink(link: URL): Promise<{ status: number; location: URL }> {
  const res = await fetch(`${h.url}${link.pathname}${link.search}`, { redirect: 'manual' });
  await res.text();
  return { status: res.status, location: new URL(res.headers.get('location') ?? 'invalid:') };
}

const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('recovery by code', () => {
  test('resetPasswordForEmail → mailed code → verifyOtp session → updateUser: the new password signs in, the old one fails', async () => {
    const { address, mail } = await recovering('code');
    const m = mailer.to(address)[0]!;
    assert.equal(m.subject, 'Reset your password');
    assert.equal(mail.link.origin + mail.link.pathname, 'http://localhost:8000/auth/v1/verify');
    assert.equal(mail.link.searchParams.get('type'), 'recovery');
    assert.equal(mail.link.searchParams.get('redirect_to'), 'http://localhost:8000');
    assert.match(mail.tokenHash, /^[0-9a-f]{64}$/);

    const sb = h.supabase();
    const events: string[] = [];
    sb.auth.onAuthStateChange((event) => events.push(event));
    const { data, error } = await sb.auth.verifyOtp({ email: address.toUpperCase(), token: mail.code, type: 'recovery' });
    assert.equal(error, null);
    assert.ok(data.session && data.user);
    assert.equal(data.user.email, address);
    assert.equal(data.session.token_type, 'bearer');
    assert.equal(data.session.expires_in, 3600);
    assert.ok(data.session.refresh_token.length >= 12);
    const claims = decodeJwt(data.session.access_token);
    assert.equal(claims.sub, data.user.id);
    assert.equal((claims.amr as { method: string }[])[0]?.method, 'otp');
    assert.ok(events.includes('PASSWORD_RECOVERY'));
    assert.equal((await h.auth.verifier.verify(data.session.access_token)).sub, data.user.id);

    const updated = await sb.auth.updateUser({ password: NEW_PASSWORD });
    assert.equal(updated.error, null);
    const fresh = h.supabase();
    const good = await fresh.auth.signInWithPassword({ email: address, password: NEW_PASSWORD });
    assert.equal(good.error, null);
    assert.equal(good.data.user?.id, data.user.id);
    const old = await h.supabase().auth.signInWithPassword({ email: address, password: PASSWORD });
    assertRefused(old.error, 400, 'invalid_credentials', 'Invalid login credentials');
    // The recovered session is an ordinary one: it refreshes.
    assert.equal((await sb.auth.refreshSession()).error, null);
  });

  test('a used code is refused with 403 otp_expired "Token has expired or is invalid"', async () => {
    const { address, mail } = await recovering('used');
    assert.equal((await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' })).error, null);
    const again = await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' });
    assertRefused(again.error, 403, 'otp_expired', 'Token has expired or is invalid');
    assert.equal(again.data.session, null);
    // …and so is its link: the token is gone.
    const link = await h.supabase().auth.verifyOtp({ token_hash: mail.tokenHash, type: 'recovery' });
    assertRefused(link.error, 403, 'otp_expired', 'Email link is invalid or has expired');
  });

  test('a wrong code is refused and the right one still works; an unknown email gets the same refusal', async () => {
    const { address, mail } = await recovering('wrong');
    const wrong = await h.supabase().auth.verifyOtp({ email: address, token: otherCode(mail.code), type: 'recovery' });
    assertRefused(wrong.error, 403, 'otp_expired', 'Token has expired or is invalid');
    const ghost = await h.supabase().auth.verifyOtp({ email: email('ghost'), token: mail.code, type: 'recovery' });
    assertRefused(ghost.error, 403, 'otp_expired', 'Token has expired or is invalid');
    assert.equal((await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' })).error, null);
  });

  test('five wrong codes void the token, so the mailed code no longer works', async () => {
    const { address, mail } = await recovering('guess');
    for (let i = 0; i < 5; i++) {
      const r = await h.supabase().auth.verifyOtp({ email: address, token: otherCode(mail.code), type: 'recovery' });
      assertRefused(r.error, 403, 'otp_expired', 'Token has expired or is invalid');
    }
    const right = await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' });
    assertRefused(right.error, 403, 'otp_expired', 'Token has expired or is invalid');
  });

  test('a code past its hour is refused, by code and by token_hash', async () => {
    const { address, mail } = await recovering('expired');
    h.clock.advance(3601);
    const code = await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' });
    assertRefused(code.error, 403, 'otp_expired', 'Token has expired or is invalid');
    const link = await h.supabase().auth.verifyOtp({ token_hash: mail.tokenHash, type: 'recovery' });
    assertRefused(link.error, 403, 'otp_expired', 'Email link is invalid or has expired');
  });

  test('a second recovery voids the first token (code and link); the second works', async () => {
    const { address, mail: first } = await recovering('twice');
    h.clock.advance(61); // past the per-account spacing
    assert.equal((await h.supabase().auth.resetPasswordForEmail(address)).error, null);
    const mails = mailer.to(address);
    assert.equal(mails.length, 2);
    const second = parseMail(mails[1]!);
    assert.notEqual(second.tokenHash, first.tokenHash);
    if (first.code !== second.code) {
      const old = await h.supabase().auth.verifyOtp({ email: address, token: first.code, type: 'recovery' });
      assertRefused(old.error, 403, 'otp_expired', 'Token has expired or is invalid');
    }
    const oldLink = await h.supabase().auth.verifyOtp({ token_hash: first.tokenHash, type: 'recovery' });
    assertRefused(oldLink.error, 403, 'otp_expired', 'Email link is invalid or has expired');
    assert.equal((await h.supabase().auth.verifyOtp({ email: address, token: second.code, type: 'recovery' })).error, null);
  });
});

describe('recovery by token_hash and by the link', () => {
  test('verifyOtp({ token_hash, type: "recovery" }) gives a session, once', async () => {
    const { address, mail } = await recovering('hash');
    const sb = h.supabase();
    const { data, error } = await sb.auth.verifyOtp({ token_hash: mail.tokenHash, type: 'recovery' });
    assert.equal(error, null);
    assert.equal(data.user?.email, address);
    assert.equal((await sb.auth.updateUser({ password: NEW_PASSWORD })).error, null);
    assert.equal((await h.supabase().auth.signInWithPassword({ email: address, password: NEW_PASSWORD })).error, null);
    const again = await h.supabase().auth.verifyOtp({ token_hash: mail.tokenHash, type: 'recovery' });
    assertRefused(again.error, 403, 'otp_expired', 'Email link is invalid or has expired');
  });

  test('GET /verify redirects 303 to redirect_to with the session in the fragment; a second click carries the error', async () => {
    const { address, mail } = await recovering('link', 'http://localhost:3000/reset?step=2');
    assert.equal(mail.link.searchParams.get('redirect_to'), 'http://localhost:3000/reset?step=2');
    const { status, location } = await openLink(mail.link);
    assert.equal(status, 303);
    assert.equal(location.origin + location.pathname + location.search, 'http://localhost:3000/reset?step=2');
    const f = new URLSearchParams(location.hash.slice(1));
    assert.deepEqual([...f.keys()], ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type', 'type']);
    assert.equal(f.get('token_type'), 'bearer');
    assert.equal(f.get('type'), 'recovery');
    assert.equal(f.get('expires_in'), '3600');
    assert.ok(Math.abs(Number(f.get('expires_at')) - (Math.floor(h.clock.now() / 1000) + 3600)) <= 2);

    const sb = h.supabase();
    const set = await sb.auth.setSession({ access_token: f.get('access_token')!, refresh_token: f.get('refresh_token')! });
    assert.equal(set.error, null);
    assert.equal(set.data.user?.email, address);
    assert.equal((await sb.auth.updateUser({ password: NEW_PASSWORD })).error, null);
    assert.equal((await h.supabase().auth.signInWithPassword({ email: address, password: NEW_PASSWORD })).error, null);

    const second = await openLink(mail.link);
    assert.equal(second.status, 303);
    assert.equal(second.location.origin + second.location.pathname + second.location.search, 'http://localhost:3000/reset?step=2');
    assert.equal(second.location.hash, '#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired');
  });

  test('redirect_to outside the site host and the allow-list becomes the site URL, in the mail and in the link', async () => {
    const { mail } = await recovering('evil', 'https://evil.example/steal');
    assert.equal(mail.link.searchParams.get('redirect_to'), 'http://localhost:8000');
    const allowed = await recovering('app', 'myapp://reset/done');
    assert.equal(allowed.mail.link.searchParams.get('redirect_to'), 'myapp://reset/done');
    // Edited after mailing: still refused.
    const edited = new URL(mail.link);
    edited.searchParams.set('redirect_to', 'https://evil.example/steal');
    const { status, location } = await openLink(edited);
    assert.equal(status, 303);
    assert.equal(location.origin, 'http://localhost:8000');
    assert.ok(new URLSearchParams(location.hash.slice(1)).get('access_token'));
  });

  test('GET /verify without a token or type is a JSON 400, not a redirect', async () => {
    const noToken = await call(h.auth, 'GET', '/auth/v1/verify?type=recovery', undefined, CLIENT_HEADERS);
    assert.equal(noToken.status, 400);
    assert.deepEqual([noToken.body.code, noToken.body.message], ['validation_failed', 'Verify requires a token or a token hash']);
    const noType = await call(h.auth, 'GET', '/auth/v1/verify?token=abc', undefined, CLIENT_HEADERS);
    assert.equal(noType.status, 400);
    assert.equal(noType.body.message, 'Verify requires a verification type');
  });
});

describe('refusals and limits', () => {
  test('types other than recovery answer 400 "Unsupported verification type"', async () => {
    const { address, mail } = await recovering('types');
    for (const type of ['signup', 'magiclink', 'email', 'invite'] as const) {
      const r = await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type });
      assertRefused(r.error, 400, 'validation_failed', 'Unsupported verification type');
    }
    const link = await openLink(new URL(mail.link.href.replace('type=recovery', 'type=signup')));
    assert.equal(link.location.hash, '#error=invalid_request&error_code=validation_failed&error_description=Unsupported+verification+type');
    // None of that used the token up.
    assert.equal((await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' })).error, null);
  });

  test('malformed verify requests get GoTrue\'s validation messages', async () => {
    const cases: [unknown, number, string][] = [
      [{ email: 'a@example.com', token: '123456' }, 400, 'Verify requires a verification type'],
      [{ type: 'recovery', email: 'a@example.com' }, 400, 'Verify requires either a token or a token hash'],
      [{ type: 'recovery', token: '123456', token_hash: 'abc' }, 400, 'Verify requires either a token or a token hash'],
      [{ type: 'recovery', token: '123456' }, 400, 'Only an email address or phone number should be provided on verify'],
      [{ type: 'recovery', token_hash: 'abc', email: 'a@example.com' }, 400, 'Only the token_hash and type should be provided'],
      [{ type: 'recovery', token: '123456', email: 'not-an-email' }, 422, 'Invalid email format'],
    ];
    for (const [body, status, message] of cases) {
      const r = await call(h.auth, 'POST', '/auth/v1/verify', body, CLIENT_HEADERS);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.deepEqual([r.body.code, r.body.message], ['validation_failed', message]);
    }
  });

  test('an unknown email answers 200 {} and nothing is mailed', async () => {
    const ghost = email('nobody');
    const before = mailer.sent.length;
    const res = await call(h.auth, 'POST', '/auth/v1/recover', { email: ghost }, CLIENT_HEADERS);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
    assert.equal(mailer.sent.length, before);
  });

  test('a second request for the same account within 60 s is 429 and mails nothing', async () => {
    const { address } = await recovering('spacing');
    const again = await h.supabase().auth.resetPasswordForEmail(address);
    assertRefused(again.error, 429, 'over_email_send_rate_limit', 'For security purposes, you can only request this after 60 seconds.');
    assert.equal(mailer.to(address).length, 1);
  });

  test('the REST route mails the same recovery', async () => {
    const address = email('rest');
    await h.auth.users.createUser({ email: address, password: PASSWORD });
    const res = await call(h.auth, 'POST', '/api/v3/auth/recover', { email: address });
    assert.equal(res.status, 200);
    assert.equal(res.body.success, true);
    const mail = parseMail(mailer.to(address)[0]!);
    assert.equal((await h.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' })).error, null);
  });
});

describe('per-IP limits', () => {
  let tight: Harness;
  const tightMailer = new TestMailer();
  before(async () => {
    tight = await startHarness({ mailer: tightMailer, rateLimits: { signUpPerIp: { burst: 2, perSecond: 0.0001 }, verifyPerIp: { burst: 3, perSecond: 0.0001 } } });
  });
  after(() => tight.close());

  test('/recover still answers 429 over_request_rate_limit past the per-IP budget, without mailing', async () => {
    const address = 'limited@example.com';
    await tight.auth.users.createUser({ email: address, password: PASSWORD });
    for (const tag of ['a', 'b']) assert.equal((await call(tight.auth, 'POST', '/auth/v1/recover', { email: `${tag}@example.com` }, CLIENT_HEADERS)).status, 200);
    const res = await call(tight.auth, 'POST', '/auth/v1/recover', { email: address }, CLIENT_HEADERS);
    assert.equal(res.status, 429);
    assert.equal(res.body.code, 'over_request_rate_limit');
    assert.equal(tightMailer.sent.length, 0);
  });

  test('/verify answers 429 over_request_rate_limit past the per-IP budget, the link as JSON too', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await call(tight.auth, 'POST', '/auth/v1/verify', { type: 'recovery', email: 'x@example.com', token: '123456' }, CLIENT_HEADERS);
      assert.equal(r.status, 403);
    }
    const post = await call(tight.auth, 'POST', '/auth/v1/verify', { type: 'recovery', email: 'x@example.com', token: '123456' }, CLIENT_HEADERS);
    assert.equal(post.status, 429);
    assert.equal(post.body.code, 'over_request_rate_limit');
    const get = await call(tight.auth, 'GET', '/auth/v1/verify?type=recovery&token=abc', undefined, CLIENT_HEADERS);
    assert.equal(get.status, 429);
  });
});

describe('LogMailer (the default)', () => {
  test('writes the message with the link and code to the log at info, and that code recovers the account', async () => {
    const lines: { level: string; obj: any; msg: string | undefined }[] = [];
    const entry = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
    const log = { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
    const logged = await startHarness({ log });
    try {
      await logged.listen();
      const address = 'logged@example.com';
      await logged.auth.users.createUser({ email: address, password: PASSWORD });
      assert.ok(!lines.some((l) => l.obj.mail), 'nothing mailed yet');
      assert.equal((await logged.supabase().auth.resetPasswordForEmail(address)).error, null);
      const mailLines = lines.filter((l) => l.obj.mail);
      assert.equal(mailLines.length, 1);
      assert.equal(mailLines[0]!.level, 'info');
      assert.equal(mailLines[0]!.obj.mail.to, address);
      const mail = parseMail(mailLines[0]!.obj.mail as MailMessage);
      const { error } = await logged.supabase().auth.verifyOtp({ email: address, token: mail.code, type: 'recovery' });
      assert.equal(error, null);
      // The link token appears in no other log entry.
      assert.ok(!lines.filter((l) => !l.obj.mail).some((l) => JSON.stringify(l).includes(mail.tokenHash)));
    } finally {
      await logged.close();
    }
  });

  test('with apiKeys enforced, the mailed link still opens without a key (and /recover still needs one)', async () => {
    const keyed = await startHarness({ apiKeys: ['the-key'], mailer: new LogMailer({ debug() {}, info() {}, warn() {}, error() {} }) });
    try {
      const res = await keyed.auth.app.request('/auth/v1/verify?type=recovery&token=abc&redirect_to=http://localhost:8000/x');
      assert.equal(res.status, 303);
      assert.match(res.headers.get('location') ?? '', /^http:\/\/localhost:8000\/x#error=access_denied&error_code=otp_expired/);
      assert.equal((await call(keyed.auth, 'POST', '/auth/v1/recover', { email: 'a@example.com' })).status, 401);
    } finally {
      await keyed.close();
    }
  });
});
