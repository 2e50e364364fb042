import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, MAX_ECHO_CHARS } from '@cadenza/domain';
import { rpcWorld, alice } from './rpc-test-world.ts';

// A refusal quotes at most a bounded prefix of what the client sent (64 code points, control characters replaced)
// and is never longer than 300 characters, whatever the input.
const HUGE = 'x'.repeat(100_000);
const ESCAPES = '\u001b[31mred\r\nForged: log line\u0000';

function assertShort(message: string): void {
  assert.ok(message.length <= 300, `message of ${message.length} characters`);
  assert.ok(!/\p{Cc}/u.test(message), `control characters in ${JSON.stringify(message)}`);
}

function assertBounded(message: string): void {
  assertShort(message);
  assert.ok(!message.includes('x'.repeat(MAX_ECHO_CHARS + 1)), `quotes more than the bounded prefix: ${message}`);
}

async function account(w: Awaited<ReturnType<typeof rpcWorld>>, venue = 'PAPER'): Promise<string> {
  const r = await w.call(alice, 'command.trading_account.create', { tradingAccount: { venue } });
  return r.data.tradingAccountId as string;
}

describe('error messages echo a bounded prefix of client input', () => {
  test('an order decimal: `got "xxx…"` quotes 64 characters', async () => {
    const w = await rpcWorld();
    const tradingAccountId = await account(w);
    for (const field of ['quantity', 'limitPrice', 'stopPrice']) {
      const r = await w.call(alice, 'command.trade_order.submit', {
        tradingAccountId,
        tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'STOP_LIMIT', quantity: '1', limitPrice: '1', stopPrice: '1', [field]: HUGE },
      });
      assert.equal(r.error.code, 11000);
      assert.match(r.error.message, new RegExp(`tradeOrder\\.${field} must be a decimal string without exponent, got "x{${MAX_ECHO_CHARS - 1}}…`));
      assertBounded(r.error.message);
    }
    const esc = await w.call(alice, 'command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', quantity: ESCAPES } });
    assertBounded(esc.error.message);
  });

  test('identifiers the domain cannot find: instrument, order', async () => {
    const w = await rpcWorld();
    const tradingAccountId = await account(w);
    const answers = [
      await w.call(alice, 'command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: `PAPER:${HUGE}`, orderSide: 'BUY', quantity: '1' } }),
      await w.call(alice, 'command.trade_order.cancel', { tradingAccountId, tradeOrderId: HUGE }),
      await w.call(alice, 'command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: `PAPER:${ESCAPES}`, orderSide: 'BUY', quantity: '1' } }),
      await w.call(alice, 'query.orderbook.get', { instrumentId: `PAPER:${HUGE}` }),
      await w.call(alice, 'command.subscription.create', { venue: 'PAPER', instruments: [`PAPER:${HUGE}`], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' }),
      await w.call(alice, 'command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: HUGE }),
    ];
    for (const r of answers) {
      assert.ok(r.error, JSON.stringify(r).slice(0, 200));
      assertBounded(r.error.message);
    }
  });

  test('the credential venue (a domain call past the schema) and any DomainError message', async () => {
    const w = await rpcWorld();
    const tradingAccountId = await account(w);
    assert.throws(
      () => w.cadenza.credentials.create(alice, { tradingAccountId, venue: HUGE as never, credentialType: 'HMAC', apiKey: 'k', secretKey: 's' }),
      (e: unknown) => e instanceof DomainError && e.code === 13004 && /^credential venue x{64}… differs from the account venue PAPER$/.test(e.message),
    );
    // A site that forgot to bound its quote still answers a short message without control characters.
    const raw = new DomainError('VALIDATION_FAILED', `${ESCAPES} ${HUGE}`);
    assertShort(raw.message);
  });

  test('schema refusals (params-validator) never quote the value, and their field paths are bounded', async () => {
    const w = await rpcWorld();
    const answers = [
      await w.call(alice, 'query.instrument.list', { venue: HUGE }),
      await w.call(alice, 'query.trade_order.list', { tradingAccountId: HUGE }),
      await w.call(alice, 'query.instrument.list', { symbols: [...Array(50_000).fill('BTC/USDT'), 7] }),
      await w.call(alice, 'command.trade_order.submit', { tradingAccountId: '00000000-0000-4000-8000-000000000001', tradeOrder: { orderSide: HUGE } }),
    ];
    for (const r of answers) {
      assert.equal(r.error?.code, 10001, JSON.stringify(r).slice(0, 200));
      assertBounded(r.error.message);
    }
    assert.match(answers[2].error.message, /^invalid params: symbols\[50000\] must be string$/);
  });
});
