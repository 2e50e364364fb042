/**
 * Generates the REST API's OpenAPI 3.1 document from the contract's machine-readable twin
 * (packages/contract/fixtures/cadenza-rpc.json): every §f operation with its query parameters, request body and
 * responses, and every contract model and enum as a component schema. `npm run gen:openapi`; the output
 * (packages/contract/src/generated/openapi.ts) is committed, served at GET /api/v3/openapi.json and used by the
 * REST layer to check requests. Nothing in it is written by hand: change the contract, run this again.
 *
 * Beyond the contract, and said so in the document: `default` responses (every other status answers the
 * `BaseResponse` envelope), and epoch-millisecond fields bounded to the times a server can represent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface FieldSpec {
  type: string;
  ref?: string;
  items?: FieldSpec;
  format?: string;
  kind?: string;
  nullable?: boolean;
  required?: boolean;
  pattern?: string;
  enum?: string[];
  minLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  additionalProperties?: boolean | FieldSpec;
  minItems?: number;
  maxItems?: number;
  alias?: string;
}
interface ModelSpec {
  extends?: string[];
  fields?: Record<string, FieldSpec>;
  oneOf?: string[];
}
interface QuerySpec extends FieldSpec {
  name: string;
  explode?: boolean;
}
interface RestSpec {
  method: string;
  path: string;
  operationId: string;
  tag: string;
  auth: boolean;
  request: string | null;
  query?: QuerySpec[];
  statusCodes: Record<string, string>;
  pseudo?: boolean;
  note?: string;
  rpcAnalogue?: string[];
}

const root = resolve(import.meta.dirname, '..');
const src = JSON.parse(readFileSync(resolve(root, 'packages/contract/fixtures/cadenza-rpc.json'), 'utf8')) as {
  meta: { openapiInfoVersion: string };
  enums: Record<string, string[]>;
  models: Record<string, ModelSpec>;
  scalars: Record<string, FieldSpec>;
  rest: RestSpec[];
};

/** Date's range: an epoch-ms time outside it names no instant. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const enumNames = new Set(Object.keys(src.enums));

/** The tuples the contract names (a kline candle, an order-book row), spelled out as JSON Schema 2020-12. */
const tuples: Record<string, object> = {
  KlineCandle: {
    type: 'array',
    description: '[openTime (epoch ms), open, high, low, close, volume | null]',
    prefixItems: [{ type: 'integer', format: 'int64' }, { type: 'string' }, { type: 'string' }, { type: 'string' }, { type: 'string' }, { type: ['string', 'null'] }],
    minItems: 6,
    maxItems: 6,
  },
  OrderBookEntry: {
    type: 'array',
    description: '[price, quantity, (orderCount | orderId | exchange)?] — positions named by OrderBook.columns',
    items: { type: 'string' },
    minItems: 2,
    maxItems: 4,
  },
};

function schemaOf(f: FieldSpec): Record<string, unknown> {
  if (f.alias && tuples[f.alias]) return nullable(ref(f.alias), f.nullable);
  let s: Record<string, unknown>;
  switch (f.type) {
    case 'string':
      s = { type: 'string' };
      if (f.enum) s.enum = f.enum;
      if (f.format) s.format = f.format;
      if (f.pattern) s.pattern = f.pattern;
      if (f.minLength !== undefined) s.minLength = f.minLength;
      break;
    case 'integer':
      s = { type: 'integer' };
      if (f.format) s.format = f.format;
      if (f.kind === 'epoch-ms') Object.assign(s, { minimum: -MAX_EPOCH_MS, maximum: MAX_EPOCH_MS });
      if (f.minimum !== undefined) s.minimum = f.minimum;
      if (f.maximum !== undefined) s.maximum = f.maximum;
      break;
    case 'number':
      s = { type: 'number' };
      break;
    case 'boolean':
      s = { type: 'boolean' };
      break;
    case 'enum':
      s = f.ref && enumNames.has(f.ref) ? ref(f.ref) : { type: 'string' };
      break;
    case 'object':
      if (f.ref) s = ref(f.ref);
      else {
        s = { type: 'object' };
        if (f.additionalProperties !== undefined) s.additionalProperties = typeof f.additionalProperties === 'object' ? schemaOf(f.additionalProperties) : f.additionalProperties;
      }
      break;
    case 'array':
      s = { type: 'array', items: f.items ? schemaOf(f.items) : {} };
      if (f.minItems !== undefined) s.minItems = f.minItems;
      if (f.maxItems !== undefined) s.maxItems = f.maxItems;
      break;
    default:
      s = {};
  }
  if (f.default !== undefined) s.default = f.default;
  return nullable(s, f.nullable);
}

/** OpenAPI 3.1 has no `nullable`: a type list, or anyOf with null around a reference. */
function nullable(s: Record<string, unknown>, isNullable: boolean | undefined): Record<string, unknown> {
  if (!isNullable) return s;
  if (s.$ref) return { anyOf: [s, { type: 'null' }] };
  const out: Record<string, unknown> = { ...s, type: [s.type, 'null'] };
  if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
  return out;
}

