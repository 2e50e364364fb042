/**
 * The reference part of docs/rest-api.md, written from the OpenAPI document (verbs, paths, parameters, request
 * and answer models: the contract's) and examples.ts (what each operation does, who may call it, one curl call).
 * `npm run gen:rest-docs` puts it between REFERENCE_BEGIN and REFERENCE_END; a test keeps the file equal to it.
 */
import { openApiDocument, type OpenApiOperation } from '@cadenza/contract';
import { restGuide, type ExampleValue, type RestExample } from './examples.ts';

export const REFERENCE_BEGIN = '<!-- reference:begin — written by `npm run gen:rest-docs`; edit scripts/rest-reference/ instead -->';
export const REFERENCE_END = '<!-- reference:end -->';

type Schema = Record<string, unknown>;
const schemas = openApiDocument.components.schemas as Record<string, Schema>;
const DECIMAL = '^-?\\d+(\\.\\d+)?$';

export interface Located {
  operationId: string;
  verb: string;
  path: string;
  spec: OpenApiOperation;
}

/** Every operation of the document with its verb and path, in the document's order. */
export function operations(): Located[] {
  const out: Located[] = [];
  for (const [path, verbs] of Object.entries(openApiDocument.paths)) {
    for (const [verb, spec] of Object.entries(verbs)) out.push({ operationId: spec.operationId, verb: verb.toUpperCase(), path, spec });
  }
  return out;
}

const refName = (s: Schema) => (typeof s.$ref === 'string' ? s.$ref.split('/').pop()! : undefined);

/** A schema in a few words: `string (uuid)`, `decimal string`, `OrderSide` (with its values when few), `X[]`, `X or null`. */
export function typeOf(s: Schema | undefined): string {
  if (!s) return 'any';
  const name = refName(s);
  if (name) {
    const target = schemas[name];
    const values = target?.enum as string[] | undefined;
    return values && values.length <= 8 ? `\`${name}\`: ${values.map((v) => `\`${v}\``).join(' ')}` : `\`${name}\``;
  }
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map((x) => (x.type === 'null' ? 'null' : typeOf(x))).join(' or ');
  const type = Array.isArray(s.type) ? (s.type as string[]).filter((t) => t !== 'null').join(' | ') + ' or null' : (s.type as string | undefined);
  if (type === 'array') return `${typeOf(s.items as Schema)}[]`;
  if (type === 'string' && s.pattern === DECIMAL) return 'decimal string';
  if (type === 'integer' && s.format === 'int64' && typeof s.maximum === 'number' && s.maximum > 1e15) return 'integer (epoch ms)';
  const limits = [s.minimum !== undefined ? `≥ ${String(s.minimum)}` : '', s.maximum !== undefined ? `≤ ${String(s.maximum)}` : ''].filter(Boolean).join(', ');
  const format = typeof s.format === 'string' ? s.format : '';
  const detail = [format, limits].filter(Boolean).join(', ');
  return detail ? `${type ?? 'any'} (${detail})` : (type ?? 'any');
}

function table(head: string, rows: Array<[string, string, boolean, unknown]>): string[] {
  if (!rows.length) return [];
  return [
    `| ${head} | type | required | default |`,
    '|---|---|---|---|',
    ...rows.map(([name, type, required, def]) => `| \`${name}\` | ${type} | ${required ? 'yes' : ''} | ${def === undefined ? '' : `\`${JSON.stringify(def)}\``} |`),
    '',
  ];
}

function parameters(spec: OpenApiOperation): string[] {
  const rows = (spec.parameters ?? []).map((p) => [p.name, typeOf(p.schema), p.required === true, (p.schema as Schema).default] as [string, string, boolean, unknown]);
  return table('query parameter', rows);
}

function bodyFields(spec: OpenApiOperation): string[] {
  const name = refName((spec.requestBody?.content['application/json']?.schema ?? {}) as Schema);
  if (!name) return [];
  const model = schemas[name]!;
  const required = new Set((model.required as string[] | undefined) ?? []);
  const rows = Object.entries((model.properties ?? {}) as Record<string, Schema>).map(([field, s]) => [field, typeOf(s), required.has(field), s.default] as [string, string, boolean, unknown]);
  return [`Body \`${name}\`:`, '', ...table('field', rows)];
}

