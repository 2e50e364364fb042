/**
 * @module venue-fakes/binance/fake-market-stream
 * The fake Binance's market stream endpoint: raw (`/ws/<stream>`) and combined (`/stream?streams=a/b`)
 * sockets, live `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS`, combined-stream wrapping
 * `{"stream","data"}`, a ping every `pingIntervalMs`, and Binance's rule that more than 5 incoming messages
 * per second closes the connection.
 */
import type { WebSocket } from 'ws';

interface StreamConn {
  socket: WebSocket;
  streams: Set<string>;
  controlTimes: number[];
  pongs: number;
}

export class FakeMarketStream {
  /** Sockets accepted so far (rotations and reconnects count). */
  opened = 0;
  /** SUBSCRIBE messages answered with an error so far (`refuseSubscribes`). */
  refusedSubscribes = 0;
  private refusals = 0;
  private readonly conns = new Set<StreamConn>();
  private readonly pingTimer: NodeJS.Timeout;

  constructor(pingIntervalMs: number) {
    this.pingTimer = setInterval(() => {
      for (const c of this.conns) c.socket.ping('fake');
    }, pingIntervalMs);
    this.pingTimer.unref();
  }

  accept(socket: WebSocket, url: URL): void {
    const initial = url.pathname === '/stream' ? (url.searchParams.get('streams') ?? '').split('/').filter(Boolean) : [url.pathname.slice(4)];
    const conn: StreamConn = { socket, streams: new Set(initial), controlTimes: [], pongs: 0 };
    this.conns.add(conn);
    this.opened++;
    socket.on('pong', () => conn.pongs++);
    socket.on('close', () => this.conns.delete(conn));
    socket.on('message', (raw) => this.onMessage(conn, String(raw)));
  }

  broadcast(stream: string, data: unknown): void {
    const text = JSON.stringify({ stream, data });
    for (const c of this.conns) if (c.streams.has(stream) && c.socket.readyState === 1) c.socket.send(text);
  }

  /** Sends Binance's `serverShutdown` notice to every socket (clients should move to a new connection). */
  announceShutdown(): void {
    const text = JSON.stringify({ e: 'serverShutdown', E: Date.now() });
    for (const c of this.conns) if (c.socket.readyState === 1) c.socket.send(text);
  }

  disconnectAll(): void {
    for (const c of this.conns) c.socket.terminate();
  }

  close(): void {
    clearInterval(this.pingTimer);
    this.disconnectAll();
  }

  subscribedStreams(): string[] {
    const all = new Set<string>();
    for (const c of this.conns) for (const s of c.streams) all.add(s);
    return [...all].sort();
  }

  connectionCount(): number {
    return this.conns.size;
  }

  /** The next `count` SUBSCRIBE messages are answered with an error (`{"code":2,"msg":…,"id"}`) and change nothing. */
  refuseSubscribes(count: number): void {
    this.refusals += count;
  }

  pongs(): number {
    let n = 0;
    for (const c of this.conns) n += c.pongs;
    return n;
  }

  private onMessage(conn: StreamConn, text: string): void {
    const { socket } = conn;
    const now = Date.now();
    conn.controlTimes = conn.controlTimes.filter((t) => now - t < 1000);
    conn.controlTimes.push(now);
    if (conn.controlTimes.length > 5) {
      socket.close(1008, 'too many messages');
      return;
    }
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      socket.send(JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
      return;
    }
    const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : [];
    const id = msg.id ?? null;
    switch (msg.method) {
      case 'SUBSCRIBE':
        if (this.refusals > 0) {
          this.refusals--;
          this.refusedSubscribes++;
          socket.send(JSON.stringify({ code: 2, msg: 'Invalid request: the fake refused this SUBSCRIBE', id }));
          return;
        }
        for (const s of params) conn.streams.add(s);
        socket.send(JSON.stringify({ result: null, id }));
        return;
      case 'UNSUBSCRIBE':
        for (const s of params) conn.streams.delete(s);
        socket.send(JSON.stringify({ result: null, id }));
        return;
      case 'LIST_SUBSCRIPTIONS':
        socket.send(JSON.stringify({ result: [...conn.streams], id }));
        return;
      default:
        socket.send(JSON.stringify({ code: 2, msg: `Invalid request: unknown variant ${String(msg.method)}`, id }));
    }
  }
}
