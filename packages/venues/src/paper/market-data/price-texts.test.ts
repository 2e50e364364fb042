import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstrumentRules } from '@cadenza/domain';
import { PAPER_INSTRUMENTS } from '../paper-instruments.ts';
import { PriceTexts } from './price-texts.ts';

test('remembered price and quantity texts are always what the rules format, across slot collisions (work-counted)', () => {
  for (const config of PAPER_INSTRUMENTS) {
    const rules = new InstrumentRules(config);
    const texts = new PriceTexts(rules);
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5_000; i++) {
      // Counts near each other (book levels), 256 apart (the same slot) and far apart (a new price range).
      const base = [1, 50_000_000, 2 ** 31 + 7][next() % 3]!;
      const count = base + (next() % 4) * 256 + (next() % 40);
      assert.equal(texts.price(count), rules.ticksToPrice(count), `price of ${count} ticks`);
      assert.equal(texts.quantity(count), rules.lotsToQuantity(count), `quantity of ${count} lots`);
    }
  }
});
