/**
 * The shape of the contract's machine-readable twin as the generators read it (fields, models), how a model's fields
 * are gathered through `extends`, and how one field becomes a JSON Schema — shared by gen-contract (ajv's draft-07
 * schemas the RPC layer validates with), gen-openapi (OpenAPI 3.1 / JSON Schema 2020-12) and gen-sdk, so the three
 * never disagree on what a field means.
 */

export interface FieldSpec {
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
  description?: string;
}

export interface ModelSpec {
  openapiName?: string;
  extends?: string[];
  fields?: Record<string, FieldSpec>;
  oneOf?: string[];
  description?: string;
}

/** A query parameter of a REST operation. */
export interface QuerySpec extends FieldSpec {
  name: string;
  explode?: boolean;
}

/** A REST operation as the contract's `rest` table (and the server's extensions, scripts/rest-extensions.ts) write it. */
export interface RestSpec {
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

/** A model's own fields after those of the models it extends (its own win). */
export function fieldsOf(models: Record<string, ModelSpec>): (name: string) => Record<string, FieldSpec> {
  const all = (name: string): Record<string, FieldSpec> => {
    const m = models[name];
    if (!m) throw new Error(`unknown model ${name}`);
    const base = (m.extends ?? []).reduce<Record<string, FieldSpec>>((acc, b) => ({ ...acc, ...all(b) }), {});
    return { ...base, ...(m.fields ?? {}) };
  };
  return all;
}

/** Date's range: an epoch-ms time outside it names no instant. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/**
 * Where the schema goes. `openapi` documents more than the validator needs: every `format`, `default`s, the epoch-ms
 * bounds, typed maps and the named tuples; the RPC validator keeps to the formats ajv checks (uuid, date-time, email).
 */
export interface SchemaDialect {
  ref(name: string): Record<string, unknown>;
  enumNames: ReadonlySet<string>;
  openapi: boolean;
  tuples?: Record<string, object>;
}

const VALIDATED_FORMATS = new Set(['uuid', 'date-time', 'email']);

export function fieldSchema(f: FieldSpec, d: SchemaDialect): Record<string, unknown> {
  if (d.openapi && f.alias && d.tuples?.[f.alias]) return nullable(d.ref(f.alias), f.nullable);
  let s: Record<string, unknown>;
  switch (f.type) {
    case 'string':
      s = { type: 'string' };
      if (f.enum) s.enum = f.enum;
      if (f.format && (d.openapi || VALIDATED_FORMATS.has(f.format))) s.format = f.format;
      if (f.pattern) s.pattern = f.pattern;
      if (f.minLength !== undefined) s.minLength = f.minLength;
      break;
    case 'integer':
      s = { type: 'integer' };
      if (d.openapi && f.format) s.format = f.format;
      if (d.openapi && f.kind === 'epoch-ms') Object.assign(s, { minimum: -MAX_EPOCH_MS, maximum: MAX_EPOCH_MS });
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
      s = f.ref && d.enumNames.has(f.ref) ? d.ref(f.ref) : { type: 'string' };
      break;
    case 'object':
      if (f.ref) s = d.ref(f.ref);
      else {
        s = { type: 'object' };
        if (d.openapi && f.additionalProperties !== undefined) {
          s.additionalProperties = typeof f.additionalProperties === 'object' ? fieldSchema(f.additionalProperties, d) : f.additionalProperties;
        }
      }
      break;
    case 'array':
      s = { type: 'array', items: f.items ? fieldSchema(f.items, d) : {} };
      if (f.minItems !== undefined) s.minItems = f.minItems;
      if (f.maxItems !== undefined) s.maxItems = f.maxItems;
      break;
    default:
      s = {};
  }
  if (d.openapi && f.default !== undefined) s.default = f.default;
  return nullable(s, f.nullable);
}

/** Neither dialect has `nullable`: a type list (null among an enum's values too), or anyOf with null around a reference. */
function nullable(s: Record<string, unknown>, isNullable: boolean | undefined): Record<string, unknown> {
  if (!isNullable) return s;
  if (s.$ref) return { anyOf: [s, { type: 'null' }] };
  const out: Record<string, unknown> = { ...s, type: Array.isArray(s.type) ? s.type : s.type ? [s.type, 'null'] : undefined };
  if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
  return out;
}
