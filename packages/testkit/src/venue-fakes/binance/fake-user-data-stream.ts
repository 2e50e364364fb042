/**
 * @module venue-fakes/binance/fake-user-data-stream
 * The fake's WebSocket API (`/ws-api/v3`) as the connector uses it: `userDataStream.subscribe.signature` (signed by
 * the parameters sorted by name, as Binance's WebSocket API signs) subscribes a connection to an API key's account
 * events, delivered as `{ subscriptionId, event }`. Any other method is -1020.
 */
import type { WebSocket } from 'ws';
import type { FakeApiKeys } from './fake-api-keys.ts';

interface ApiConn {
  socket: WebSocket;
  subscriptions: Map<number, string>;
}

export class FakeUserDataStream {
  private readonly conns = new Set<ApiConn>();
  private nextSubscriptionId = 0;

  constructor(private readonly keys: FakeApiKeys) {}

  accept(socket: WebSocket): void {
    const conn: ApiConn = { socket, subscriptions: new Map() };
    this.conns.add(conn);
    socket.on('close', () => this.conns.delete(conn));
    socket.on('message', (raw) => this.onMessage(conn, String(raw)));
  }

  /** Sends an account event to every subscription of `apiKey`. */
  emit(apiKey: string, event: Record<string, unknown>): void {
    for (const c of this.conns) {
      for (const [id, key] of c.subscriptions) if (key === apiKey && c.socket.readyState === 1) c.socket.send(JSON.stringify({ subscriptionId: id, event }));
    }
  }

  /** Live subscriptions of an API key across connections. */
  subscriptionCount(apiKey: string): number {
    let n = 0;
    for (const c of this.conns) for (const key of c.subscriptions.values()) if (key === apiKey) n++;
    return n;
  }

  /** Drops every connection without a close handshake. */
  terminateAll(): void {
    for (const c of this.conns) c.socket.terminate();
  }

  private onMessage(conn: ApiConn, raw: string): void {
    let msg: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      msg = JSON.parse(raw) as typeof msg;
    } catch {
      return;
    }
    const id = msg.id ?? null;
    const reply = (status: number, body: object) => conn.socket.send(JSON.stringify({ id, status, ...body }));
    if (msg.method !== 'userDataStream.subscribe.signature') return reply(400, { error: { code: -1020, msg: 'This operation is not supported.' } });
    const params = msg.params ?? {};
    const apiKey = typeof params.apiKey === 'string' ? params.apiKey : '';
    if (!this.keys.has(apiKey)) return reply(401, { error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } });
    const payload = Object.keys(params).filter((k) => k !== 'signature').sort().map((k) => `${k}=${String(params[k])}`).join('&');
    if (!this.keys.signs(apiKey, payload, String(params.signature ?? ''))) return reply(400, { error: { code: -1022, msg: 'Signature for this request is not valid.' } });
    try {
      this.keys.checkTimestamp(new Map(Object.entries(params).map(([k, v]) => [k, String(v)])));
    } catch (err) {
      return reply(400, { error: { code: -1021, msg: err instanceof Error ? err.message : 'timestamp' } });
    }
    const subscriptionId = this.nextSubscriptionId++;
    conn.subscriptions.set(subscriptionId, apiKey);
    reply(200, { result: { subscriptionId } });
  }
}
