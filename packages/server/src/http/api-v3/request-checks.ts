/**
 * @module http/api-v3/request-checks
 * Every REST request is checked against its operation in the OpenAPI document before anything else sees it:
 * - query parameters are typed from their strings (integers, booleans, form-style arrays — repeated keys or a
 *   comma list), a parameter given twice that is not an array is refused, and so is a parameter the operation
 *   does not define (a misspelt filter must not look like an empty one);
 * - a body is a JSON object at most MAX_JSON_DEPTH deep (checked on the text, before parsing), then the
 *   operation's request model; unknown body fields are ignored, as everywhere in the contract.
 * The document's defaults fill the query parameters the client left out (limit 50, offset 0, depth 10, …), not
 * bodies: a body default is applied by the method it goes to, which must see what the client sent —
 * `QuoteRfqRequest.ttl` (default 10) is exclusive with `expireAt`, so filling it would refuse every RFQ that gives
 * `expireAt`. A refusal names the field and what it must be, never the client's value.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument, OpenApiOperation } from '@cadenza/contract';
import { jsonDepthExceeds } from '@cadenza/auth';
import { boundedText } from '@cadenza/domain';
import { describeSchemaError } from '../../rpc/index.ts';
import { invalidRequest } from './http-status.ts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** Deeper JSON than any request model needs (the deepest is 2) is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

type ParamKind = 'integer' | 'boolean' | 'array' | 'string';
interface QueryCheck {
  kinds: Map<string, ParamKind>;
  validate: ValidateFunction;
}
export type RestInput = Record<string, unknown>;

export class RequestChecks {
  private readonly ajv: Ajv2020;
  /** Bodies are checked without filling defaults (see the module note). */
  private readonly bodyAjv: Ajv2020;
  private readonly queries = new Map<string, QueryCheck>();
  private readonly bodies = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.ajv = schemaChecker(document, true);
    this.bodyAjv = schemaChecker(document, false);
  }

  /** Compiles the checks of an operation once (at start-up, so a bad document fails at once). */
  prepare(op: OpenApiOperation): void {
    const params = op.parameters ?? [];
    const properties = Object.fromEntries(params.map((p) => [p.name, rebase(p.schema)]));
    const required = params.filter((p) => p.required).map((p) => p.name);
    this.queries.set(op.operationId, {
      kinds: new Map(params.map((p) => [p.name, kindOf(p.schema)])),
      validate: this.ajv.compile({ type: 'object', properties, required }),
    });
    const body = op.requestBody?.content['application/json']?.schema.$ref;
    if (body) this.bodies.set(op.operationId, this.bodyAjv.compile({ $ref: `openapi${body}` }));
  }

  query(op: OpenApiOperation, raw: Record<string, string[]>): RestInput {
    const check = this.queries.get(op.operationId)!;
    const input: RestInput = {};
    for (const [name, values] of Object.entries(raw)) {
      const kind = check.kinds.get(name);
      if (!kind) throw invalidRequest(`unknown query parameter ${boundedText(name)}`);
      if (kind === 'array') {
        input[name] = values.flatMap((v) => v.split(',')).filter((v) => v !== '');
        continue;
      }
      if (values.length !== 1) throw invalidRequest(`query parameter ${name} is given ${values.length} times`);
      input[name] = typed(name, kind, values[0]!);
    }
    return this.checked(check.validate, input, 'query');
  }

  body(op: OpenApiOperation, text: string): RestInput {
    const validate = this.bodies.get(op.operationId);
    if (!validate) return {};
    if (text.trim() === '') return this.checked(validate, {}, 'body');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw invalidRequest(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw invalidRequest('request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('request body must be a JSON object');
    return this.checked(validate, body as RestInput, 'body');
  }

  private checked(validate: ValidateFunction, input: RestInput, where: 'query' | 'body'): RestInput {
    if (validate(input)) return input;
    throw invalidRequest(`invalid ${where}: ${describeSchemaError(validate.errors?.[0])}`);
  }
}

/** An Ajv holding the document's components, filling defaults or not. */
function schemaChecker(document: OpenApiDocument, useDefaults: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, useDefaults, allErrors: false, validateFormats: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'openapi', components: document.components });
  return ajv;
}

/** References of the document's components, from a schema compiled on its own. */
function rebase(schema: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Record<string, unknown>;
}

function kindOf(schema: Record<string, unknown>): ParamKind {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return type === 'integer' || type === 'boolean' || type === 'array' ? type : 'string';
}

function typed(name: string, kind: ParamKind, raw: string): unknown {
  if (kind === 'integer') {
    const n = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw invalidRequest(`query parameter ${name} must be an integer`);
    return n;
  }
  if (kind === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw invalidRequest(`query parameter ${name} must be true or false`);
    return raw === 'true';
  }
  return raw;
}

