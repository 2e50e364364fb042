/**
 * The shape of the contract's machine-readable twin as the generators read it (fields, models), how a model's fields
 * are gathered through `extends`, and how one field becomes a JSON Schema or a type of generated code — shared by
 * gen-contract (ajv's draft-07 schemas the RPC layer validates with, the contract's TypeScript types), gen-openapi
 * (OpenAPI 3.1 / JSON Schema 2020-12) and gen-sdk (the SDKs' TypeScript and Python types), so they never disagree on
 * what a field means.
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

/** How a generated language writes types: its names for scalars, containers, the contract's enums and models. */
export interface TypeDialect {
  /** A `string` field: a literal union for an inline enum, a decimal or date type where the language has one. */
  string(f: FieldSpec): string;
  /** A plain string (an `enum` field whose enum the contract does not name). */
  text: string;
  integer: string;
  number: string;
  boolean: string;
  enumNames: ReadonlySet<string>;
  enumRef(name: string): string;
  model(name: string): string;
  /** An object without a model. */
  map: string;
  /** The named tuples: order-book levels and kline candles. */
  orderBookEntries: string;
  klineCandles: string;
  array(item: string): string;
  unknown: string;
  nullable(t: string): string;
}

/** A field's type in `d`'s language; `dropNull` for a field the server always fills although the contract allows null. */
export function fieldType(f: FieldSpec, d: TypeDialect, dropNull = false): string {
  let t: string;
  switch (f.type) {
    case 'string':
      t = d.string(f);
      break;
    case 'integer':
      t = d.integer;
      break;
    case 'number':
      t = d.number;
      break;
    case 'boolean':
      t = d.boolean;
      break;
    case 'enum':
      t = f.ref && d.enumNames.has(f.ref) ? d.enumRef(f.ref) : d.text;
      break;
    case 'object':
      t = f.ref ? d.model(f.ref) : d.map;
      break;
    case 'array':
      if (f.alias === 'OrderBookEntry' || f.items?.alias === 'OrderBookEntry') t = d.orderBookEntries;
      else if (f.items?.alias === 'KlineCandle') t = d.klineCandles;
      else t = d.array(f.items ? fieldType(f.items, d) : d.unknown);
      break;
    default:
      t = d.unknown;
  }
  return f.nullable && !dropNull ? d.nullable(t) : t;
}

/**
 * TypeScript. `name` writes a reference to one of the contract's enums or models (the named tuples are models): as
 * it is where they are declared beside (gen-contract), through the SDK's imports elsewhere (gen-sdk).
 */
export function typescriptTypes(enumNames: ReadonlySet<string>, name: (ref: string, kind: 'enum' | 'model') => string = (ref) => ref): TypeDialect {
  return {
    string: (f) => (f.enum ? f.enum.map((v) => JSON.stringify(v)).join(' | ') : 'string'),
    text: 'string',
    integer: 'number',
    number: 'number',
    boolean: 'boolean',
    enumNames,
    enumRef: (ref) => name(ref, 'enum'),
    model: (ref) => name(ref, 'model'),
    map: 'Record<string, unknown>',
    orderBookEntries: `${name('OrderBookEntry', 'model')}[]`,
    klineCandles: `${name('KlineCandle', 'model')}[]`,
    array: (item) => `Array<${item}>`,
    unknown: 'unknown',
    nullable: (t) => `${t} | null`,
  };
}
