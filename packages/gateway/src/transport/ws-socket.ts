/**
 * @module transport/ws-socket
 * One server-side WebSocket over the socket of a completed handshake: frames in through `FrameReader`, frames out
 * written as built (`ws-frame.ts`), pings answered, and the closing handshake (RFC 6455 §7): our close frame, then
 * the socket ends when the peer's close frame arrives (or at once when the peer closed first). A peer that never
 * finishes is cut by the connection's housekeeping (`terminate`).
 *
 * What a connection costs here is this object, the reader and four listeners (shared functions, no closures).
 */
import type { Duplex } from 'node:stream';
import { encodeServerFrame } from './ws-frame.ts';
import { FrameReader, type FrameSink } from './ws-reader.ts';

/** What the socket tells its owner: shared functions, so a connection costs no closures. */
export interface SocketEvents<O> {
  message(owner: O, data: Buffer, binary: boolean): void;
  /** The peer broke the protocol (1002/1007/1009); a close frame with `code` has been sent. */
  violation(owner: O, code: number, reason: string): void;
  /** The socket is gone, whoever closed it. */
  closed(owner: O): void;
}

const enum State {
  open,
  /** Our close frame is sent; waiting for the peer's. */
  closing,
  /** The socket is closed. */
  closed,
}

const WS = Symbol('cadenza.ws');
type Tagged = Duplex & { [WS]?: WebSocketConnection<unknown> };

function onData(this: Tagged, chunk: Buffer): void {
  this[WS]?.reader.push(chunk);
}

/** The peer half-closed without a close frame: end our side too (no close frame can follow). */
function onEnd(this: Tagged): void {
  this.end();
}

function onClose(this: Tagged): void {
  const ws = this[WS];
  this[WS] = undefined;
  ws?.socketClosed();
}

function onError(): void {
  // 'close' follows; nothing else to do.
}

/** A close frame: the code and a reason cut to the 123 bytes a control frame leaves for it. */
function closeFrame(code: number, reason: string): Buffer {
  let text = Buffer.from(reason);
  if (text.length > 123) text = text.subarray(0, 123);
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return encodeClose(payload);
}

function encodeClose(payload: Buffer): Buffer {
  const frame = encodeServerFrame(payload, true);
  frame[0] = 0x88;
  return frame;
}

export class WebSocketConnection<O> implements FrameSink {
  readonly reader: FrameReader;
  #owner: O | undefined;
  #state = State.open;
  /** The peer's close frame arrived. */
  #peerClosed = false;

  constructor(
    readonly socket: Duplex,
    maxPayload: number,
    readonly events: SocketEvents<O>,
  ) {
    this.reader = new FrameReader(maxPayload, this);
    (socket as Partial<{ setNoDelay(v: boolean): void }>).setNoDelay?.(true);
    (socket as Partial<{ setTimeout(ms: number): void }>).setTimeout?.(0);
  }

  /** Starts reading, `head` (bytes that came with the upgrade request) first; events go to `owner` from now on. */
  start(owner: O, head: Buffer): void {
    this.#owner = owner;
    const socket = this.socket as Tagged;
    socket[WS] = this as WebSocketConnection<unknown>;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    if (head.length > 0) this.reader.push(head);
  }

  /** Whether frames can still be sent. */
  get open(): boolean {
    return this.#state === State.open;
  }

  get closed(): boolean {
    return this.#state === State.closed;
  }

  /** Bytes written but not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Writes a complete frame (see ws-frame.ts). */
  write(frame: Buffer): void {
    if (this.#state === State.open) this.socket.write(frame);
  }

  /** Starts the closing handshake with `code` and `reason` (idempotent). */
  close(code: number, reason: string): void {
    if (this.#state !== State.open) return;
    this.#state = State.closing;
    this.socket.write(closeFrame(code, reason));
    if (this.#peerClosed) this.socket.end();
  }

  /** Destroys the socket without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  socketClosed(): void {
    this.#state = State.closed;
    this.events.closed(this.#owner!);
  }

  // ------------------------------------------------------------ FrameSink

  onMessage(data: Buffer, binary: boolean): void {
    if (this.#state === State.open) this.events.message(this.#owner!, data, binary);
  }

  onPing(payload: Buffer): void {
    if (this.#state !== State.open) return;
    const frame = encodeServerFrame(payload, true);
    frame[0] = 0x8a;
    this.socket.write(frame);
  }

  onPeerClose(code: number): void {
    this.#peerClosed = true;
    if (this.#state === State.open) {
      // Echo the peer's code (an empty close frame when it sent none), then end: the peer closes the TCP connection.
      this.#state = State.closing;
      this.socket.write(code === 1005 ? encodeClose(Buffer.alloc(0)) : closeFrame(code, ''));
    }
    this.socket.end();
  }

  onViolation(code: number, reason: string): void {
    if (this.#state === State.open) {
      this.#state = State.closing;
      this.socket.write(closeFrame(code, reason));
    }
    this.socket.end();
    this.events.violation(this.#owner!, code, reason);
  }
}
