/**
 * Generates the SDKs' typed views of the contract from packages/contract/fixtures/cadenza-rpc.json (the committed copy
 * of the contract, with this server's decisions where it is silent: scripts/contract-source.ts) and packages/contract/server-sends.json (the fields this server always sends):
 *
 * - packages/contract/src/generated/received.ts — `Received.*`: every model an RPC result, an account event or a market
 *   channel carries, with the always-sent fields required (no `!` in callers), and `RpcDataMap` (method → result data).
 * - packages/contract/src/generated/server-sends.ts — the same field lists as data, for runtime validation.
 * - clients/python/src/cadenza_rt/{enums,models,params,_rpc}.py — pydantic models for the Python SDK: `models` as
 *   received (required fields as above), `params` as the contract writes them (everything optional that it leaves
 *   optional), enums as Literal types, and the typed `rpc()` overloads.
 *
 * `npm run gen:sdk` writes them; `npm run gen:sdk -- --check` fails when a committed file is stale (a test runs it).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { readContract } from './contract-source.ts';
import { fieldsOf, type FieldSpec, type ModelSpec } from './contract-spec.ts';

interface RpcSpec {
  params: string | null;
  result: string | null;
  resultData?: string | null;
}
interface Contract {
  enums: Record<string, string[]>;
  models: Record<string, ModelSpec>;
  rpc: Record<string, RpcSpec>;
  events: Record<string, { payload: string; data: string; dataIsArray: boolean }>;
}

const root = resolve(import.meta.dirname, '..');
const contract = readContract<Contract>(root);
const sends = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(resolve(root, 'packages/contract/server-sends.json'), 'utf8')) as Record<string, unknown>).filter(([k]) => !k.startsWith('$')),
) as Record<string, string[]>;
const enumNames = new Set(Object.keys(contract.enums));
const allFields = fieldsOf(contract.models);

for (const [model, fields] of Object.entries(sends)) {
  const known = allFields(model);
  for (const f of fields) if (!known[f]) throw new Error(`server-sends.json: ${model}.${f} is not a field of the contract`);
}

/** `array<X>` → X. */
const bare = (t: string) => t.replace(/^array<(.+)>$/, '$1');

/** Models reachable from `roots` through field references. */
function reachable(roots: string[]): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || !contract.models[n]) continue;
    seen.add(n);
    const m = contract.models[n]!;
    stack.push(...(m.oneOf ?? []), ...(m.extends ?? []));
    for (const f of Object.values(allFields(n))) {
      if (f.ref) stack.push(f.ref);
      if (f.items?.ref) stack.push(f.items.ref);
    }
  }
  return [...seen].sort();
}

/** Methods with both a params and a result model (the ones `RpcMethodMap` types). */
const typedMethods = Object.entries(contract.rpc).filter(([, r]) => r.params && r.result) as Array<[string, RpcSpec & { params: string; result: string }]>;
const receivedModels = reachable([
  'OrderBook',
  'Ticker',
  'Kline',
  ...typedMethods.map(([, r]) => bare(r.resultData ?? '')).filter(Boolean),
  ...Object.values(contract.events).map((e) => e.data),
]);
const paramModels = reachable(typedMethods.map(([, r]) => r.params));

const isRequired = (model: string, field: string, f: FieldSpec, received: boolean) => f.required === true || (received && (sends[model] ?? []).includes(field));

// ------------------------------------------------------------------------------------------------ TypeScript

