/**
 * @module transport/ws-handshake
 * The server side of the WebSocket opening handshake (RFC 6455 §4.2) on a socket Node's HTTP server hands over on
 * `upgrade`: a GET with `Upgrade: websocket`, a 16-byte `Sec-WebSocket-Key` and version 13 (or 8) is answered 101
 * with its `Sec-WebSocket-Accept` and the subprotocol chosen; anything else gets 400 (426 for another version, 405
 * for another method) and the socket is closed. No extension is offered (no compression).
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Completes the handshake; false (the socket answered and closed) when the request is no WebSocket upgrade.
 * `protocol` is the subprotocol to echo, picked from the client's offer.
 */
export function completeHandshake(req: IncomingMessage, socket: Duplex, protocol: (offered: string[]) => string | undefined): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (req.method !== 'GET') return refuse(socket, 405, 'Invalid HTTP method');
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return refuse(socket, 400, 'Invalid Upgrade header');
  if (typeof key !== 'string' || !KEY.test(key)) return refuse(socket, 400, 'Missing or invalid Sec-WebSocket-Key header');
  if (version !== '13' && version !== '8') return refuse(socket, 426, 'Missing or invalid Sec-WebSocket-Version header', 'Sec-WebSocket-Version: 13, 8\r\n');
  if (!socket.readable || !socket.writable) {
    socket.destroy();
    return false;
  }
  const offered = req.headers['sec-websocket-protocol'];
  const chosen = offered ? protocol(offered.split(',').map((p) => p.trim())) : undefined;
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n` +
      (chosen ? `Sec-WebSocket-Protocol: ${chosen}\r\n\r\n` : '\r\n'),
  );
  return true;
}

function refuse(socket: Duplex, status: number, message: string, extraHeaders = ''): false {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(message)}\r\n${extraHeaders}\r\n${message}`,
    );
    socket.once('finish', () => socket.destroy());
  } else socket.destroy();
  return false;
}
