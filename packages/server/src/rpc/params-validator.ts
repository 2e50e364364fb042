/**
 * @module rpc/params-validator
 * Validates RPC params against the JSON Schemas generated from the contract (`schemaDefinitions`), once per
 * call at the edge. Unknown fields are allowed (and ignored by handlers). A refusal names the first bad field.
 */
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { schemaDefinitions } from '@cadenza/contract';
import { withOrderExtensions } from '@cadenza/contract/order-extension-schemas';
import { boundedText } from '@cadenza/domain';
import { paramsExtensions } from './params-extensions.ts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/**
 * Deliberate departures from the generated schemas: a known contract inconsistency (docs/domain.md, "Instruments, securities, market data") —
 * `RpcDeleteSecuritiesParams.securityIds` is declared uuid[] although a securityId is `{VENUE}:{ASSET}`
 * everywhere else, so any non-empty string is accepted — and the REST filters some list methods also take
 * (params-extensions.ts); the order fields and methods this server adds (`withOrderExtensions`, docs/extensions.md).
 */
function withOverrides(defs: Record<string, object>): Record<string, object> {
  const out: Record<string, object> = { ...defs };
  const del = structuredClone(defs.RpcDeleteSecuritiesParams) as { properties: { securityIds: { items: object } } };
  del.properties.securityIds.items = { type: 'string', minLength: 1 };
  out.RpcDeleteSecuritiesParams = del;
  for (const [name, extra] of Object.entries(paramsExtensions)) {
    const schema = out[name] as { properties?: Record<string, object> };
    out[name] = { ...schema, properties: { ...schema.properties, ...extra } };
  }
  return out;
}

export class ParamsValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    this.ajv.addSchema({ $id: 'cadenza', definitions: withOverrides(withOrderExtensions(schemaDefinitions)) });
  }

  /** undefined when valid, else a message like "tradeOrder.orderSide must be one of BUY, SELL, UNKNOWN". */
  check(schemaName: string, params: unknown): string | undefined {
    let v = this.compiled.get(schemaName);
    if (!v) {
      v = this.ajv.getSchema(`cadenza#/definitions/${schemaName}`);
      if (!v) throw new Error(`no schema ${schemaName}`);
      this.compiled.set(schemaName, v);
    }
    if (v(params)) return undefined;
    return describeSchemaError(v.errors?.[0]);
  }
}

/** Longest field path a message names: the path is made of the client's own keys (maps, unknown objects). */
const MAX_PATH_CHARS = 128;

function pathOf(instancePath: string): string {
  const path = instancePath
    .split('/')
    .slice(1)
    .map((p) => boundedText(p.replace(/~1/g, '/').replace(/~0/g, '~')))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
  return boundedText(path, MAX_PATH_CHARS);
}

/** One schema failure as a message naming the field (bounded, never the value). */
export function describeSchemaError(e: ErrorObject | undefined): string {
  if (!e) return 'params do not match the schema';
  const at = pathOf(e.instancePath);
  if (e.keyword === 'required') {
    const missing = boundedText((e.params as { missingProperty: string }).missingProperty);
    return `${at ? `${at}.` : ''}${missing} is required`;
  }
  const field = at || 'params';
  if (e.keyword === 'enum') return `${field} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (e.keyword === 'format') return `${field} must be a valid ${(e.params as { format: string }).format}`;
  return `${field} ${e.message ?? 'is invalid'}`;
}
