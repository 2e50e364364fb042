/**
 * Crash safety on PostgreSQL (a real cluster started by the test): SIGKILL under concurrent submits, restart on the
 * same database, every acknowledged order present, balances consistent (the scenario: crash-scenario.ts).
 */
import { after, before, test } from 'node:test';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { crashSafetyScenario } from './crash-scenario.ts';

let postgres: TestPostgres;
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  await postgres.stop();
});

test('on PostgreSQL, SIGKILL at a random moment loses no acknowledged order and leaves a consistent portfolio', async () => {
  await crashSafetyScenario({ CADENZA_DATABASE_URL: await postgres.createDatabase() });
});
