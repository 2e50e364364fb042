/**
 * Properties of the wallet ledger.
 * - The rules alone (ledger-core): any sequence of planned movements keeps each asset's sum over all wallets
 *   constant, never takes a wallet without allowNegative below zero, and a refused plan changes nothing; and the plan,
 *   worked in integer units on the grid and in Dec off it, answers exactly what the same rules worked in Dec alone
 *   answer (entries' texts, refusals and their messages), amounts on and off the grid — given as Dec or as canonical
 *   text.
 * - The desk end to end (SQLite): any sequence of deposits, transfers, accepted and refused quotes, freezes and
 *   closes keeps each asset's sum over every wallet at zero (money enters from an accounting wallet), no client wallet
 *   below zero, each wallet's balance equal to the sum of its stored entries, and each FERMATA portfolio equal to its
 *   wallet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, ZERO, amountOf, dec, decOf, planLegs, str, type Dec, type Leg, type LedgerState, type WalletView } from '@cadenza/domain';
import { testCadenza, alice, bob, admin } from '@cadenza/testkit';

const ASSETS = ['BTC', 'USDT'] as const;

test('property: planned movements conserve every asset and respect overdraft, freeze and close rules', () => {
  const wallet = fc.record({ allowNegative: fc.boolean(), status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'FROZEN', 'CLOSED') as fc.Arbitrary<WalletView['status']> });
  const leg = fc.record({ from: fc.nat(5), to: fc.nat(5), asset: fc.constantFrom(...ASSETS), cents: fc.integer({ min: -5, max: 100_000 }) });
  const step = fc.record({ legs: fc.array(leg, { minLength: 1, maxLength: 3 }), closing: fc.boolean() });
  fc.assert(
    fc.property(fc.array(wallet, { minLength: 6, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 6, maxLength: 6 }), fc.array(step, { maxLength: 60 }), (ws, seeds, steps) => {
      const views = ws.map((w, i) => ({ walletId: `w${i}`, ...w }));
      const balances = new Map<string, Dec>();
      const key = (w: string, a: string) => `${w}/${a}`;
      // Start from whatever balances (non-negative where the wallet demands it); their sums are the invariant.
      views.forEach((v, i) => ASSETS.forEach((a) => balances.set(key(v.walletId, a), dec(seeds[i]!).div(100))));
      const sums = () => ASSETS.map((a) => views.reduce((s, v) => s.add(balances.get(key(v.walletId, a)) ?? ZERO), ZERO).toString());
      const initial = sums();
      // Held as the wallet book holds them: units on the grid.
      const state: LedgerState = { wallet: (id) => views.find((v) => v.walletId === id), balance: (w, a) => amountOf(str(balances.get(key(w, a)) ?? ZERO)) };
      for (const s of steps) {
        const before = new Map(balances);
        const plan = planLegs(state, s.legs.map((l) => ({ from: `w${l.from}`, to: `w${l.to}`, asset: l.asset, amount: dec(l.cents).div(100) })), { closingWithdrawal: s.closing });
        if (!plan.ok) {
          assert.deepEqual(balances, before, 'a refusal moves nothing');
          continue;
        }
        for (const e of plan.entries) {
          assert.ok(balances.get(key(e.walletId, e.asset))!.add(dec(e.amount)).eq(dec(e.balanceAfter)), 'each entry is the running sum');
          assert.equal(str(decOf(e.after)), e.balanceAfter, 'the balance held is the one written');
          balances.set(key(e.walletId, e.asset), dec(e.balanceAfter));
        }
        for (const v of views) {
          for (const a of ASSETS) {
            const b = balances.get(key(v.walletId, a))!;
            const moved = !b.eq(before.get(key(v.walletId, a))!);
            if (moved && !v.allowNegative) assert.ok(!b.isNeg(), `${v.walletId} ${a} went to ${b}`);
            if (moved) assert.notEqual(v.status, 'FROZEN', 'a frozen wallet moved');
            if (moved && v.status === 'CLOSED') assert.ok(b.isZero(), 'a closed wallet moved other than to zero');
          }
        }
        assert.deepEqual(sums(), initial);
      }
    }),
    { numRuns: 300 },
  );
});

/** The rules as they were worked before units (every balance a Dec): the reference the plan must answer as. */
function planInDec(state: { wallet(id: string): WalletView | undefined; balance(w: string, a: string): Dec }, legs: readonly Leg[], closingWithdrawal: boolean): unknown {
  const running = new Map<string, Dec>();
  const entries: unknown[] = [];
  for (const leg of legs) {
    if (!leg.amount.gt(0)) return ['INVALID_TRANSFER', 'amount must be greater than zero'];
    if (leg.from === leg.to) return ['INVALID_TRANSFER', 'source and destination are the same wallet'];
    const from = state.wallet(leg.from);
    const to = state.wallet(leg.to);
    if (!from) return ['WALLET_NOT_FOUND', `wallet ${leg.from} not found`];
    if (!to) return ['WALLET_NOT_FOUND', `wallet ${leg.to} not found`];
    if (from.status === 'FROZEN') return ['WALLET_FROZEN', `wallet ${from.walletId} is frozen`];
    if (to.status === 'FROZEN') return ['WALLET_FROZEN', `wallet ${to.walletId} is frozen`];
    if (to.status === 'CLOSED') return ['WALLET_CLOSED', `wallet ${to.walletId} is closed`];
    const fromKey = `${from.walletId}/${leg.asset}`;
    const toKey = `${to.walletId}/${leg.asset}`;
    const fromBefore = running.get(fromKey) ?? state.balance(from.walletId, leg.asset);
    const fromAfter = fromBefore.sub(leg.amount);
    if (from.status === 'CLOSED') {
      if (!closingWithdrawal) return ['WALLET_CLOSED', `wallet ${from.walletId} is closed`];
      if (!fromAfter.isZero()) return ['WALLET_CLOSED', `wallet ${from.walletId} is closed: only a withdrawal of all its ${leg.asset} (${str(fromBefore)}) is allowed`];
    }
    if (fromAfter.isNeg() && !from.allowNegative) return ['INSUFFICIENT_BALANCE', `insufficient ${leg.asset} in wallet ${from.walletId}: needs ${str(leg.amount)}, holds ${str(fromBefore)}`];
    const toAfter = (running.get(toKey) ?? state.balance(to.walletId, leg.asset)).add(leg.amount);
    running.set(fromKey, fromAfter);
    running.set(toKey, toAfter);
    entries.push([from.walletId, leg.asset, str(leg.amount.neg()), str(fromAfter), to.walletId]);
    entries.push([to.walletId, leg.asset, str(leg.amount), str(toAfter), from.walletId]);
  }
  return entries;
}