function tsType(f: FieldSpec, local: Set<string>, dropNull: boolean): string {
  let t: string;
  switch (f.type) {
    case 'string':
      t = f.enum ? f.enum.map((v) => JSON.stringify(v)).join(' | ') : 'string';
      break;
    case 'integer':
    case 'number':
      t = 'number';
      break;
    case 'boolean':
      t = 'boolean';
      break;
    case 'enum':
      t = f.ref && enumNames.has(f.ref) ? `E.${f.ref}` : 'string';
      break;
    case 'object':
      t = f.ref ? (local.has(f.ref) ? f.ref : `C.${f.ref}`) : 'Record<string, unknown>';
      break;
    case 'array':
      if (f.alias === 'OrderBookEntry' || f.items?.alias === 'OrderBookEntry') t = 'C.OrderBookEntry[]';
      else if (f.items?.alias === 'KlineCandle') t = 'C.KlineCandle[]';
      else t = `Array<${f.items ? tsType(f.items, local, false) : 'unknown'}>`;
      break;
    default:
      t = 'unknown';
  }
  return f.nullable && !dropNull ? `${t} | null` : t;
}

function tsDataType(resultData: string | null | undefined, local: Set<string>): string {
  if (!resultData) return 'undefined';
  const array = resultData.startsWith('array<');
  const name = bare(resultData);
  const t = name === 'string' ? 'string' : enumNames.has(name) ? `E.${name}` : local.has(name) ? name : `C.${name}`;
  return array ? `${t}[]` : t;
}

const tsKey = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
const header = (what: string) => `// Generated by scripts/gen-sdk.ts from packages/contract/fixtures/cadenza-rpc.json and packages/contract/server-sends.json${what}. Do not edit.\n`;

function receivedTs(): string {
  const local = new Set(receivedModels);
  let s = header('');
  s += "import type * as C from './models.ts';\nimport type * as E from './enums.ts';\n\n";
  s += '// The contract models a client receives, with the fields this server always sends required (server-sends.json).\n';
  for (const name of receivedModels) {
    const m = contract.models[name]!;
    if (m.oneOf) {
      s += `\nexport type ${name} = ${m.oneOf.map((o) => (local.has(o) ? o : `C.${o}`)).join(' | ')};\n`;
      continue;
    }
    const guaranteed = new Set(sends[name] ?? []);
    s += `\n/** The contract's \`${name}\` as received${guaranteed.size ? `; always sent: ${[...guaranteed].join(', ')}` : ''}. */\nexport interface ${name} {\n`;
    for (const [fname, f] of Object.entries(allFields(name))) {
      const req = isRequired(name, fname, f, true);
      s += `  ${tsKey(fname)}${req ? '' : '?'}: ${tsType(f, local, guaranteed.has(fname))};\n`;
    }
    s += '}\n';
  }
  s += '\n/** What `data` holds in each method\'s successful result, as received. */\nexport interface RpcDataMap {\n';
  for (const [method, r] of typedMethods) s += `  ${JSON.stringify(method)}: ${tsDataType(r.resultData, local)};\n`;
  s += '}\n\n/** Account-channel event name → its data, as received. */\nexport interface EventDataMap {\n';
  for (const [event, e] of Object.entries(contract.events)) s += `  ${JSON.stringify(event)}: ${tsDataType(e.dataIsArray ? `array<${e.data}>` : e.data, local)};\n`;
  s += '}\n';
  return s;
}

function serverSendsTs(): string {
  return `${header('')}\n/** Per contract model, the fields the server always sends though the contract leaves them optional. */\nexport const serverSends: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(sends, null, 1)};\n`;
}

// ------------------------------------------------------------------------------------------------ Python

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
const PY_RESERVED = new Set(['from', 'import', 'class', 'def', 'global', 'lambda', 'pass', 'return', 'yield', 'in', 'is', 'not', 'or', 'and', 'if', 'else', 'for', 'while', 'with', 'as', 'try', 'except', 'raise', 'del', 'assert', 'async', 'await', 'none', 'true', 'false', 'nonlocal', 'break', 'continue', 'finally', 'elif']);
const pyAttr = (field: string) => {
  const s = snake(field);
  return PY_RESERVED.has(s) || s.startsWith('model_') ? `${s}_` : s;
};

