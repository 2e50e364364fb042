/**
 * @module broker/redis-wire
 * How publications, join and leave travel through Redis between nodes, and how history entries are stored.
 * Data stays the JSON text it was published as (never parsed on the way); metadata is a small JSON object.
 *
 * Pub/sub messages on a channel's topic:
 *   `p<offset>\n<epoch>\n<metadata>\n<data>`   a publication (offset 0 and an empty epoch = channel without
 *                                            history; the epoch lets nodes notice a stream reset)
 *   `j<client info>` / `l<client info>`   join / leave
 * Metadata: `{"m":<unix ms>,"i":<client info>?,"t":<tags>?}`; client info: `{"user","client","conn_info"?,"chan_info"?}`.
 */
import { RawJson, type ClientInfo } from '@cadenza/protocol';
import type { BrokerPublication } from './broker.ts';

export function encodeInfo(info: ClientInfo): string {
  let s = `{"user":${JSON.stringify(info.user)},"client":${JSON.stringify(info.client)}`;
  if (info.conn_info) s += `,"conn_info":${info.conn_info.text}`;
  if (info.chan_info) s += `,"chan_info":${info.chan_info.text}`;
  return s + '}';
}

interface InfoJson {
  user?: unknown;
  client?: unknown;
  conn_info?: unknown;
  chan_info?: unknown;
}

export function decodeInfo(v: InfoJson): ClientInfo {
  const info: ClientInfo = { user: String(v.user ?? ''), client: String(v.client ?? '') };
  if (v.conn_info !== undefined) info.conn_info = RawJson.of(v.conn_info);
  if (v.chan_info !== undefined) info.chan_info = RawJson.of(v.chan_info);
  return info;
}

export function encodeMeta(time: number, info?: ClientInfo, tags?: Record<string, string>): string {
  let s = `{"m":${time}`;
  if (info) s += `,"i":${encodeInfo(info)}`;
  if (tags) s += `,"t":${JSON.stringify(tags)}`;
  // Valid JSON has raw newlines only as whitespace; the message format keeps metadata on one line.
  return (s + '}').replace(/\n/g, ' ');
}

export function toPublication(offset: number, meta: string, data: string): BrokerPublication {
  const pub: BrokerPublication = { data: new RawJson(data), offset };
  const m = JSON.parse(meta) as { m?: number; i?: InfoJson; t?: Record<string, string> };
  if (typeof m.m === 'number') pub.time = m.m;
  if (m.i) pub.info = decodeInfo(m.i);
  if (m.t) pub.tags = m.t;
  return pub;
}

export type BrokerMessage =
  | { kind: 'pub'; pub: BrokerPublication }
  | { kind: 'join' | 'leave'; info: ClientInfo };

/** Throws on a message this code did not write. */
export function decodeMessage(msg: string): BrokerMessage {
  const kind = msg[0];
  if (kind === 'j' || kind === 'l') return { kind: kind === 'j' ? 'join' : 'leave', info: decodeInfo(JSON.parse(msg.slice(1)) as InfoJson) };
  if (kind !== 'p') throw new Error('unknown broker message');
  const a = msg.indexOf('\n');
  const b = msg.indexOf('\n', a + 1);
  const c = msg.indexOf('\n', b + 1);
  if (a < 0 || b < 0 || c < 0) throw new Error('malformed broker publication');
  const offset = Number(msg.slice(1, a));
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error('malformed broker publication offset');
  const pub = toPublication(offset, msg.slice(b + 1, c), msg.slice(c + 1));
  const epoch = msg.slice(a + 1, b);
  if (epoch) pub.epoch = epoch;
  return { kind: 'pub', pub };
}
