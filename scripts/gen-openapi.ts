/**
 * Generates the REST API's OpenAPI 3.1 document from the contract's machine-readable twin
 * (packages/contract/fixtures/cadenza-rpc.json): every §f operation with its query parameters, request body and
 * responses, and every contract model and enum as a component schema. `npm run gen:openapi`; the output
 * (packages/contract/src/generated/openapi.ts) is committed, served at GET /api/v3/openapi.json and used by the
 * REST layer to check requests. Nothing in it is written by hand: change the contract, run this again.
 *
 * Beyond the contract, and said so in the document: the server's own operations and models (rest-extensions.ts,
 * each marked `x-cadenza-extension: true`), `default` responses (every other status answers the
 * `BaseResponse` envelope), and epoch-millisecond fields bounded to the times a server can represent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fieldSchema, fieldsOf, type FieldSpec, type ModelSpec, type RestSpec } from './contract-spec.ts';
import { extensionModels, extensionOperations } from './rest-extensions.ts';

const root = resolve(import.meta.dirname, '..');
const src = JSON.parse(readFileSync(resolve(root, 'packages/contract/fixtures/cadenza-rpc.json'), 'utf8')) as {
  meta: { openapiInfoVersion: string };
  enums: Record<string, string[]>;
  models: Record<string, ModelSpec>;
  scalars: Record<string, FieldSpec>;
  rest: RestSpec[];
};

// The server's additions (rest-extensions.ts), written as the contract's and marked `x-cadenza-extension`.
const extensionIds = new Set(extensionOperations.map((o) => o.operationId));
Object.assign(src.models, extensionModels);
src.rest.push(...extensionOperations);

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

const schemaOf = (f: FieldSpec) => fieldSchema(f, { ref, enumNames, openapi: true, tuples });
const allFields = fieldsOf(src.models);

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
  schemas[name] = { type: 'object', properties, ...(required.length ? { required } : {}), ...(name in extensionModels ? { 'x-cadenza-extension': true, ...(m.description ? { description: m.description } : {}) } : {}) };
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
  if (extensionIds.has(op.operationId)) operation['x-cadenza-extension'] = true;
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
    'export interface OpenApiOperation {\n  operationId: string;\n  tags: string[];\n  summary?: string;\n  description?: string;\n  /** An operation this server adds to the contract (docs/extensions.md). */\n  \'x-cadenza-extension\'?: boolean;\n  security: Array<Record<string, string[]>>;\n' +
    '  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown>; style?: string; explode?: boolean }>;\n' +
    '  requestBody?: { required: boolean; content: Record<string, { schema: { $ref: string } }> };\n  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }> }>;\n}\n',
);
console.log(`generated ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas → ${out}`);
