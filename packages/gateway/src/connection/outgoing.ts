/**
 * @module connection/outgoing
 * What a connection has queued to write during one event-loop turn, and the one WebSocket frame it leaves in: the
 * replies, pushes and pings in order — JSON as newline-separated lines, protobuf as length-delimited messages, both as
 * the protocol allows several per frame. So a connection costs one write syscall per turn, however many publications
 * reached it in that turn, and a lone push is written as soon as the turn ends (no timer, no added wait).
 *
 * A push shared by many subscribers (`SharedFrame`) is encoded once; a queue of nothing but one shared push is
 * written as its pre-built frame, and connections that queued the same shared pushes in a turn share one joined frame
 * (`FrameCache`), so a broadcast copies bytes once, not once per subscriber.
 */
import type { Codec, Reply } from '@cadenza/protocol';
import { encodeServerFrame, SharedFrame } from '../transport/ws-frame.ts';

/** A reply or push to encode for this connection, a shared push already encoded, or a raw message (a ping). */
export type Outgoing = Reply | SharedFrame | Buffer;

/** The last frame joined from shared pushes only, reused by the next connection that queued the very same ones. */
export class FrameCache {
  #key: SharedFrame[] = [];
  #binary = false;
  #frame: Buffer | undefined;

  get(queue: readonly Outgoing[], binary: boolean): Buffer | undefined {
    if (!this.#frame || binary !== this.#binary || queue.length !== this.#key.length) return undefined;
    for (let i = 0; i < queue.length; i++) if (queue[i] !== this.#key[i]) return undefined;
    return this.#frame;
  }

  set(queue: readonly SharedFrame[], binary: boolean, frame: Buffer): void {
    this.#key = queue.slice();
    this.#binary = binary;
    this.#frame = frame;
  }
}

function onlyShared(queue: readonly Outgoing[]): queue is SharedFrame[] {
  for (const q of queue) if (!(q instanceof SharedFrame)) return false;
  return true;
}

/** The frame carrying everything queued, in order. */
export function frameOf(queue: readonly Outgoing[], codec: Codec, cache?: FrameCache): Buffer {
  const first = queue[0];
  if (queue.length === 1 && first instanceof SharedFrame) return first.frame;
  const shared = onlyShared(queue);
  if (shared && cache) {
    const hit = cache.get(queue, codec.binary);
    if (hit) return hit;
  }
  const parts: Buffer[] = [];
  let replies: Reply[] | undefined;
  for (const q of queue) {
    if (q instanceof SharedFrame || Buffer.isBuffer(q)) {
      if (replies) parts.push(codec.encodeReplies(replies));
      replies = undefined;
      parts.push(q instanceof SharedFrame ? q.payload : q);
    } else (replies ??= []).push(q);
  }
  if (replies) parts.push(codec.encodeReplies(replies));
  const frame = encodeServerFrame(parts, codec.binary);
  if (shared && cache) cache.set(queue, codec.binary, frame);
  return frame;
}

/** Bytes a queue will add to the socket's buffer, counting only what is already encoded (the bound's estimate). */
export function encodedBytes(q: Outgoing): number {
  return q instanceof SharedFrame ? q.payload.length : Buffer.isBuffer(q) ? q.length : 0;
}
