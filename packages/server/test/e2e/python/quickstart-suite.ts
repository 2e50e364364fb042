/**
 * The seed's quick start in Python as a test suite, against a Cadenza server or a Centrifugo cluster in front of
 * Cadenza servers: supabase-py (PyPI `supabase`) signs a new user up and in, the official `centrifuge-python` connects
 * with the access token and walks the quick start (docs/python.md is the same walk as a guide). quickstart.py does
 * the walking and prints what it observed as one JSON object; the assertions are here, so a failure names the field
 * that is wrong.
 *
 * The Python clients are pinned in python/requirements.txt and installed on first run into the git-ignored
 * .cache/python-quickstart-venv by testkit's ensureVenv (needs python3 with its venv module and pip's access to
 * PyPI; ~10 s; one run at a time builds it, the others wait and use what it built).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureVenv } from '@cadenza/testkit/services/python-venv';
import { quickstartVenv } from './python-venvs.ts';

const execFile = promisify(execFileCb);
const script = resolve(import.meta.dirname, 'quickstart.py');

/** The venv's python, with the pinned clients installed (npm test builds it before the files run). */
const ensurePython = (): Promise<string> => ensureVenv(quickstartVenv());

type Observations = Record<string, any>;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Where the script goes: the HTTP base URL (auth), the WebSocket, the server's signing keys, who holds the socket. */
export interface PythonTarget {
  url: string;
  wsUrl: string;
  keysDir: string;
  front: 'cadenza' | 'centrifugo';
}

