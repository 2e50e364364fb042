/**
 * @module admin/admin
 * Entry point of `npm run admin -- <command>` (commands in `admin-commands.ts`).
 */
import { runAdmin } from './admin-commands.ts';
import { readPassword } from './password-input.ts';

const code = await runAdmin(process.argv.slice(2), {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
  readPassword: (prompt) => readPassword(prompt),
});
process.exitCode = code;
