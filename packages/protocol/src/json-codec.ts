/**
 * @module json-codec
 * The JSON protocol: text frames holding one or more JSON objects separated by `\n`, in order. Replies are written
 * without raw newlines (JSON.stringify never emits one), so several can share a frame.
 */
import { shapeCommand } from './command-shape.ts';
import { FrameError, RawJson, type Codec, type Command, type Reply } from './frames.ts';

/**
 * Serialises a reply, writing `RawJson` payloads inline as the JSON text they hold. Parts that hold no `RawJson`
 * (most of a connect or subscribe reply, an error) go through `JSON.stringify` whole: the same text, built natively
 * instead of piece by piece (the hand-built string was the largest allocation of a connection's setup).
 */
export function stringifyReply(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (!holdsRawJson(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + stringifyReply(value[i]);
    return s + ']';
  }
  let s = '{';
  let first = true;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    s += (first ? '' : ',') + JSON.stringify(key) + ':' + stringifyReply(v);
    first = false;
  }
  return s + '}';
}

/** Whether a `RawJson` is anywhere inside (replies are a few levels deep; payloads inside are `RawJson`, not walked). */
function holdsRawJson(value: object): boolean {
  if (value instanceof RawJson) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object' && holdsRawJson(v)) return true;
    return false;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object' && holdsRawJson(v)) return true;
  }
  return false;
}

/** Decodes every command of one JSON frame. */
export function decodeJsonCommands(frame: Buffer | string): Command[] {
  const text = typeof frame === 'string' ? frame : frame.toString('utf8');
  // One command per frame (an RPC, a publish): parsed whole, without looking for lines.
  if (text.indexOf('\n') === -1 && text.charCodeAt(0) === 0x7b) return [shapeCommand(parseLine(text))];
  const out: Command[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    out.push(shapeCommand(parseLine(line)));
  }
  if (out.length === 0) throw new FrameError('bad request: empty frame');
  return out;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new FrameError('bad request: invalid JSON');
  }
}

/** Encodes replies into one text frame. */
export function encodeJsonReplies(replies: readonly Reply[]): Buffer {
  if (replies.length === 1) return Buffer.from(stringifyReply(replies[0]), 'utf8');
  return Buffer.from(replies.map(stringifyReply).join('\n'), 'utf8');
}

export const jsonCodec: Codec = {
  name: 'json',
  binary: false,
  pingFrame: Buffer.from('{}'),
  decodeCommands: decodeJsonCommands,
  encodeReplies: encodeJsonReplies,
};
