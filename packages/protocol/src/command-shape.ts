/**
 * @module command-shape
 * Checks one command object (from JSON.parse, or from the protobuf decoder) against the request shapes the server
 * reads, and returns a normalised `Command`. Unknown fields are ignored, as the official clients add fields freely
 * (`flag`, `delta`, `tf`, …); a known field of the wrong type is a FrameError.
 */
import { COMMAND_METHODS, FrameError, type Command } from './frames.ts';

type FieldKind = 's' | 'b' | 'u' | 'i' | 'any' | 'pos' | 'subs' | 'strmap';
type Shape = Record<string, FieldKind>;

const SUBSCRIBE_SHAPE: Shape = {
  channel: 's',
  token: 's',
  data: 'any',
  recover: 'b',
  offset: 'u',
  epoch: 's',
  positioned: 'b',
  recoverable: 'b',
  join_leave: 'b',
  flag: 'i',
};

const SHAPES: Record<(typeof COMMAND_METHODS)[number], Shape> = {
  connect: { token: 's', data: 'any', subs: 'subs', name: 's', version: 's', headers: 'strmap' },
  subscribe: SUBSCRIBE_SHAPE,
  unsubscribe: { channel: 's' },
  publish: { channel: 's', data: 'any' },
  presence: { channel: 's' },
  presence_stats: { channel: 's' },
  history: { channel: 's', limit: 'i', since: 'pos', reverse: 'b' },
  ping: {},
  send: { data: 'any' },
  rpc: { method: 's', data: 'any' },
  refresh: { token: 's' },
  sub_refresh: { channel: 's', token: 's' },
};

/** Fields every request of that method must carry (as the Go server reads them, a missing string is ''). */
const STRING_DEFAULTS: Partial<Record<(typeof COMMAND_METHODS)[number], string[]>> = {
  subscribe: ['channel'],
  unsubscribe: ['channel'],
  publish: ['channel'],
  presence: ['channel'],
  presence_stats: ['channel'],
  history: ['channel'],
  rpc: ['method'],
  refresh: ['token'],
  sub_refresh: ['channel', 'token'],
};

/** Converts a payload field as the codec received it into the value handed to the gateway. */
export type PayloadReader = (raw: unknown) => unknown;

const identity: PayloadReader = (v) => v;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function bad(what: string): never {
  throw new FrameError(`bad request: ${what}`);
}

function readField(kind: FieldKind, v: unknown, name: string, payload: PayloadReader): unknown {
  switch (kind) {
    case 's':
      if (typeof v !== 'string') bad(`${name} must be a string`);
      return v;
    case 'b':
      if (typeof v !== 'boolean') bad(`${name} must be a boolean`);
      return v;
    case 'u':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`${name} must be an unsigned integer`);
      return v;
    case 'i':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(`${name} must be an integer`);
      return v;
    case 'any':
      return payload(v);
    case 'pos': {
      if (!isObject(v)) bad(`${name} must be an object`);
      return readShape(v, { offset: 'u', epoch: 's' }, name, payload, { offset: 0, epoch: '' });
    }
    case 'subs': {
      if (!isObject(v)) bad(`${name} must be an object`);
      const out: Record<string, unknown> = Object.create(null);
      for (const [channel, req] of Object.entries(v)) {
        if (!isObject(req)) bad(`${name}.${channel} must be an object`);
        out[channel] = { ...readShape(req, SUBSCRIBE_SHAPE, name, payload, {}), channel };
      }
      return out;
    }
    case 'strmap': {
      if (!isObject(v)) bad(`${name} must be an object`);
      const out: Record<string, string> = Object.create(null);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') bad(`${name}.${k} must be a string`);
        out[k] = s;
      }
      return out;
    }
  }
}

function readShape(
  obj: Record<string, unknown>,
  shape: Shape,
  name: string,
  payload: PayloadReader,
  defaults: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const key in shape) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    out[key] = readField(shape[key]!, v, `${name}.${key}`, payload);
  }
  return out;
}

/** One method's request reader, made once: its fields in order, and the strings that default to ''. */
interface MethodReader {
  method: (typeof COMMAND_METHODS)[number];
  /** Wire order (proto field number): when a command names several methods, the first in this order wins. */
  rank: number;
  fields: ReadonlyArray<readonly [string, FieldKind]>;
  stringDefaults: readonly string[];
}

const READERS = new Map<string, MethodReader>(
  COMMAND_METHODS.map((method, rank) => [method, { method, rank, fields: Object.entries(SHAPES[method]), stringDefaults: STRING_DEFAULTS[method] ?? [] }]),
);

/** A request body as `readShape` reads it, without the defaults object and its copy (this runs for every command). */
function readRequest(r: MethodReader, req: Record<string, unknown>, payload: PayloadReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of r.stringDefaults) out[f] = '';
  for (const [key, kind] of r.fields) {
    const v = req[key];
    if (v === undefined || v === null) continue;
    out[key] = readField(kind, v, `${r.method}.${key}`, payload);
  }
  return out;
}

/**
 * Normalises one command object. A command with no request field is an empty command (`empty: true` when the
 * object had no meaningful field at all — the pong) or an unknown request.
 */
export function shapeCommand(raw: unknown, payload: PayloadReader = identity): Command {
  if (!isObject(raw)) bad('a command must be an object');
  let id = 0;
  if (raw.id !== undefined && raw.id !== null) {
    const v = raw.id;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) bad('id must be a uint32');
    id = v;
  }
  // The command's own keys (an id and one request, as clients send them), not every method name.
  let found: MethodReader | undefined;
  for (const key in raw) {
    const r = READERS.get(key);
    if (r === undefined || (found !== undefined && found.rank < r.rank)) continue;
    const req = raw[key];
    if (req !== undefined && req !== null) found = r;
  }
  if (found !== undefined) {
    const method = found.method;
    const req = raw[method];
    if (!isObject(req)) bad(`${method} must be an object`);
    return { id, method, [method]: readRequest(found, req, payload) } as unknown as Command;
  }
  let empty = id === 0;
  if (empty) {
    for (const k in raw) {
      if (raw[k] !== undefined && raw[k] !== null && k !== 'id') {
        empty = false;
        break;
      }
    }
  }
  return { id, method: undefined, empty };
}
