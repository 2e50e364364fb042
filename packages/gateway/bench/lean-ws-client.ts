/**
 * A deliberately minimal WebSocket client for the load process: the HTTP upgrade and RFC 6455 frame parsing over a
 * plain TCP socket, no per-message allocation beyond what the caller does. The measuring instrument must cost less
 * than what it measures; with 10,000 sockets in one process the `ws` client's per-message overhead dominated the
 * latency figures of both servers. Client frames are masked with a zero key (valid; the server unmasks any key).
 */
import { connect, type Socket } from 'node:net';

export interface LeanHandlers {
  /** A complete text or binary message (the buffer is only valid during the call). */
  onMessage(conn: LeanConnection, payload: Buffer): void;
}

export class LeanConnection {
  readonly socket: Socket;
  #upgraded = false;
  #pending: Buffer | undefined;

  constructor(
    host: string,
    port: number,
    path: string,
    localAddress: string,
    readonly handlers: LeanHandlers,
    onOpen: (err?: Error) => void,
  ) {
    this.socket = connect({ host, port, localAddress, noDelay: true });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => {
      let buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
      this.#pending = undefined;
      if (!this.#upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) {
          this.#pending = buf;
          return;
        }
        if (!buf.subarray(0, 12).toString().includes('101')) {
          onOpen(new Error(`upgrade refused: ${buf.subarray(0, end).toString()}`));
          this.socket.destroy();
          return;
        }
        this.#upgraded = true;
        buf = buf.subarray(end + 4);
        onOpen();
      }
      this.#frames(buf);
    });
    this.socket.on('error', (err) => {
      if (!this.#upgraded) onOpen(err);
    });
  }

  #frames(buf: Buffer): void {
    let pos = 0;
    while (buf.length - pos >= 2) {
      const b1 = buf[pos + 1]! & 0x7f;
      let header = 2;
      let len = b1;
      if (b1 === 126) {
        if (buf.length - pos < 4) break;
        len = buf.readUInt16BE(pos + 2);
        header = 4;
      } else if (b1 === 127) {
        if (buf.length - pos < 10) break;
        len = buf.readUInt32BE(pos + 2) * 2 ** 32 + buf.readUInt32BE(pos + 6);
        header = 10;
      }
      if (buf.length - pos < header + len) break;
      const opcode = buf[pos]! & 0x0f;
      if (opcode === 1 || opcode === 2) this.handlers.onMessage(this, buf.subarray(pos + header, pos + header + len));
      pos += header + len;
    }
    if (pos < buf.length) this.#pending = Buffer.from(buf.subarray(pos));
  }

  /** Sends one text message. */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len, 0, 0, 0, 0]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff, 0, 0, 0, 0]);
    this.socket.write(Buffer.concat([header, payload]));
  }
}
