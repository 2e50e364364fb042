/**
 * @module transport/ws-reader
 * Reads the frames a WebSocket client sends (RFC 6455 §5), as bytes arrive: unmasks them, reassembles fragmented
 * messages, and holds the peer to the rules a server must enforce — frames masked, RSV bits clear, known opcodes,
 * control frames short and unfragmented, text valid UTF-8, close codes valid — answering a violation with the close
 * code the RFC names (1002 protocol error, 1007 invalid payload, 1009 too big).
 *
 * Input is bounded: a frame's length is checked against `maxPayload` (with the fragments before it) as soon as its
 * header is in, so at most one frame of the allowed size is ever held; nothing more is read after a close frame or a
 * violation.
 */
import { isUtf8 } from 'node:buffer';

/** What the reader hands on. A message's bytes are only valid during the call unless the receiver keeps them. */
export interface FrameSink {
  onMessage(data: Buffer, binary: boolean): void;
  onPing(payload: Buffer): void;
  /** The peer's close frame: its code (1005 when it sent none) and reason. */
  onPeerClose(code: number, reason: string): void;
  /** The peer broke the protocol; the connection must close with `code`. */
  onViolation(code: number, reason: string): void;
}

const enum Op {
  continuation = 0,
  text = 1,
  binary = 2,
  close = 8,
  ping = 9,
  pong = 10,
}

/** Close codes a peer may send (RFC 6455 §7.4; 1004–1006 and 1015 are never sent on the wire). */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

export class FrameReader {
  /** Bytes of an incomplete frame, in arrival order. */
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** Bytes needed before the next parse can make progress. */
  #need = 2;
  /** Fragments of the message being reassembled. */
  #fragments: Buffer[] | undefined;
  #fragmentBytes = 0;
  #fragmentBinary = false;
  #stopped = false;

  constructor(
    readonly maxPayload: number,
    readonly sink: FrameSink,
  ) {}

  /** Feeds bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.#stopped || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes < this.#need) return;
    const buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#bytes);
    this.#chunks = [];
    this.#bytes = 0;
    let pos = 0;
    while (!this.#stopped && pos < buf.length) {
      const next = this.#frame(buf, pos);
      if (next < 0) {
        this.#need = -next;
        break;
      }
      pos = next;
      this.#need = 2;
    }
    if (!this.#stopped && pos < buf.length) {
      this.#chunks.push(buf.subarray(pos));
      this.#bytes = buf.length - pos;
    }
  }

  #fail(code: number, reason: string): number {
    this.#stopped = true;
    this.#chunks = [];
    this.#fragments = undefined;
    this.sink.onViolation(code, reason);
    return 0;
  }

  /** Handles the frame at `pos`: the position after it, or minus the bytes (from `pos`) still needed. */
  #frame(buf: Buffer, pos: number): number {
    const avail = buf.length - pos;
    if (avail < 2) return -2;
    const b0 = buf[pos]!;
    const b1 = buf[pos + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const len7 = b1 & 0x7f;
    if ((b0 & 0x70) !== 0) return this.#fail(1002, 'RSV bits must be clear');
    if ((b1 & 0x80) === 0) return this.#fail(1002, 'client frames must be masked');
    const control = opcode >= 8;
    if (control) {
      if (opcode !== Op.close && opcode !== Op.ping && opcode !== Op.pong) return this.#fail(1002, 'unknown opcode');
      if (!fin) return this.#fail(1002, 'fragmented control frame');
      if (len7 > 125) return this.#fail(1002, 'control frame too long');
    } else if (opcode > Op.binary) return this.#fail(1002, 'unknown opcode');
    const header = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + 4;
    if (avail < header) return -header;
    let len = len7;
    if (len7 === 126) len = buf.readUInt16BE(pos + 2);
    else if (len7 === 127) {
      const high = buf.readUInt32BE(pos + 2);
      if (high > 0x1fffff) return this.#fail(1009, 'message too big');
      len = high * 2 ** 32 + buf.readUInt32BE(pos + 6);
    }
    if (!control && this.#fragmentBytes + len > this.maxPayload) return this.#fail(1009, 'message too big');
    if (avail < header + len) return -(header + len);
    const payload = buf.subarray(pos + header, pos + header + len);
    unmask(payload, buf, pos + header - 4);
    const end = pos + header + len;

    switch (opcode) {
      case Op.ping:
        this.sink.onPing(payload);
        return end;
      case Op.pong:
        return end;
      case Op.close:
        return this.#closeFrame(payload, end);
      case Op.continuation:
        if (!this.#fragments) return this.#fail(1002, 'continuation without a message');
        this.#fragments.push(payload);
        this.#fragmentBytes += len;
        if (!fin) return end;
        return this.#deliver(Buffer.concat(this.#fragments, this.#fragmentBytes), this.#fragmentBinary, end);
      default:
        if (this.#fragments) return this.#fail(1002, 'new message inside a fragmented one');
        if (fin) return this.#deliver(payload, opcode === Op.binary, end);
        this.#fragments = [payload];
        this.#fragmentBytes = len;
        this.#fragmentBinary = opcode === Op.binary;
        return end;
    }
  }

  #deliver(data: Buffer, binary: boolean, end: number): number {
    this.#fragments = undefined;
    this.#fragmentBytes = 0;
    if (!binary && !isUtf8(data)) return this.#fail(1007, 'invalid UTF-8');
    this.sink.onMessage(data, binary);
    return end;
  }

  #closeFrame(payload: Buffer, end: number): number {
    if (payload.length === 1) return this.#fail(1002, 'invalid close frame');
    let code = 1005;
    let reason = '';
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      if (!validCloseCode(code)) return this.#fail(1002, 'invalid close code');
      const text = payload.subarray(2);
      if (!isUtf8(text)) return this.#fail(1007, 'invalid UTF-8');
      reason = text.toString('utf8');
    }
    this.#stopped = true;
    this.#chunks = [];
    this.sink.onPeerClose(code, reason);
    return end;
  }
}

/** Unmasks `payload` in place with the 4-byte key at `buf[at]`. */
function unmask(payload: Buffer, buf: Buffer, at: number): void {
  const m0 = buf[at]!;
  const m1 = buf[at + 1]!;
  const m2 = buf[at + 2]!;
  const m3 = buf[at + 3]!;
  if ((m0 | m1 | m2 | m3) === 0) return;
  const n = payload.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    payload[i] = payload[i]! ^ m0;
    payload[i + 1] = payload[i + 1]! ^ m1;
    payload[i + 2] = payload[i + 2]! ^ m2;
    payload[i + 3] = payload[i + 3]! ^ m3;
  }
  const key = [m0, m1, m2, m3];
  for (; i < n; i++) payload[i] = payload[i]! ^ key[i % 4]!;
}