function allFields(name: string): Record<string, FieldSpec> {
  const m = src.models[name];
  if (!m) throw new Error(`unknown model ${name}`);
  const base = (m.extends ?? []).reduce<Record<string, FieldSpec>>((acc, b) => ({ ...acc, ...allFields(b) }), {});
  return { ...base, ...(m.fields ?? {}) };
}

const schemas: Record<string, unknown> = { ...tuples };
for (const [name, values] of Object.entries(src.enums)) schemas[name] = { type: 'string', enum: values };
for (const [name, m] of Object.entries(src.models)) {
  if (m.oneOf) {
    schemas[name] = { oneOf: m.oneOf.map(ref) };
    continue;
  }
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [field, f] of Object.entries(allFields(name))) {
    properties[field] = schemaOf(f);
    if (f.required) required.push(field);
  }
  schemas[name] = { type: 'object', properties, ...(required.length ? { required } : {}) };
}

const statusText: Record<string, string> = {
  '101': 'WebSocket frames (documentation only)',
  '200': 'OK',
  '400': 'Bad request: a parameter or the body does not match this operation',
  '401': 'No valid bearer token',
  '403': 'Not allowed for this caller',
  '404': 'Not found',
  '409': 'Conflicts with the current state',
  '429': 'Too many requests',
  '500': 'Internal error',
  '503': 'Unhealthy or temporarily unavailable',
};
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });

const paths: Record<string, Record<string, unknown>> = {};
for (const op of src.rest) {
  const responses: Record<string, unknown> = {};
  for (const [status, model] of Object.entries(op.statusCodes)) responses[status] = { description: statusText[status] ?? status, ...json(model) };
  if (!op.pseudo) responses.default = { description: 'Any other status (409 conflict, 413 body too large, 501 not implemented, 503 temporarily unavailable, …)', ...json('BaseResponse') };
  const operation: Record<string, unknown> = {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.rpcAnalogue?.length ? `Like the RPC ${op.rpcAnalogue.join(', ')}` : op.operationId,
    security: op.auth ? [{ SupabaseOAuth2BearerAuth: [] }] : [],
    responses,
  };
  if (op.note) operation.description = op.note;
  if (op.query?.length) {
    operation.parameters = op.query.map((q) => ({
      name: q.name,
      in: 'query',
      required: q.required === true,
      schema: schemaOf(q),
      ...(q.type === 'array' ? { style: 'form', explode: true } : {}),
    }));
  }
  if (op.request) operation.requestBody = { required: true, ...json(op.request) };
  (paths[op.path] ??= {})[op.method.toLowerCase()] = operation;
}

const document = {
  openapi: '3.1.0',
  info: {
    title: 'Algo724 Cadenza Fermata API',
    version: src.meta.openapiInfoVersion,
    description:
      'The Cadenza REST API (`/api/v3`), generated from the wire contract. Every answer is the `BaseResponse` envelope ' +
      '`{success, errno, error, details, data, pagination?}` (health answers its model bare; instrument delete, security ' +
      'sync and the Fermata link/unlink/transfer operations answer `{errno, error, data}`). Log in with `POST /api/v3/auth/login` ' +
      'and send the `accessToken` as `Authorization: Bearer …`.',
  },
  servers: [{ url: '/', description: 'this server' }],
  tags: [...new Set(src.rest.map((r) => r.tag))].map((name) => ({ name })),
  paths,
  components: {
    securitySchemes: { SupabaseOAuth2BearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas,
  },
};

const out = resolve(root, 'packages/contract/src/generated/openapi.ts');
writeFileSync(
  out,
  '// Generated by scripts/gen-openapi.ts from packages/contract/fixtures/cadenza-rpc.json. Do not edit.\n' +
    '/** The REST API\'s OpenAPI 3.1 document (served at GET /api/v3/openapi.json). */\n' +
    `export const openApiDocument: OpenApiDocument = ${JSON.stringify(document, null, 1)};\n\n` +
    'export interface OpenApiDocument {\n  openapi: string;\n  info: { title: string; version: string; description?: string };\n  servers: Array<{ url: string; description?: string }>;\n' +
    '  tags: Array<{ name: string }>;\n  paths: Record<string, Record<string, OpenApiOperation>>;\n  components: { securitySchemes: Record<string, object>; schemas: Record<string, object> };\n}\n\n' +
    'export interface OpenApiOperation {\n  operationId: string;\n  tags: string[];\n  summary?: string;\n  description?: string;\n  security: Array<Record<string, string[]>>;\n' +
    '  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown>; style?: string; explode?: boolean }>;\n' +
    '  requestBody?: { required: boolean; content: Record<string, { schema: { $ref: string } }> };\n  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }> }>;\n}\n',
);
console.log(`generated ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas → ${out}`);