test('property: the plan in units answers what the rules in Dec answer, on the grid and off it', () => {
  // Amounts of every size: cents, and any digits up to 21 whole and 25 fraction (the grid ends at 10^18 and 20 places).
  const digits = (max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: max }).map((ds) => ds.join(''));
  const wild = fc.tuple(digits(21), digits(25)).map(([i, f]) => dec(`${i || '0'}${f ? `.${f}` : ''}`));
  const amount = fc.oneof(fc.integer({ min: -5, max: 100_000 }).map((c) => dec(c).div(100)), wild, fc.constantFrom('999999999999999999.99999999999999999999', '1000000000000000000', '0.00000000000000000001').map(dec));
  const wallet = fc.record({ allowNegative: fc.boolean(), status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'FROZEN', 'CLOSED') as fc.Arbitrary<WalletView['status']> });
  const leg = fc.record({ from: fc.nat(3), to: fc.nat(3), asset: fc.constantFrom(...ASSETS), amount });
  fc.assert(
    fc.property(fc.array(wallet, { minLength: 4, maxLength: 4 }), fc.array(fc.tuple(amount, fc.boolean()), { minLength: 8, maxLength: 8 }), fc.array(leg, { minLength: 1, maxLength: 4 }), fc.boolean(), (ws, seeds, legs, closing) => {
      const views = ws.map((w, i) => ({ walletId: `w${i}`, ...w }));
      // Seeds negative too (a wallet that may go below zero, or one that went before a rule changed).
      const seed = (w: string, a: string) => {
        const [v, neg] = seeds[views.findIndex((x) => x.walletId === w) * 2 + ASSETS.indexOf(a as never)]!;
        return neg ? v.neg() : v;
      };
      const wallet = (id: string) => views.find((v) => v.walletId === id);
      const moves = legs.map((l) => ({ from: `w${l.from}`, to: `w${l.to}`, asset: l.asset, amount: l.amount }));
      const plan = planLegs({ wallet, balance: (w, a) => amountOf(str(seed(w, a))) }, moves, { closingWithdrawal: closing });
      const got = plan.ok ? plan.entries.map((e) => [e.walletId, e.asset, e.amount, e.balanceAfter, e.counterpartyWalletId]) : [plan.refusal, plan.message];
      assert.deepEqual(got, planInDec({ wallet, balance: seed }, moves, closing));
      if (plan.ok) for (const e of plan.entries) assert.equal(str(decOf(e.after)), e.balanceAfter);
      // The same legs given as their canonical texts (as an accept gives a quote's) plan the same, refusals included.
      const texts = planLegs({ wallet, balance: (w, a) => amountOf(str(seed(w, a))) }, moves.map((m) => ({ from: m.from, to: m.to, asset: m.asset, text: str(m.amount) })), { closingWithdrawal: closing });
      assert.deepEqual(texts.ok ? texts.entries.map((e) => [e.walletId, e.asset, e.amount, e.balanceAfter, e.counterpartyWalletId, str(decOf(e.after))]) : [texts.refusal, texts.message], plan.ok ? plan.entries.map((e) => [e.walletId, e.asset, e.amount, e.balanceAfter, e.counterpartyWalletId, str(decOf(e.after))]) : [plan.refusal, plan.message]);
      // And with their units read beforehand where on the grid (as an accept hands the quote's quantity on): the same.
      const unitsOf = (text: string) => {
        const a = amountOf(text);
        return typeof a === 'bigint' ? a : undefined;
      };
      const read = planLegs({ wallet, balance: (w, a) => amountOf(str(seed(w, a))) }, moves.map((m) => ({ from: m.from, to: m.to, asset: m.asset, text: str(m.amount), units: unitsOf(str(m.amount)) })), { closingWithdrawal: closing });
      assert.deepEqual(read, texts);
    }),
    { numRuns: 2_000 },
  );
});

