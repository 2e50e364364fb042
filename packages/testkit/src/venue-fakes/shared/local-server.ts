/**
 * @module venue-fakes/shared/local-server
 * Where a fake venue listens (127.0.0.1, one port for REST and WebSockets) and how it shuts down (its sockets cut,
 * as a venue that goes away would).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';

export async function listenLocal(http: Server, port: number): Promise<{ restBaseUrl: string; wsBaseUrl: string }> {
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const p = (http.address() as AddressInfo).port;
  return { restBaseUrl: `http://127.0.0.1:${p}`, wsBaseUrl: `ws://127.0.0.1:${p}` };
}

export async function closeLocal(http: Server, wss: WebSocketServer, sockets: Iterable<WebSocket>): Promise<void> {
  for (const ws of sockets) ws.terminate();
  wss.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeAllConnections();
}