function pyType(f: FieldSpec, dropNull: boolean): string {
  let t: string;
  switch (f.type) {
    case 'string':
      if (f.enum) t = `Literal[${f.enum.map((v) => JSON.stringify(v)).join(', ')}]`;
      else if (f.kind === 'decimal-string' || f.kind === 'decimal' || f.kind === 'positive-decimal') t = 'Decimal';
      else if (f.format === 'date-time' || f.kind === 'iso-datetime') t = 'datetime';
      else t = 'str';
      break;
    case 'integer':
      t = 'int';
      break;
    case 'number':
      t = 'float';
      break;
    case 'boolean':
      t = 'bool';
      break;
    case 'enum':
      t = f.ref && enumNames.has(f.ref) ? `enums.${f.ref}` : 'str';
      break;
    case 'object':
      t = f.ref ? f.ref : 'dict[str, Any]';
      break;
    case 'array':
      if (f.alias === 'OrderBookEntry' || f.items?.alias === 'OrderBookEntry') t = 'list[list[str]]';
      else if (f.items?.alias === 'KlineCandle') t = 'list[list[Any]]';
      else t = `list[${f.items ? pyType(f.items, false) : 'Any'}]`;
      break;
    default:
      t = 'Any';
  }
  return f.nullable && !dropNull ? `Optional[${t}]` : t;
}

const pyDoc = (text: string) => `"""${text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}"""`;

function pyModels(models: string[], received: boolean): string {
  let s = `# ${header(' (Python)').slice(3)}`;
  s += received
    ? '"""The contract\'s models as the server sends them: fields it always sends are required (see server-sends.json).\n\nAttributes are snake_case; the wire names (camelCase) are their aliases. Decimals are `Decimal`, times `datetime`.\nUnknown fields are kept (`model_extra`), as the contract asks of clients."""\n'
    : '"""The contract\'s params models, as the contract writes them: what it leaves optional is optional.\n\nBuild them with snake_case or camelCase names; they serialise to the wire\'s camelCase."""\n';
  s += 'from __future__ import annotations\n\nfrom datetime import datetime\nfrom decimal import Decimal\nfrom typing import Any, Literal, Optional, Union\n\nfrom pydantic import Field\n\nfrom . import enums\nfrom ._base import WireModel\n\n__all__ = [\n';
  s += models.map((m) => `    ${JSON.stringify(m)},\n`).join('');
  s += ']\n';
  for (const name of models) {
    const m = contract.models[name]!;
    if (m.oneOf) {
      s += `\n${name} = Union[${m.oneOf.join(', ')}]\n`;
      continue;
    }
    const guaranteed = new Set(received ? (sends[name] ?? []) : []);
    s += `\n\nclass ${name}(WireModel):\n`;
    s += `    ${pyDoc(m.description ? m.description.split('\n')[0]!.slice(0, 200) : `The contract's ${name}.`)}\n\n`;
    const fields = Object.entries(allFields(name));
    if (fields.length === 0) s += '    pass\n';
    for (const [fname, f] of fields) {
      const req = isRequired(name, fname, f, received);
      const t = pyType(f, guaranteed.has(fname));
      s += req ? `    ${pyAttr(fname)}: ${t} = Field(alias=${JSON.stringify(fname)})\n` : `    ${pyAttr(fname)}: Optional[${t.replace(/^Optional\[(.*)\]$/, '$1')}] = Field(None, alias=${JSON.stringify(fname)})\n`;
    }
  }
  s += '\n\nfor _m in __all__:\n    _cls = globals()[_m]\n    if isinstance(_cls, type):\n        _cls.model_rebuild()\n';
  return s;
}

function pyEnums(): string {
  let s = `# ${header(' (Python)').slice(3)}`;
  s += '"""The contract\'s enums as `Literal` types, and their values as tuples (`VENUE_VALUES`…)."""\nfrom typing import Literal\n\n';
  for (const [name, values] of Object.entries(contract.enums)) {
    s += `${name} = Literal[${values.map((v) => JSON.stringify(v)).join(', ')}]\n`;
    s += `${snake(name).toUpperCase()}_VALUES: tuple[str, ...] = (${values.map((v) => JSON.stringify(v)).join(', ')}${values.length === 1 ? ',' : ''})\n`;
  }
  return s;
}

