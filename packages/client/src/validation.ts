/**
 * @module validation
 * Optional runtime validation of RPC params and results against the contract's JSON Schemas (ajv). Kept in its
 * own entry point (`@cadenza/client/validation`) so that clients who do not validate never load ajv.
 *
 *   import { createValidator } from '@cadenza/client/validation';
 *   const client = new CadenzaClient({ url, token, validator: createValidator() });
 *
 * Unknown properties are allowed (the contract says decoders must ignore them); everything else the schema says
 * (required fields, enums, uuid and date-time formats, decimal tuples) is enforced. What the client receives (results,
 * market payloads) must also carry the fields the server always sends (`serverSends`): the SDK's `Received.*` types
 * promise them, and this is where that promise is checked.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as formatsModule from 'ajv-formats';
import { rpcMethods, schemaDefinitions, serverSends } from '@cadenza/contract';
import { ValidationError } from './errors.ts';

/** What `CadenzaClient` calls around each RPC when a validator is configured. */
export interface RpcValidator {
  /** Throws `ValidationError` when `params` do not match the method's params schema. */
  params(method: string, params: unknown): void;
  /** Throws `ValidationError` when the RPC result envelope does not match the method's result schema. */
  result(method: string, result: unknown): void;
  /** Throws `ValidationError` when `value` does not match the named model (e.g. `OrderBook`). */
  model(name: string, value: unknown, label?: string): void;
}

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin = ((formatsModule as unknown as { default?: { default?: FormatsPlugin } & FormatsPlugin }).default?.default ??
  (formatsModule as unknown as { default: FormatsPlugin }).default) as FormatsPlugin;

/** Builds a validator over every schema of the contract; each schema is compiled on first use. */
export function createValidator(): RpcValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'params', definitions: schemaDefinitions });
  ajv.addSchema({ $id: 'result', definitions: receivedDefinitions() });
  const compiled = new Map<string, ValidateFunction>();
  const byMethod = new Map(rpcMethods.map((m) => [m.method, m]));

  const schemaFor = (set: 'params' | 'result', name: string): ValidateFunction => {
    let fn = compiled.get(`${set}:${name}`);
    if (!fn) {
      if (!(name in schemaDefinitions)) throw new Error(`no schema named ${name}`);
      fn = ajv.compile({ $ref: `${set}#/definitions/${name}` });
      compiled.set(`${set}:${name}`, fn);
    }
    return fn;
  };

  const check = (label: string, direction: 'params' | 'result', schema: string | null | undefined, value: unknown) => {
    if (!schema) return;
    const fn = schemaFor(direction, schema);
    if (!fn(value)) throw new ValidationError(label, direction, describe(fn.errors));
  };

  return {
    params: (method, params) => check(method, 'params', byMethod.get(method)?.params, params ?? {}),
    result: (method, result) => check(method, 'result', byMethod.get(method)?.result, result),
    model: (name, value, label) => check(label ?? name, 'result', name, value),
  };
}

/** The contract's definitions with the always-sent fields added to `required`. */
function receivedDefinitions(): Record<string, object> {
  const out: Record<string, object> = { ...schemaDefinitions };
  for (const [name, fields] of Object.entries(serverSends)) {
    const def = schemaDefinitions[name] as { required?: string[] } | undefined;
    if (def) out[name] = { ...def, required: [...new Set([...(def.required ?? []), ...fields])] };
  }
  return out;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}