/** Runs quickstart.py against `target()` (awaited in the suite's `before`) and asserts what it observed. */
export function pythonQuickStartSuite(title: string, target: () => Promise<PythonTarget>): void {
  describe(title, () => {
    let out: Observations = {};
    let stderr = '';
    let front: PythonTarget['front'] = 'cadenza';

    before(async () => {
      const [python, t] = await Promise.all([ensurePython(), target()]);
      front = t.front;
      // httpx (supabase-py) and websockets (centrifuge-python) honour proxy variables: loopback must bypass them.
      const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy].filter(Boolean).join(',');
      let stdout: string;
      try {
        ({ stdout, stderr } = await execFile(python, [script, t.url, t.wsUrl, t.keysDir, t.front], {
          timeout: 180_000,
          env: { ...process.env, NO_PROXY: noProxy, no_proxy: noProxy },
        }));
      } catch (err) {
        // A failed step still prints its observations (with "failure"); a crash or a timeout prints none.
        const e = err as { stdout?: string; stderr?: string; message: string };
        stdout = e.stdout ?? '';
        stderr = `${e.message}\n${e.stderr ?? ''}`;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        out = JSON.parse(last);
      } catch {
        out = { failure: `no JSON from quickstart.py; stdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-4000)}` };
      }
    }, { timeout: 420_000 });

    /** What the script observed under `key`; a missing key fails with the script's own failure. */
    function seen(key: string): any {
      assert.ok(out[key] !== undefined, `quickstart.py observed no "${key}"; it failed with:\n${out.failure ?? stderr}`);
      return out[key];
    }

    test('every step of the script ran', () => {
      assert.equal(out.failure, undefined, out.failure);
    });

    test('supabase-py signs a new user up and in; the access token is an ES256 JWT of that user', () => {
      const signUp = seen('sign_up');
      assert.equal(signUp.has_session, true, 'sign-up confirms at once and returns a session');
      const login = seen('login');
      assert.equal(login.user_email, login.email);
      assert.equal(login.token_parts, 3, 'the access token is a JWT');
      assert.equal(login.token_alg, 'ES256');
      assert.equal(login.token_sub, login.user_id);
      assert.equal(login.token_type, 'bearer');
      assert.equal(login.expires_in, 3600);
      assert.equal(login.has_refresh_token, true);
      assert.equal(login.get_user_id, login.user_id, 'auth.get_user(token) knows the user');
    });

    test('centrifuge-python connects with the token, is put on its user channel, and lists PAPER instruments in the contract shape', () => {
      const connected = seen('connected');
      assert.equal(connected.state, 'ClientState.CONNECTED');
      assert.deepEqual(connected.server_subscribed, [`user:${seen('login').user_id}`]);

      const instruments = seen('instruments');
      assert.equal(instruments.error, null);
      for (const s of ['BTC/USDT', 'ETH/USDT']) assert.ok(instruments.symbols.includes(s), `PAPER lists ${s}: ${instruments.symbols}`);
      for (const [key, base] of [['btc', 'BTC'], ['eth', 'ETH']] as const) {
        const i = instruments[key];
        assert.equal(i.instrumentId, `PAPER:${base}/USDT`);
        assert.equal(i.venue, 'PAPER');
        assert.equal(i.baseAsset, base);
        assert.equal(i.quoteAsset, 'USDT');
        assert.equal(i.status, 'ACTIVE');
        assert.match(i.lotSize, DECIMAL, 'decimals are strings');
        assert.ok(i.orderTypes.includes('MARKET'));
        assert.match(i.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(Object.keys(i).some((k) => k.includes('_')), false, `camelCase fields only: ${Object.keys(i)}`);
      }
    });

    test('an order-book subscription: the subscribe reply carries a snapshot, then three books with bid below ask', () => {
      const created = seen('subscription_create');
      assert.equal(created.error, undefined);
      assert.equal(created.data[0].subscriptionType, 'MARKET.SUBSCRIPTION.ORDERBOOK');
      assert.equal(created.data[0].instrumentId, 'PAPER:BTC/USDT');
      assert.equal(created.data[0].status, 'ACTIVE');

      const ob = seen('orderbook');
      assert.equal(ob.snapshot?.updateType, 'SNAPSHOT', 'SubscribedContext.data is the snapshot');
      assert.equal(ob.snapshot.instrumentId, 'PAPER:BTC/USDT');
      assert.ok(ob.snapshot.bidLevels > 0 && ob.snapshot.askLevels > 0);
      assert.ok(ob.seconds_to_third < 4, `three books in ${ob.seconds_to_third} s`);
      assert.equal(ob.books.length, 3);
      for (const book of ob.books) {
        assert.equal(book.venue, 'PAPER');
        assert.equal(book.symbol, 'BTC/USDT');
        assert.ok(book.bidLevels > 0 && book.askLevels > 0, 'bids and asks are not empty');
        assert.match(book.bids[0][0], DECIMAL);
        assert.ok(Number(book.bids[0][0]) < Number(book.asks[0][0]), `best bid ${book.bids[0][0]} below best ask ${book.asks[0][0]}`);
      }
    });

    test('a paper account: an idempotent MARKET BUY fills, the account channel tells, and the portfolio holds more BTC', () => {
      const account = seen('account');
      assert.equal(account.error, undefined);
      assert.equal(account.data.venue, 'PAPER');
      assert.equal(account.data.status, 'ACTIVE');
      assert.equal(account.data.userId, seen('login').user_id);

      const submit = seen('submit');
      assert.equal(submit.error, undefined, JSON.stringify(submit.error));
      assert.equal(submit.data.status, 'FILLED');
      assert.equal(submit.data.executedQuantity, '0.01');
      assert.match(submit.data.executedPrice, DECIMAL);
      const again = seen('submit_again');
      assert.equal(again.error, undefined, JSON.stringify(again.error));
      assert.equal(again.data.tradeOrderId, submit.data.tradeOrderId, 'the same idempotencyKey returns the original order');

      const events = seen('account_events');
      assert.deepEqual(events.order_ids, [submit.data.tradeOrderId], 'one order, whatever the repeat');
      assert.equal(events.order_statuses.at(-1), 'FILLED');
      assert.ok(events.types.includes('event.portfolio.updated'));
      assert.equal(events.first.type, 'event.trade_order.updated', 'publications are {type, data, timestamp} envelopes');
      assert.equal(typeof events.first.timestamp, 'number');
      assert.ok(events.portfolio_updates.some((u: any) => u.balances.some((b: any) => b.securitySymbol === 'BTC' && Number(b.total) > 1)), 'a portfolio update holds the bought BTC');

      const btc = (p: any) => Number(p.data.balances.find((b: any) => b.securitySymbol === 'BTC').total);
      const before = btc(seen('portfolio_before'));
      const afterBuy = btc(seen('portfolio_after'));
      assert.ok(afterBuy > before, `BTC went from ${before} to ${afterBuy}`);
      assert.ok(Math.abs(afterBuy - before - 0.01) < 0.0001, 'bought 0.01 BTC (less a fee paid in BTC), once');
    });

    test('bad calls: an unknown method raises ReplyError 104, a malformed order is a coded result error, the connection carries on', () => {
      assert.deepEqual(seen('unknown_method'), { code: 104, message: 'method not found' });
      const malformed = seen('malformed_order');
      assert.equal(malformed.data, undefined);
      assert.match(String(malformed.error?.code), /^\d{5}$/, 'AABBB code');
      assert.match(malformed.error.message, /tradeOrder\.orderSide/, 'names the bad field');
      const after = seen('after_errors');
      assert.equal(after.instruments, 2, 'an RPC after the errors answers');
      assert.equal(after.state, 'ClientState.CONNECTED');
      assert.equal(after.connects, 1, 'never reconnected');
      assert.deepEqual(after.disconnects, []);
      assert.deepEqual(after.errors, []);
    });

    test('get_token: a connection refreshes its token (through supabase-py, or on the server side behind Centrifugo), and an expired token gets 109 then a fresh one', () => {
      if (front === 'centrifugo') {
        // Centrifugo refreshes connections through Cadenza's refresh proxy while the login session lives: no get_token.
        const refresh = seen('server_refresh');
        assert.equal(refresh.get_token_calls, 0);
        assert.ok(refresh.seconds_connected > 3, `connected ${refresh.seconds_connected} s on a token of 2 s`);
        assert.equal(refresh.rpc_after, 1);
        assert.equal(refresh.state, 'ClientState.CONNECTED');
        assert.equal(refresh.connects, 1, 'refreshed in place, no reconnect');
        assert.deepEqual(refresh.disconnects, []);
        assert.deepEqual(refresh.errors, []);
      } else {
        const refresh = seen('refresh');
        assert.equal(refresh.get_token_calls, 1);
        assert.ok(refresh.seconds_to_get_token < 3, `refreshed ${refresh.seconds_to_get_token} s after connecting (token lifetime 2 s)`);
        assert.equal(refresh.reply.error, undefined);
        assert.equal(refresh.reply.refresh.expires, true);
        assert.ok(refresh.reply.refresh.ttl > 3000, `the refreshed token is a full-length one (ttl ${refresh.reply.refresh.ttl})`);
        assert.equal(refresh.rpc_after, 1);
        assert.equal(refresh.state, 'ClientState.CONNECTED');
        assert.equal(refresh.connects, 1, 'refreshed in place, no reconnect');
        assert.deepEqual(refresh.disconnects, []);
        assert.deepEqual(refresh.errors, []);
      }

      const expired = seen('expired');
      assert.deepEqual(expired.errors, [109]);
      assert.equal(expired.get_token_calls, 1);
      assert.equal(expired.rpc_after, 1);
      assert.equal(expired.state, 'ClientState.CONNECTED');
    });
  });
}
