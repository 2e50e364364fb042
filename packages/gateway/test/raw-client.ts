/**
 * A raw WebSocket client speaking the JSON or protobuf protocol, for tests that need frames the official clients
 * never send (or need to see exactly what the server writes).
 */
import WebSocket from 'ws';
import { decodeJsonCommands, protobufTypes, type ProtocolName } from '@cadenza/protocol';
import protobuf from 'protobufjs';

export interface RawReply {
  id?: number;
  error?: { code: number; message: string; temporary?: boolean };
  push?: Record<string, unknown>;
  [result: string]: unknown;
}

export class RawClient {
  readonly ws: WebSocket;
  readonly replies: RawReply[] = [];
  pings = 0;
  closed: { code: number; reason: string } | undefined;
  readonly #waiters: Array<() => void> = [];

  constructor(
    url: string,
    readonly protocol: ProtocolName = 'json',
    readonly autoPong = true,
  ) {
    this.ws = protocol === 'protobuf' ? new WebSocket(url, 'centrifuge-protobuf') : new WebSocket(url);
    this.ws.on('message', (data: Buffer) => {
      for (const r of this.#decode(data)) {
        if (r.id === undefined && r.push === undefined && r.error === undefined && Object.keys(r).length === 0) {
          this.pings++;
          if (this.autoPong) this.sendRaw(this.protocol === 'json' ? '{}' : Buffer.from([0]));
        } else this.replies.push(r);
      }
      this.#wake();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    this.ws.on('error', () => undefined);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #decode(data: Buffer): RawReply[] {
    if (this.protocol === 'json') {
      return data
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RawReply);
    }
    const reader = protobuf.Reader.create(data);
    const out: RawReply[] = [];
    while (reader.pos < reader.len) {
      const m = protobufTypes.Reply.decodeDelimited(reader);
      out.push(protobufTypes.Reply.toObject(m, { longs: Number }) as RawReply);
    }
    return out;
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends commands (JSON-shaped objects) in one frame. */
  send(...commands: object[]): void {
    if (this.protocol === 'json') this.sendRaw(commands.map((c) => JSON.stringify(c)).join('\n'));
    else {
      const w = protobuf.Writer.create();
      for (const c of commands) protobufTypes.Command.encodeDelimited(protobufTypes.Command.fromObject(c), w);
      this.sendRaw(Buffer.from(w.finish()));
    }
  }

  /** Waits until `pred` holds (re-checked on every frame and on close). */
  async until(pred: () => boolean, ms = 60_000, what = 'condition'): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reply(id: number): RawReply | undefined {
    return this.replies.find((r) => r.id === id);
  }

  async waitReply(id: number, ms = 60_000): Promise<RawReply> {
    await this.until(() => this.reply(id) !== undefined, ms, `reply ${id}`);
    return this.reply(id)!;
  }

  async waitClosed(ms = 60_000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, ms, 'close');
    return this.closed!;
  }

  close(): void {
    this.ws.terminate();
  }
}

export { decodeJsonCommands };