function pyDataType(resultData: string | null | undefined): string {
  if (!resultData) return 'None';
  const name = bare(resultData);
  const t = name === 'string' ? 'str' : enumNames.has(name) ? `enums.${name}` : `models.${name}`;
  return resultData.startsWith('array<') ? `list[${t}]` : t;
}

function pyRpc(): string {
  let s = `# ${header(' (Python)').slice(3)}`;
  s += '"""Typed `rpc()`: one overload per contract method (params model or dict in, the result\'s data as models out),\nand the table the client uses to parse results."""\n';
  s += 'from __future__ import annotations\n\nfrom typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union, overload\n\nfrom . import enums, models, params\n\n';
  s += '#: method → (params model, result data type as text: "Model", "list[Model]", an enum name or None)\n';
  s += 'RPC_METHODS: dict[str, tuple[Optional[type], Optional[str]]] = {\n';
  for (const [method, r] of typedMethods) s += `    ${JSON.stringify(method)}: (params.${r.params}, ${r.resultData ? JSON.stringify(r.resultData) : 'None'}),\n`;
  s += '}\n\n#: account-channel event name → (data model name, whether data is a list)\n';
  s += 'EVENTS: dict[str, tuple[str, bool]] = {\n';
  for (const [event, e] of Object.entries(contract.events)) s += `    ${JSON.stringify(event)}: (${JSON.stringify(e.data)}, ${e.dataIsArray ? 'True' : 'False'}),\n`;
  s += '}\n\n\nclass TypedRpc:\n    """`rpc(method, params)` typed per method; implemented by `CadenzaClient._call`."""\n\n    if TYPE_CHECKING:\n';
  for (const [method, r] of typedMethods) {
    s += `\n        @overload\n        async def rpc(self, method: Literal[${JSON.stringify(method)}], params: Union[params.${r.params}, Mapping[str, Any], None] = None, *, timeout: Optional[float] = None) -> ${pyDataType(r.resultData)}: ...\n`;
  }
  s += '\n        @overload\n        async def rpc(self, method: str, params: Union[Mapping[str, Any], Any, None] = None, *, timeout: Optional[float] = None) -> Any: ...\n';
  s += '\n    async def rpc(self, method: str, params: Any = None, *, timeout: Optional[float] = None) -> Any:\n';
  s += '        """Calls `method` and returns the result\'s `data`, parsed into the contract\'s models.\n\n        Raises `RpcError` (the server refused: AABBB `code`), `ProtocolError` (the Centrifugo layer refused:\n        103 permission denied, 104 method not found…) or `CadenzaTimeoutError`."""\n';
  s += '        return await self._call(method, params, timeout=timeout)  # type: ignore[attr-defined]\n';
  return s;
}

// ------------------------------------------------------------------------------------------------ write or check

const outputs: Array<[string, string]> = [
  ['packages/contract/src/generated/received.ts', receivedTs()],
  ['packages/contract/src/generated/server-sends.ts', serverSendsTs()],
  ['clients/python/src/cadenza_rt/enums.py', pyEnums()],
  ['clients/python/src/cadenza_rt/models.py', pyModels(receivedModels, true)],
  ['clients/python/src/cadenza_rt/params.py', pyModels(paramModels, false)],
  ['clients/python/src/cadenza_rt/_rpc.py', pyRpc()],
];

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [path, text] of outputs) {
  const abs = resolve(root, path);
  if (check) {
    let current = '';
    try {
      current = readFileSync(abs, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) stale.push(path);
    continue;
  }
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}
if (check && stale.length) {
  console.error(`stale generated files (run npm run gen:sdk): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(`${check ? 'checked' : 'generated'} ${outputs.map(([p]) => relative(root, resolve(root, p))).join(', ')}: ${receivedModels.length} received models, ${paramModels.length} params models, ${typedMethods.length} methods`);
