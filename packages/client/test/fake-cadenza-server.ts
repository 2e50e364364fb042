/**
 * A small stand-in for a Cadenza server, for SDK and CLI tests that must control what the real server will not
 * do on demand: expire tokens in a second, lose publications (offset gaps), drop history, cut connections.
 * It speaks the real wire formats — GoTrue's `/auth/v1/token` (rotating refresh tokens) and the Centrifugo JSON
 * protocol over a real WebSocket — so the SDK runs unchanged against it. Binds 127.0.0.1 on an ephemeral port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type RpcHandler = (params: any, conn: { userId: string }) => { data?: unknown; error?: { code: number; message: string; temporary?: boolean }; pagination?: unknown } | { protocolError: { code: number; message: string } };

interface ChannelState {
  epoch: string;
  offset: number;
  history: Array<{ offset: number; data: unknown }>;
  subscribers: Set<Conn>;
  snapshot?: () => unknown;
}

interface Conn {
  ws: WebSocket;
  userId: string;
  token: string;
  channels: Set<string>;
}

export interface FakeServerOptions {
  email?: string;
  password?: string;
  userId?: string;
  /** Access-token lifetime in seconds. */
  tokenTtlSeconds?: number;
  /** Publications kept per channel for recovery. */
  historySize?: number;
}

export class FakeCadenzaServer {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  tokenTtlSeconds: number;
  readonly rpc = new Map<string, RpcHandler>();
  /** Every RPC call received, in order. */
  readonly calls: Array<{ method: string; params: unknown }> = [];
  /** Counters the tests assert on. */
  readonly stats = { logins: 0, refreshes: 0, connects: 0, expiredConnects: 0, tokenRefreshCommands: 0 };
  private readonly tokens = new Map<string, number>();
  private readonly refreshTokens = new Map<string, boolean>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly conns = new Set<Conn>();
  private seq = 0;
  private readonly historySize: number;

  private constructor(private readonly http: Server, private readonly wss: WebSocketServer, opts: FakeServerOptions) {
    this.email = opts.email ?? 'trader@example.com';
    this.password = opts.password ?? 'secret-password';
    this.userId = opts.userId ?? '6f1c7c1e-4a7b-4c55-9d0e-0c5b8e2f1a10';
    this.tokenTtlSeconds = opts.tokenTtlSeconds ?? 3600;
    this.historySize = opts.historySize ?? 100;
  }

  static async start(opts: FakeServerOptions = {}): Promise<FakeCadenzaServer> {
    const http = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const server = new FakeCadenzaServer(http, wss, opts);
    http.on('request', (req, res) => void server.handleHttp(req, res));
    http.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/connection/websocket') return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => server.handleSocket(ws));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Sets the snapshot returned in the subscribe reply of a channel. */
  setSnapshot(channel: string, snapshot: () => unknown): void {
    this.channel(channel).snapshot = snapshot;
  }

  /** Publishes to a channel. `lose: n` burns n offsets first, as if n publications never reached the client. */
  publish(channel: string, data: unknown, opts: { lose?: number } = {}): number {
    const ch = this.channel(channel);
    ch.offset += 1 + (opts.lose ?? 0);
    ch.history.push({ offset: ch.offset, data });
    while (ch.history.length > this.historySize) ch.history.shift();
    const frame = JSON.stringify({ push: { channel, pub: { data, offset: ch.offset } } });
    for (const c of ch.subscribers) c.ws.send(frame);
    return ch.offset;
  }

  /** Publishes on a server-side subscription channel (user:{id}) to every connection of that user. */
  publishToUser(data: unknown): void {
    const frame = JSON.stringify({ push: { channel: `user:${this.userId}`, pub: { data } } });
    for (const c of this.conns) c.ws.send(frame);
  }

  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.subscribers.size ?? 0;
  }

  /** Drops every connection at the transport level (clients reconnect by themselves). */
  dropConnections(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Makes every issued access token expire now. */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
  }

  private channel(name: string): ChannelState {
    let ch = this.channels.get(name);
    if (!ch) this.channels.set(name, (ch = { epoch: 'epoch-1', offset: 0, history: [], subscribers: new Set() }));
    return ch;
  }

