/**
 * @module connection/connect
 * The `connect` and `refresh` commands. Connect asks the application (`onConnect`) who the client is, creates the
 * server-side subscriptions it names (recovering them from `connect.subs` when the client sends positions), and
 * answers with Centrifugo's connect result: client id, version, ping interval in seconds, pong, expires/ttl, data,
 * subs. Refresh replaces the connection's expiry from a new token.
 */
import { RawJson, type ConnectRequest, type ConnectResult, type RefreshRequest, type SubscribeResult } from '@cadenza/protocol';
import { Disconnect, ProtocolError } from '../errors.ts';
import type { Connection } from './connection.ts';
import { endSubscription, establishServerSide, type Established } from './subscribe.ts';

const nowSeconds = (client: Connection): number => Math.floor(client.host.now() / 1000);

export async function handleConnect(client: Connection, id: number, req: ConnectRequest): Promise<void> {
  const host = client.host;
  if (host.closing) throw Disconnect.shutdown();
  const reply = await host.handlers.onConnect({
    clientId: client.clientId,
    token: req.token ?? '',
    data: req.data,
    name: req.name,
    version: req.version,
    protocol: client.protocol,
    headers: client.headers,
  });
  if (client.state !== 'connecting') return;
  const identity = reply.identity;
  const now = nowSeconds(client);
  // An expired token is always 109 on connect: the official clients then fetch a new one (110 would strand them).
  if (identity.expireAt && identity.expireAt <= now) throw ProtocolError.tokenExpired();
  const channels = reply.channels === undefined || reply.channels.length === 0 ? [] : [...new Set(reply.channels)];
  if (channels.length > host.settings.limits.maxChannelsPerConnection) throw Disconnect.channelLimit();

  client.identify(identity);
  const established: Established[] = [];
  try {
    for (const channel of channels) established.push(await establishServerSide(client, channel, req.subs?.[channel]));
    if (client.state === 'connecting') host.admit(client);
  } catch (err) {
    for (const e of established) await endSubscription(client, e.channel);
    throw err;
  }
  if (client.state !== 'connecting') {
    for (const e of established) await endSubscription(client, e.channel);
    return;
  }

  client.markConnected();
  const s = host.settings;
  const result: ConnectResult = { client: client.clientId, version: s.version };
  if (s.pingIntervalMs > 0) {
    result.ping = s.pingIntervalMs / 1000;
    if (s.pongTimeoutMs > 0) result.pong = true;
  }
  if (identity.expireAt && identity.expireAt > 0) {
    result.expires = true;
    result.ttl = client.ttlUntil(identity.expireAt);
  }
  if (reply.data !== undefined) result.data = RawJson.of(reply.data);
  if (established.length > 0) {
    const subs: Record<string, SubscribeResult> = {};
    for (const e of established) subs[e.channel] = e.result;
    result.subs = subs;
  }
  client.send([{ id, connect: result }]);
  for (const e of established) e.commit();
}

export async function handleRefresh(client: Connection, id: number, req: RefreshRequest): Promise<void> {
  const host = client.host;
  if (!req.token) throw ProtocolError.badRequest();
  let expireAt: number;
  let info: unknown;
  let meta: Record<string, unknown> | undefined;
  if (host.handlers.onRefresh) {
    const r = await host.handlers.onRefresh({ client, token: req.token });
    expireAt = r.expireAt ?? 0;
    info = r.info;
    meta = r.meta;
  } else {
    // Without a refresh hook the new token is checked like a connect token and must name the same user.
    let r;
    try {
      r = await host.handlers.onConnect({ clientId: client.clientId, token: req.token, protocol: client.protocol, headers: {} });
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 109) throw Disconnect.expired();
      throw err;
    }
    if (r.identity.userId !== client.identity.userId) throw Disconnect.invalidToken();
    expireAt = r.identity.expireAt ?? 0;
    info = r.identity.info;
    meta = r.identity.meta;
  }
  if (client.state !== 'connected') return;
  const now = nowSeconds(client);
  if (expireAt > 0 && expireAt <= now) throw Disconnect.expired();
  client.refreshIdentity(expireAt, info, meta);
  const version = host.settings.version;
  const result = expireAt > 0 ? { client: client.clientId, version, expires: true, ttl: client.ttlUntil(expireAt) } : { client: client.clientId, version };
  client.send([{ id, refresh: result }]);
}