type Action =
  | { kind: 'deposit'; who: 0 | 1; asset: 'BTC' | 'USDT'; amount: number }
  | { kind: 'transfer'; who: 0 | 1; asset: 'BTC' | 'USDT'; amount: number; back: boolean }
  | { kind: 'trade'; who: 0 | 1; side: 'BUY' | 'SELL'; milli: number; expire: boolean }
  | { kind: 'freeze'; who: 0 | 1; on: boolean }
  | { kind: 'close'; who: 0 | 1 };

const who = fc.constantFrom(0 as const, 1 as const);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), who, asset: fc.constantFrom('BTC' as const, 'USDT' as const), amount: fc.integer({ min: 1, max: 200_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('transfer' as const), who, asset: fc.constantFrom('BTC' as const, 'USDT' as const), amount: fc.integer({ min: 1, max: 200_000 }), back: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('trade' as const), who, side: fc.constantFrom('BUY' as const, 'SELL' as const), milli: fc.integer({ min: 1, max: 3_000 }), expire: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('freeze' as const), who, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), who }) },
);

test('property: the desk keeps every asset summing to zero over all wallets, whatever trades, transfers and refusals happen', async () => {
  const refusals = new Map<string, number>();
  let trades = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 30 }), async (actions) => {
      const t = await testCadenza();
      const z = t.cadenza;
      const paper = z.tradingAccounts.create(admin, { venue: 'PAPER' }).tradingAccountId;
      const dealer = z.otc.dealers.create(admin, { name: 'desk', baseCurrencies: ['USDT'] });
      z.otc.dealers.link(dealer.dealerAccountId, paper);
      const treasury = z.otc.wallets.create(admin, {}).walletId;
      const users = [alice, bob] as const;
      const accounts = users.map((u) => z.otc.fermataAccounts.connect(u, { dealerAccountId: dealer.dealerAccountId }).tradingAccountId);
      const wallets = accounts.map((a) => z.otc.walletBook.ofAccount(a)!.walletId);
      const spare = users.map((u) => z.otc.wallets.create(u, {}).walletId);
      for (const a of actions) {
        const u = users[a.who];
        try {
          switch (a.kind) {
            case 'deposit':
              z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: wallets[a.who]!, asset: a.asset, amount: str(dec(a.amount).div(a.asset === 'BTC' ? 10_000 : 1)) });
              break;
            case 'transfer': {
              const [from, to] = a.back ? [spare[a.who]!, wallets[a.who]!] : [wallets[a.who]!, spare[a.who]!];
              z.otc.wallets.transfer(u, { sourceWalletId: from, destWalletId: to, asset: a.asset, amount: str(dec(a.amount).div(a.asset === 'BTC' ? 10_000 : 1)) });
              break;
            }
            case 'trade': {
              const q = await z.otc.quotes.rfq(u, { dealerAccountId: dealer.dealerAccountId, instrumentId: 'BTC/USDT', orderSide: a.side, quantity: str(dec(a.milli).div(1000)), ttl: 1 });
              if (a.expire) t.clock.advance(1_000);
              await z.orders.submit(u, { tradingAccountId: accounts[a.who]!, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
              trades++;
              break;
            }
            case 'freeze':
              if (a.on) z.otc.wallets.freeze(admin, wallets[a.who]!);
              else z.otc.wallets.unfreeze(admin, wallets[a.who]!);
              break;
            case 'close':
              z.otc.wallets.close(u, spare[a.who]!);
              break;
          }
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          refusals.set(err.errorName, (refusals.get(err.errorName) ?? 0) + 1);
        }
        await z.otc.hedger.idle();
        const all = z.otc.walletBook.all();
        for (const asset of ASSETS) {
          assert.equal(str(all.reduce((s, w) => s.add(z.otc.walletBook.balance(w.walletId, asset)), ZERO)), '0', `${asset} is conserved`);
          for (const w of all) {
            const b = z.otc.walletBook.balance(w.walletId, asset);
            if (!w.allowNegative) assert.ok(!b.isNeg(), `${w.walletType} wallet below zero`);
          }
        }
      }
      for (const w of z.otc.walletBook.all()) {
        for (const asset of ASSETS) {
          const entries = await t.store.otc.listLedgerEntries(w.walletId, asset);
          const b = z.otc.walletBook.balance(w.walletId, asset);
          assert.equal(str(entries.reduce((s, e) => s.add(e.amount), ZERO)), str(b), 'balance = sum of entries');
          const mirrored = z.portfolios.get(admin, w.tradingAccountId).balances?.find((x) => x.securitySymbol === asset)?.total ?? '0';
          assert.equal(mirrored, str(b), 'the portfolio shows the wallet');
        }
      }
      await z.stop();
    }),
    { numRuns: 25 },
  );
  // The runs met real refusals, not only successes.
  for (const name of ['INSUFFICIENT_BALANCE', 'QUOTE_EXPIRED', 'WALLET_FROZEN']) assert.ok((refusals.get(name) ?? 0) > 0, `no ${name} in the runs: ${JSON.stringify([...refusals])}`);
  assert.ok(trades > 0);
});
