import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

test('a browser app using CadenzaClient bundles without Node built-ins, ajv or the JSON Schemas', async () => {
  const result = await build({
    stdin: {
      contents: "import { CadenzaClient } from '../src/index.ts'; const c = new CadenzaClient({ url: location.origin }); await c.connect(); console.log(await c.rpc('query.venue.list'));",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  assert.equal(result.errors.length, 0);
  assert.doesNotMatch(code, /"definitions\/RpcTradeOrder"|#\/definitions\//, 'the JSON Schemas stay out unless /validation is imported');
  assert.doesNotMatch(code, /ajv/i);
  assert.ok(code.length < 200_000, `bundle is ${code.length} bytes`);
});
