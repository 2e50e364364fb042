/**
 * @module node
 * GatewayNode: the public face of the gateway. The composition root creates one, routes WebSocket upgrades for
 * `/connection/websocket` to it, and uses it to publish, read history and presence, manage server-side
 * subscriptions, push messages and disconnect users. It knows nothing of the application beyond the hooks.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RawJson, type ClientInfo } from '@cadenza/protocol';
import type { StreamPosition } from './broker/broker.ts';
import { Core, type GatewayStats } from './core.ts';
import { endSubscription, subscribeAtRuntime } from './connection/subscribe.ts';
import { Disconnect, ProtocolError } from './errors.ts';
import { Housekeeper } from './housekeeper.ts';
import { PositionCheck } from './position-check.ts';
import type { GatewayOptions } from './options.ts';
import type { PresenceStats } from './presence/presence.ts';
import { toWirePublication } from './publication.ts';
import { WebSocketTransport } from './transport/websocket.ts';
import { UnsubscribeCodes, type Publication } from '@cadenza/protocol';

export interface PublishOptions {
  /** Deliver without appending to history. */
  skipHistory?: boolean;
  tags?: Record<string, string>;
}

export interface HistoryOptions {
  /** 0 (default) = only the stream position; -1 = everything kept. */
  limit?: number;
  since?: StreamPosition;
  reverse?: boolean;
}

/** A history entry as the node API returns it: the data decoded back to a JSON value. */
export interface HistoryPublication {
  data: unknown;
  offset: number;
  info?: { user: string; client: string };
  tags?: Record<string, string>;
}

export interface DisconnectUserOptions {
  /** Only this login session's connections (ClientIdentity.sessionId). */
  sessionId?: string;
  /** Only this connection. */
  clientId?: string;
  code: number;
  reason: string;
  /** Informational: the code decides what the official clients do. */
  reconnect?: boolean;
}

export class GatewayNode {
  readonly #core: Core;
  readonly #transport: WebSocketTransport;
  readonly #housekeeper: Housekeeper;
  readonly #positionCheck: PositionCheck;
  #shutdown: Promise<void> | undefined;

  constructor(options: GatewayOptions) {
    this.#core = new Core(options);
    this.#transport = new WebSocketTransport(this.#core);
    this.#housekeeper = new Housekeeper(this.#core);
    this.#positionCheck = new PositionCheck(this.#core);
    this.#core.broker.run(this.#core.hub).catch((err: unknown) => this.#core.log.error({ err }, 'broker failed to start'));
  }