  private issueSession() {
    const n = ++this.seq;
    const access = `access-${n}-${Math.random().toString(36).slice(2)}`;
    const refresh = `refresh-${n}-${Math.random().toString(36).slice(2)}`;
    const now = Date.now();
    this.tokens.set(access, now + this.tokenTtlSeconds * 1000);
    this.refreshTokens.set(refresh, true);
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: this.tokenTtlSeconds,
      expires_at: Math.floor(now / 1000) + this.tokenTtlSeconds,
      refresh_token: refresh,
      user: { id: this.userId, email: this.email, aud: 'authenticated', role: 'authenticated', app_metadata: { provider: 'email' }, user_metadata: {} },
    };
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== '/auth/v1/token') return send(404, { code: 'not_found', message: 'not found' });
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { code: 'bad_json', message: 'Could not parse request body as JSON' });
    }
    const grant = url.searchParams.get('grant_type');
    if (grant === 'password') {
      if (body.email !== this.email || body.password !== this.password) return send(400, { code: 'invalid_credentials', message: 'Invalid login credentials' });
      this.stats.logins += 1;
      return send(200, this.issueSession());
    }
    if (grant === 'refresh_token') {
      const live = this.refreshTokens.get(body.refresh_token);
      if (live === undefined) return send(400, { code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' });
      if (!live) return send(400, { code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });
      this.refreshTokens.set(body.refresh_token, false);
      this.stats.refreshes += 1;
      return send(200, this.issueSession());
    }
    return send(400, { code: 'invalid_credentials', message: 'unsupported_grant_type' });
  }

  private tokenState(token: string | undefined): 'valid' | 'expired' | 'invalid' {
    const exp = token ? this.tokens.get(token) : undefined;
    if (exp === undefined) return 'invalid';
    return exp > Date.now() ? 'valid' : 'expired';
  }

  private handleSocket(ws: WebSocket): void {
    let conn: Conn | undefined;
    ws.on('message', (raw) => {
      const out: string[] = [];
      for (const line of raw.toString().trim().split('\n')) {
        if (!line) continue;
        const cmd = JSON.parse(line);
        if (!cmd.id) continue; // pong
        const reply = (body: object) => out.push(JSON.stringify({ id: cmd.id, ...body }));
        if (cmd.connect) {
          const state = this.tokenState(cmd.connect.token);
          if (state === 'expired') {
            this.stats.expiredConnects += 1;
            reply({ error: { code: 109, message: 'token expired' } });
            continue;
          }
          if (state === 'invalid') {
            ws.close(3500, 'invalid token');
            return;
          }
          this.stats.connects += 1;
          conn = { ws, userId: this.userId, token: cmd.connect.token, channels: new Set() };
          this.conns.add(conn);
          const ttl = Math.max(1, Math.round((this.tokens.get(cmd.connect.token)! - Date.now()) / 1000));
          reply({ connect: { client: `client-${this.seq}`, version: 'fake', expires: true, ttl, ping: 0, subs: { [`user:${this.userId}`]: {} } } });
        } else if (!conn) {
          ws.close(3501, 'bad request');
          return;
        } else if (cmd.refresh) {
          this.stats.tokenRefreshCommands += 1;
          const state = this.tokenState(cmd.refresh.token);
          if (state !== 'valid') {
            reply({ error: { code: 109, message: 'token expired' } });
            continue;
          }
          conn.token = cmd.refresh.token;
          const ttl = Math.max(1, Math.round((this.tokens.get(cmd.refresh.token)! - Date.now()) / 1000));
          reply({ refresh: { client: 'c', version: 'fake', expires: true, ttl } });
        } else if (cmd.rpc) {
          const handler = this.rpc.get(cmd.rpc.method);
          this.calls.push({ method: cmd.rpc.method, params: cmd.rpc.data });
          if (!handler) {
            reply({ error: { code: 104, message: 'method not found' } });
            continue;
          }
          const result = handler(cmd.rpc.data ?? {}, conn);
          if ('protocolError' in result) reply({ error: result.protocolError });
          else reply({ rpc: { data: result } });
        } else if (cmd.subscribe) {
          const { channel, recover, offset, epoch } = cmd.subscribe;
          const ch = this.channel(channel);
          if (channel.startsWith('tradingAccount:forbidden')) {
            reply({ error: { code: 103, message: 'permission denied' } });
            continue;
          }
          const result: Record<string, unknown> = { recoverable: true, positioned: true, epoch: ch.epoch, offset: ch.offset };
          if (recover) {
            result.was_recovering = true;
            const from = offset ?? 0;
            const missed = ch.history.filter((p) => p.offset > from);
            const ok = (epoch === undefined || epoch === ch.epoch) && (from === ch.offset || missed[0]?.offset === from + 1);
            if (ok) {
              result.recovered = true;
              result.offset = from;
              if (missed.length) result.publications = missed.map((p) => ({ data: p.data, offset: p.offset }));
            }
          }
          if (ch.snapshot) result.data = ch.snapshot();
          ch.subscribers.add(conn);
          conn.channels.add(channel);
          reply({ subscribe: result });
        } else if (cmd.unsubscribe) {
          this.channels.get(cmd.unsubscribe.channel)?.subscribers.delete(conn);
          conn.channels.delete(cmd.unsubscribe.channel);
          reply({ unsubscribe: {} });
        } else {
          reply({ error: { code: 108, message: 'not available' } });
        }
      }
      if (out.length) ws.send(out.join('\n'));
    });
    ws.on('close', () => {
      if (!conn) return;
      this.conns.delete(conn);
      for (const ch of conn.channels) this.channels.get(ch)?.subscribers.delete(conn);
    });
  }
}
