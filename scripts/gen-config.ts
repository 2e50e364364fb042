// Writes the configuration table of README.md and .env.example from packages/server/src/config-vars.ts
// (`npm run gen:config`); packages/server/src/config-docs.test.ts fails when they drift from the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { envExample, withReadmeTable } from '../packages/server/src/config-docs.ts';

const root = resolve(import.meta.dirname, '..');
const readme = resolve(root, 'README.md');
writeFileSync(readme, withReadmeTable(readFileSync(readme, 'utf8')));
writeFileSync(resolve(root, '.env.example'), envExample());
console.log('wrote README.md (configuration table) and .env.example');