  /** Takes over an HTTP upgrade request (route `/connection/websocket` here). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#transport.handleUpgrade(req, socket, head);
  }

  /** Routes the server's upgrade requests for `path` to the gateway; other paths are left to other listeners. */
  attach(server: Server, path = '/connection/websocket'): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = req.url ?? '';
      const query = url.indexOf('?');
      if ((query === -1 ? url : url.slice(0, query)) === path) this.handleUpgrade(req, socket, head);
    });
  }

  /**
   * Publishes a JSON value to a channel. The value is serialised once; every subscriber (JSON or protobuf) gets the
   * same bytes. A `RawJson` is published as it is, so one value bound for several channels is serialised once for
   * all of them. Returns the publication's stream position (offset 0, epoch '' when the namespace keeps no history).
   */
  publish(channel: string, data: unknown, opts: PublishOptions = {}): Promise<StreamPosition> {
    try {
      return this.#core.publish(channel, data instanceof RawJson ? data : RawJson.of(data), opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `publish` for a caller that neither waits nor wants the position — the application's events: with the memory
   * broker the publication is delivered and in history when this returns, and no promise is made for it. A bad channel
   * or a failed publish is handed to `onError` (a function made once, not one per publication).
   */
  publishDetached(channel: string, data: unknown, onError: (err: unknown, channel: string) => void): void {
    let raw: RawJson;
    try {
      raw = data instanceof RawJson ? data : RawJson.of(data);
    } catch (err) {
      onError(err, channel);
      return;
    }
    this.#core.publishDetached(channel, raw, onError);
  }

  async history(channel: string, opts: HistoryOptions = {}): Promise<{ publications: HistoryPublication[]; offset: number; epoch: string }> {
    const { ns } = this.#core.rules.resolve(channel);
    if (!ns.history) throw ProtocolError.notAvailable();
    const h = await this.#core.broker.history(channel, { limit: opts.limit ?? 0, since: opts.since, reverse: opts.reverse });
    if (opts.since?.epoch && opts.since.epoch !== h.position.epoch) throw ProtocolError.unrecoverablePosition();
    return {
      publications: h.publications.map((p) => decodePublication(toWirePublication(p))),
      offset: h.position.offset,
      epoch: h.position.epoch,
    };
  }

  async presence(channel: string): Promise<Record<string, { user: string; client: string }>> {
    const { ns } = this.#core.rules.resolve(channel);
    if (!ns.presence) throw ProtocolError.notAvailable();
    const p = await this.#core.presence.presence(channel);
    const out: Record<string, { user: string; client: string }> = {};
    for (const [id, info] of Object.entries(p)) out[id] = { user: info.user, client: info.client };
    return out;
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    const { ns } = this.#core.rules.resolve(channel);
    if (!ns.presence) throw ProtocolError.notAvailable();
    return this.#core.presence.stats(channel);
  }

  /** Subscribes every connection of the user to a channel (a `subscribe` push; the client emits `subscribed`). */
  async subscribeUser(userId: string, channel: string, opts: { data?: unknown } = {}): Promise<void> {
    this.#core.rules.resolve(channel);
    const conns = this.#core.hub.connectionsOf(userId);
    await Promise.all(conns.map((c) => subscribeAtRuntime(c, channel, opts.data).catch((err: unknown) => this.#core.log.warn({ err, channel }, 'server-side subscribe failed'))));
  }

  /** Unsubscribes every connection of the user from a channel (an `unsubscribe` push with code 2000, terminal). */
  async unsubscribeUser(userId: string, channel: string): Promise<void> {
    const conns = this.#core.hub.connectionsOf(userId);
    await Promise.all(conns.map((c) => endSubscription(c, channel, UnsubscribeCodes.server)));
  }

  /** Disconnects the user's connections (only one session's, or one connection, when given). */
  disconnectUser(userId: string, opts: DisconnectUserOptions): number {
    let n = 0;
    for (const c of this.#core.hub.connectionsOf(userId)) {
      if (opts.sessionId !== undefined && c.identity.sessionId !== opts.sessionId) continue;
      if (opts.clientId !== undefined && c.clientId !== opts.clientId) continue;
      c.close(new Disconnect(opts.code, opts.reason));
      n++;
    }
    return n;
  }

  /** An asynchronous `message` push to every connection of the user. */
  sendToUser(userId: string, data: unknown): number {
    const conns = this.#core.hub.connectionsOf(userId);
    if (conns.length === 0) return 0;
    const raw = RawJson.of(data);
    for (const c of conns) c.send([{ push: { message: { data: raw } } }]);
    return conns.length;
  }

  stats(): GatewayStats {
    return this.#core.stats();
  }

  /**
   * Graceful shutdown: refuses new sockets, sends every client disconnect 3001 "shutdown" (the official clients
   * reconnect, to another node or to this one when it is back), then waits for the sockets to close (at most
   * `timeoutMs`, then they are destroyed). Idempotent.
   */
  shutdown(timeoutMs = 3000): Promise<void> {
    this.#shutdown ??= this.#doShutdown(timeoutMs);
    return this.#shutdown;
  }

  async #doShutdown(timeoutMs: number): Promise<void> {
    const core = this.#core;
    core.beginShutdown();
    const sockets = [...core.hub.sockets()];
    for (const c of sockets) c.close(Disconnect.shutdown());
    const deadline = Date.now() + timeoutMs;
    while (sockets.some((c) => !c.socketClosed) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of sockets) if (!c.socketClosed) c.terminate();
    core.hub.clearSockets();
    this.#housekeeper.stop();
    this.#positionCheck.stop();
    this.#transport.close();
    const broker = core.broker as Partial<{ close(): Promise<void> }>;
    if (typeof broker.close === 'function') await broker.close();
  }
}

function decodePublication(p: Publication): HistoryPublication {
  const out: HistoryPublication = { data: JSON.parse(p.data.text), offset: p.offset ?? 0 };
  if (p.info) out.info = infoOf(p.info);
  if (p.tags) out.tags = p.tags;
  return out;
}

function infoOf(i: ClientInfo): { user: string; client: string } {
  return { user: i.user, client: i.client };
}
