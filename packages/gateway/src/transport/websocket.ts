/**
 * @module transport/websocket
 * The WebSocket transport at `/connection/websocket`: the handshake (`ws-handshake.ts`) on the socket Node's HTTP
 * server hands over, then one `WebSocketConnection` per client — no compression, incoming messages capped at
 * `maxMessageBytes` (a bigger one closes with 1009). The protocol is protobuf when the client asks for the
 * `centrifuge-protobuf` subprotocol (echoed in the handshake) or sets `format=protobuf` / `cf_protocol=protobuf`;
 * JSON otherwise.
 *
 * Why not the `ws` package, which this transport used before: a connection through `ws` cost ~75 µs of server CPU
 * more than the same handshake written here (a `WebSocket`, a stream-based receiver and a sender per connection, and
 * every message through a Writable), more than all of Centrifugo's protocol work per connection. The gateway already
 * built its outgoing frames itself (fan-out writes one pre-built frame to many sockets); what this adds is the
 * receiving side with the rules RFC 6455 sets for a server, in `ws-reader.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { jsonCodec, protobufCodec, type Codec } from '@cadenza/protocol';
import { Connection } from '../connection/connection.ts';
import { onFrame } from '../connection/dispatch.ts';
import type { Core } from '../core.ts';
import { completeHandshake } from './ws-handshake.ts';
import { WebSocketConnection, type SocketEvents } from './ws-socket.ts';

const events: SocketEvents<Connection> = {
  message: (c, data) => onFrame(c, data),
  violation: (c) => c.onProtocolViolation(),
  closed: (c) => c.onSocketClose(),
};

function wantsProtobuf(req: IncomingMessage): boolean {
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string' && proto.split(',').some((p) => p.trim() === 'centrifuge-protobuf')) return true;
  const q = (req.url ?? '').split('?')[1];
  if (!q) return false;
  const params = new URLSearchParams(q);
  return params.get('format') === 'protobuf' || params.get('cf_protocol') === 'protobuf';
}

function subprotocol(offered: string[]): string | undefined {
  if (offered.includes('centrifuge-protobuf')) return 'centrifuge-protobuf';
  if (offered.includes('centrifuge-json')) return 'centrifuge-json';
  return undefined;
}

export class WebSocketTransport {
  constructor(readonly core: Core) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.core.closing) {
      socket.destroy();
      return;
    }
    if (!completeHandshake(req, socket, subprotocol)) return;
    const codec: Codec = wantsProtobuf(req) ? protobufCodec : jsonCodec;
    const address = this.core.clientAddress?.(req) ?? req.socket.remoteAddress ?? '';
    const ws = new WebSocketConnection(socket, this.core.settings.limits.maxMessageBytes, events);
    const conn = new Connection(this.core, codec, randomUUID(), address, req.headers as Record<string, string | undefined>, ws);
    this.core.acceptSocket(conn);
    ws.start(conn, head);
  }
}