function answer(spec: OpenApiOperation): string {
  const name = refName((spec.responses['200']?.content?.['application/json']?.schema ?? {}) as Schema);
  if (!name) return '';
  const data = ((schemas[name]?.properties ?? {}) as Record<string, Schema>).data;
  return `Answer: \`${name}\`${data ? `, \`data\`: ${typeOf(data).replace(/: `.*$/, '')}` : ''}.`;
}

/** A query value as it goes in a double-quoted shell URL: shell variables and `:`/`/` left readable. */
function queryValue(v: string): string {
  return encodeURIComponent(v).replaceAll('%24', '$').replaceAll('%3A', ':').replaceAll('%2F', '/');
}

export function queryString(query: Record<string, ExampleValue> = {}): string {
  const parts = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${k}=${queryValue(String(one))}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The example as one curl command (curl ≥ 7.82 for `--json`; the body in a heredoc so `$VARIABLES` expand). */
export function curlOf(op: Located, ex: RestExample): string {
  const lines = [`curl -s ${op.verb === 'GET' || op.verb === 'POST' ? '' : `-X ${op.verb} `}"$CADENZA${op.path}${queryString(ex.query)}"`];
  if (ex.caller !== 'anyone') lines.push(`  -H "Authorization: Bearer ${ex.caller === 'admin' ? '$ADMIN_TOKEN' : '$TOKEN'}"`);
  if (ex.body) lines.push('  --json @- <<EOF');
  else if (op.verb === 'POST') lines.push('  -X POST');
  const command = lines.join(' \\\n');
  if (!ex.body) return command;
  const oneLine = JSON.stringify(ex.body).replaceAll('":', '": ').replaceAll(',"', ', "');
  return `${command}\n${oneLine.length <= 110 ? oneLine : JSON.stringify(ex.body, null, 2)}\nEOF`;
}

function caller(op: Located, ex: RestExample | undefined): string {
  if (!op.spec.security?.length) return ' No token.';
  return ex?.caller === 'admin' ? ' **Admin role.**' : '';
}

function section(op: Located): string[] {
  const guide = restGuide[op.operationId];
  const ex = guide?.example;
  const out = [`### \`${op.verb} ${op.path}\``, '', `\`${op.operationId}\` — ${guide?.summary ?? ''}${caller(op, ex)}`, ''];
  out.push(...parameters(op.spec), ...bodyFields(op.spec));
  const a = answer(op.spec);
  if (a) out.push(a, '');
  if (ex) out.push(...exampleLines(op, ex));
  for (const more of guide?.also ?? []) out.push(more.note, '', ...exampleLines(op, more));
  return out;
}

function exampleLines(op: Located, ex: RestExample): string[] {
  const out = ['```sh', curlOf(op, ex), '```', ''];
  if (ex.keeps) out.push(`Keep ${Object.entries(ex.keeps).map(([v, path]) => `\`${v}\` = \`.${path.replace(/\.(\d+)\./g, '[$1].')}\``).join(', ')} (e.g. \`| jq -r '.${Object.values(ex.keeps)[0]!.replace(/\.(\d+)\./g, '[$1].')}'\`).`, '');
  return out;
}

/** The reference: operations grouped by the document's tags, in the document's order. */
export function restReference(): string {
  const ops = operations();
  const tags = [...new Set(ops.map((o) => o.spec.tags?.[0] ?? 'Other'))];
  const out = [REFERENCE_BEGIN, ''];
  for (const tag of tags) {
    out.push(`## ${tag}`, '');
    for (const op of ops.filter((o) => (o.spec.tags?.[0] ?? 'Other') === tag)) out.push(...section(op));
  }
  out.push(REFERENCE_END);
  return out.join('\n');
}
