/**
 * Builds `@cadenza/client` as an installable npm package: `npm run build:sdk [-- --out DIR]` writes DIR (default
 * packages/client/dist) holding the package as published — its own package.json, README, JavaScript and type
 * declarations — so `npm pack DIR` makes the tarball.
 *
 * - JavaScript: ES2022 modules, bundled by esbuild per entry point (`.`, `./validation`, the `cadenza` CLI) with
 *   shared chunks; `@cadenza/contract` is bundled in (it is not published on its own), the runtime dependencies
 *   (centrifuge, ws, ajv) stay imports. No tsx, no TypeScript at run time. CommonJS callers use `require()`, which
 *   loads these modules on Node ≥ 20.19 (no top-level await on the library path).
 * - Types: tsc declarations of the client and contract sources, the `@cadenza/contract` specifier rewritten to the
 *   bundled copy, so the types need nothing that is not in the tarball.
 * - The browser path imports nothing from Node: `ws` is loaded by `connect()` only when there is no global
 *   WebSocket (Node 20), through a specifier bundlers leave alone.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkgDir = resolve(root, 'packages/client');
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1]! : join(pkgDir, 'dist'));
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  description: string;
  license: string;
  engines: Record<string, string>;
  keywords: string[];
  dependencies: Record<string, string>;
};
/** What the built package needs at run time (the workspace's contract is bundled; tsx is a repo-only loader). */
const RUNTIME_DEPS = ['centrifuge', 'ws', 'ajv', 'ajv-formats'];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { index: join(pkgDir, 'src/index.ts'), validation: join(pkgDir, 'src/validation.ts'), cli: join(pkgDir, 'src/cli/main.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: [...RUNTIME_DEPS, 'node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});

// Declarations: one tsc run over both packages' sources, rootDir packages/ → types/client/src, types/contract/src.
const typesDir = join(out, 'types');
const tsconfig = join(out, 'tsconfig.build.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rewriteRelativeImportExtensions: true,
      rootDir: join(root, 'packages'),
      outDir: typesDir,
      // The library path must compile against the browser's globals alone: no Node types.
      lib: ['ES2023', 'DOM'],
      types: [],
      // Resolved as a source file (not through node_modules), so tsc emits its declarations too.
      paths: { '@cadenza/contract': [join(root, 'packages/contract/src/index.ts')] },
    },
    files: [join(pkgDir, 'src/index.ts'), join(pkgDir, 'src/validation.ts'), join(root, 'packages/contract/src/index.ts')],
  }),
);
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { encoding: 'utf8' });
rmSync(tsconfig);
if (tsc.status !== 0) throw new Error(`tsc declarations failed:\n${tsc.stdout}${tsc.stderr}`);
// Declarations keep the sources' specifiers: `./x.ts` becomes `./x.js`, `@cadenza/contract` the bundled copy.
for (const file of walk(typesDir)) {
  const contract = relative(dirname(file), join(typesDir, 'contract/src/index.js'));
  const text = readFileSync(file, 'utf8')
    .replaceAll(/(from |import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2')
    .replaceAll(/(from |import\()(['"])@cadenza\/contract\2/g, `$1$2${contract.startsWith('.') ? contract : `./${contract}`}$2`);
  writeFileSync(file, text);
}
for (const file of walk(typesDir)) {
  if (/['"]@cadenza\//.test(readFileSync(file, 'utf8'))) throw new Error(`${file} still imports a workspace package`);
}

mkdirSync(join(out, 'bin'));
writeFileSync(join(out, 'bin/cadenza.js'), "#!/usr/bin/env node\nimport '../cli.js';\n", { mode: 0o755 });
cpSync(join(pkgDir, 'README.md'), join(out, 'README.md'));

const types = './types/client/src';
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      license: manifest.license,
      keywords: manifest.keywords,
      type: 'module',
      engines: manifest.engines,
      sideEffects: false,
      types: `${types}/index.d.ts`,
      exports: {
        '.': { types: `${types}/index.d.ts`, default: './index.js' },
        './validation': { types: `${types}/validation.d.ts`, default: './validation.js' },
        './package.json': './package.json',
      },
      // Browsers have a WebSocket: bundlers leave the Node-20 fallback out.
      browser: { ws: false },
      bin: { cadenza: './bin/cadenza.js' },
      dependencies: Object.fromEntries(RUNTIME_DEPS.map((d) => [d, manifest.dependencies[d] ?? missing(d)])),
    },
    null,
    2,
  )}\n`,
);
console.log(`built ${manifest.name}@${manifest.version} into ${relative(process.cwd(), out) || '.'}`);

function missing(dep: string): never {
  throw new Error(`packages/client/package.json lists no version of ${dep}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
