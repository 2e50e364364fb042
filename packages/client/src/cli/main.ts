#!/usr/bin/env -S node --import tsx
/**
 * @module cli/main
 * Entry point of the `cadenza` command (`npm run cadenza -- …`, or the package's `bin`).
 */
import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2));
// Open sockets or stdin listeners must not keep a finished command alive.
process.exit(code);
