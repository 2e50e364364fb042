/**
 * Crash safety on the embedded SQLite store: SIGKILL under concurrent submits, restart, every acknowledged order
 * present, balances consistent (the scenario: crash-scenario.ts).
 */
import { test } from 'node:test';
import { crashSafetyScenario } from './crash-scenario.ts';

test('SIGKILL at a random moment loses no acknowledged order and leaves a consistent portfolio', () => crashSafetyScenario());
