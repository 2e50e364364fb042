#!/usr/bin/env node
// The `cadenza` executable: loads the TypeScript sources through tsx (resolved from this package, so it works
// from any working directory), then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
