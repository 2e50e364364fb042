/**
 * @module transport/websocket
 * The WebSocket transport at `/connection/websocket`: `ws` in noServer mode, no compression, incoming messages
 * capped at `maxMessageBytes` (a bigger one closes with 1009). The protocol is protobuf when the client asks for the
 * `centrifuge-protobuf` subprotocol (echoed in the handshake) or sets `format=protobuf` / `cf_protocol=protobuf`;
 * JSON otherwise.
 *
 * Listeners are shared functions (the client hangs off the socket), so a connection costs no closures.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { jsonCodec, protobufCodec, type Codec } from '@cadenza/protocol';
import { Connection } from '../connection/connection.ts';
import { onFrame } from '../connection/dispatch.ts';
import type { Core } from '../core.ts';

const CLIENT = Symbol('cadenza.client');
type TaggedSocket = WebSocket & { [CLIENT]?: Connection };

function onMessage(this: TaggedSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  const c = this[CLIENT];
  if (!c) return;
  onFrame(c, Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
}

function onClose(this: TaggedSocket): void {
  const c = this[CLIENT];
  this[CLIENT] = undefined;
  c?.onSocketClose();
}

function onError(this: TaggedSocket, err: Error): void {
  // Protocol violations (oversized or malformed frames) end here; ws closes the socket itself and 'close' follows.
  this[CLIENT]?.host.log.debug({ err: err.message }, 'websocket error');
}

function wantsProtobuf(req: IncomingMessage): boolean {
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string' && proto.split(',').some((p) => p.trim() === 'centrifuge-protobuf')) return true;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if (query === -1 || query === url.length - 1) return false;
  const params = new URLSearchParams(url.slice(query + 1));
  return params.get('format') === 'protobuf' || params.get('cf_protocol') === 'protobuf';
}

export class WebSocketTransport {
  readonly #wss: WebSocketServer;

  constructor(readonly core: Core) {
    this.#wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: core.settings.limits.maxMessageBytes,
      handleProtocols: (protocols: Set<string>) => {
        if (protocols.has('centrifuge-protobuf')) return 'centrifuge-protobuf';
        if (protocols.has('centrifuge-json')) return 'centrifuge-json';
        return false;
      },
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.core.closing) {
      socket.destroy();
      return;
    }
    const codec: Codec = wantsProtobuf(req) ? protobufCodec : jsonCodec;
    const headers = req.headers as Record<string, string | undefined>;
    // The address is only the per-IP cap's key: without the cap it is never read (Node asks the kernel for it).
    const address = this.core.countsAddresses ? (this.core.clientAddress?.(req) ?? req.socket.remoteAddress ?? '') : '';
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws as TaggedSocket, codec, address, headers, socket));
  }

  #accept(ws: TaggedSocket, codec: Codec, address: string, headers: Record<string, string | undefined>, socket: Duplex): void {
    const conn = new Connection(this.core, codec, randomUUID(), address, headers, ws, socket);
    ws[CLIENT] = conn;
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', onError);
    this.core.acceptSocket(conn);
  }

  close(): void {
    this.#wss.close();
  }
}
