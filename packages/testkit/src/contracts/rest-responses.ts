/**
 * @module contracts/rest-responses
 * Strict checks of REST answers against the contract, for any test that drives `/api/v3`: the body of an answer
 * must be the model the OpenAPI document names for that operation and status (or `default`) — every required
 * field, the types, the `decimal` patterns, the enum values, `date-time`/`uuid`/`int64` formats, and no field
 * the model does not declare (a strict generated client would choke on it, or the server leaks something).
 * `RestWalk` records which operations a test has answered successfully, so a test can prove it walked them all.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument, type OpenApiDocument } from '@cadenza/contract';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/**
 * Models that are open maps by nature although the contract names some of their keys: a Supabase user's
 * `app_metadata` (the auth service passes on every key it holds, e.g. `provider`, `role`).
 */
export const OPEN_MODELS = ['AuthUserAppMetadata'];

/** Every object schema closed (`additionalProperties: false`) unless it says otherwise. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function closedModels(schemas: Record<string, object>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, OPEN_MODELS.includes(name) ? s : closed(s)]));
}

export class RestResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly byModel = new Map<string, ValidateFunction>();
  private readonly operations = new Map<string, Record<string, { content?: Record<string, { schema: { $ref: string } }> }>>();

  constructor(document: OpenApiDocument = openApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (a: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: closedModels(document.components.schemas) } });
    for (const verbs of Object.values(document.paths)) for (const op of Object.values(verbs)) this.operations.set(op.operationId, op.responses);
  }

  /** The model an answer of that operation and status must be. */
  modelOf(operationId: string, status: number): string {
    const responses = this.operations.get(operationId);
    if (!responses) throw new Error(`no operation ${operationId} in the document`);
    const ref = (responses[String(status)] ?? responses.default)?.content?.['application/json']?.schema.$ref;
    if (!ref) throw new Error(`${operationId} declares no JSON answer for ${status}`);
    return ref.split('/').pop()!;
  }

  /** Problems of `body` as the answer of `operationId` with `status`, as "path: message" lines; empty when it is exact. */
  problems(operationId: string, status: number, body: unknown): string[] {
    const model = this.modelOf(operationId, status);
    let validate = this.byModel.get(model);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi#/components/schemas/${model}` });
      this.byModel.set(model, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${model}${e.instancePath}: ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`);
  }
}

/** A checker that also remembers which operations answered 200 with an exact body. */
export class RestWalk {
  readonly answered = new Set<string>();
  constructor(readonly checker = new RestResponseChecker()) {}

  /** Throws with every problem unless `body` is exactly the model of `operationId` for `status`. */
  expect(operationId: string, status: number, body: unknown): void {
    const problems = this.checker.problems(operationId, status, body);
    if (problems.length) throw new Error(`${operationId} ${status} does not match the contract:\n  ${problems.slice(0, 20).join('\n  ')}\n${JSON.stringify(body).slice(0, 2000)}`);
    if (status === 200) this.answered.add(operationId);
  }

  /** The document's operations not yet answered, minus those `excluded` says to leave out. */
  missing(excluded: (operationId: string, path: string) => boolean, document: OpenApiDocument = openApiDocument): string[] {
    return Object.entries(document.paths)
      .flatMap(([path, verbs]) => Object.values(verbs).map((op) => ({ path, id: op.operationId })))
      .filter(({ path, id }) => !excluded(id, path) && !this.answered.has(id))
      .map(({ id }) => id);
  }
}
