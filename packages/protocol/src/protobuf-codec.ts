/**
 * @module protobuf-codec
 * The protobuf protocol (subprotocol `centrifuge-protobuf`): binary frames holding one or more messages, each
 * preceded by its length as an unsigned varint. Messages are built from `client.proto` with protobufjs at load time.
 *
 * Payload bytes are JSON text in both directions: outgoing `RawJson` is written as its UTF-8 bytes; incoming bytes
 * are parsed as JSON, and kept as raw bytes when they are not JSON (the gateway refuses those where it needs JSON).
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { shapeCommand } from './command-shape.ts';
import { FrameError, RawJson, type Codec, type Command, type Reply } from './frames.ts';

const schemaText = readFileSync(new URL('./client.proto', import.meta.url), 'utf8');
const root = protobuf.parse(schemaText, { keepCase: true }).root;
const CommandType = root.lookupType('centrifugal.centrifuge.protocol.Command');
const ReplyType = root.lookupType('centrifugal.centrifuge.protocol.Reply');

/** The protobufjs message types, for tests and tools that speak the protocol as a client. */
export const protobufTypes = { Command: CommandType, Reply: ReplyType, root };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readPayload(raw: unknown): unknown {
  if (!(raw instanceof Uint8Array)) return raw;
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(utf8.decode(raw));
  } catch {
    return raw;
  }
}

/** Replaces RawJson payloads by their bytes, the shape protobufjs encodes. */
function toWire(value: unknown): unknown {
  if (value instanceof RawJson) return value.bytes;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = toWire(v);
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: false };

/** Decodes every length-delimited command of one binary frame. A zero-length message is an empty command. */
export function decodeProtobufCommands(frame: Uint8Array): Command[] {
  const reader = protobuf.Reader.create(frame);
  const out: Command[] = [];
  try {
    while (reader.pos < reader.len) {
      const msg = CommandType.decodeDelimited(reader);
      out.push(shapeCommand(CommandType.toObject(msg, TO_OBJECT), readPayload));
    }
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError('bad request: invalid protobuf');
  }
  if (out.length === 0) throw new FrameError('bad request: empty frame');
  return out;
}

/** Encodes replies into one binary frame. */
export function encodeProtobufReplies(replies: readonly Reply[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const r of replies) ReplyType.encodeDelimited(toWire(r) as protobuf.Message, writer);
  const bytes = writer.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const protobufCodec: Codec = {
  name: 'protobuf',
  binary: true,
  pingFrame: Buffer.from([0]),
  decodeCommands: decodeProtobufCommands,
  encodeReplies: encodeProtobufReplies,
};
