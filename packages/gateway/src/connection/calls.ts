/**
 * @module connection/calls
 * Request/response commands that do not change the subscription set: publish, presence, presence_stats, history,
 * rpc, and the one-way send. Permission rules follow the channel's namespace options (Centrifugo's
 * allow_*_for_subscriber / allow_*_for_client); a feature off for the namespace is 108 not available.
 */
import { RawJson, type ChannelRequest, type HistoryRequest, type PublishRequest, type Reply, type RpcRequest, type SendRequest } from '@cadenza/protocol';
import type { ResolvedNamespace } from '../channel-rules.ts';
import { Disconnect, ProtocolError } from '../errors.ts';
import { toWirePublication } from '../publication.ts';
import type { Connection } from './connection.ts';

function requireChannel(client: Connection, channel: string): ResolvedNamespace {
  if (channel === '') throw ProtocolError.badRequest();
  return client.host.rules.resolve(channel).ns;
}

/** A payload that must be JSON: protobuf clients may send arbitrary bytes, which the gateway cannot relay as JSON. */
function jsonPayload(data: unknown): unknown {
  if (data instanceof Uint8Array) throw ProtocolError.badRequest();
  return data;
}

export async function handlePublish(client: Connection, id: number, req: PublishRequest): Promise<void> {
  const ns = requireChannel(client, req.channel);
  const allowed = ns.allowPublishForClient || (ns.allowPublishForSubscriber && client.subscriptions.isLive(req.channel));
  if (!allowed) throw ProtocolError.permissionDenied();
  const data = RawJson.of(jsonPayload(req.data) ?? null);
  await client.host.publish(req.channel, data, { info: client.clientInfo(client.subscriptions.get(req.channel)) });
  client.send([{ id, publish: {} }]);
}

function checkPresence(client: Connection, channel: string): void {
  const ns = requireChannel(client, channel);
  if (!ns.presence) throw ProtocolError.notAvailable();
  if (!(ns.allowPresenceForClient || (ns.allowPresenceForSubscriber && client.subscriptions.isLive(channel)))) throw ProtocolError.permissionDenied();
}

export async function handlePresence(client: Connection, id: number, req: ChannelRequest): Promise<void> {
  checkPresence(client, req.channel);
  const presence = await client.host.presence.presence(req.channel);
  client.send([{ id, presence: { presence } }]);
}

export async function handlePresenceStats(client: Connection, id: number, req: ChannelRequest): Promise<void> {
  checkPresence(client, req.channel);
  const s = await client.host.presence.stats(req.channel);
  client.send([{ id, presence_stats: { num_clients: s.numClients, num_users: s.numUsers } }]);
}

export async function handleHistory(client: Connection, id: number, req: HistoryRequest): Promise<void> {
  const host = client.host;
  const ns = requireChannel(client, req.channel);
  if (!ns.history) throw ProtocolError.notAvailable();
  if (!(ns.allowHistoryForClient || (ns.allowHistoryForSubscriber && client.subscriptions.isLive(req.channel)))) throw ProtocolError.permissionDenied();
  const max = host.settings.limits.historyMaxPublications;
  const asked = req.limit ?? 0;
  const limit = asked < 0 || asked > max ? max : asked;
  const h = await host.broker.history(req.channel, { limit, since: req.since, reverse: req.reverse });
  if (req.since?.epoch && h.position.epoch !== req.since.epoch) throw ProtocolError.unrecoverablePosition();
  const result: NonNullable<Reply['history']> = { epoch: h.position.epoch };
  if (h.position.offset > 0) result.offset = h.position.offset;
  if (h.publications.length > 0) result.publications = h.publications.map(toWirePublication);
  client.send([{ id, history: result }]);
}

export async function handleRpc(client: Connection, id: number, req: RpcRequest): Promise<void> {
  const handlers = client.host.handlers;
  if (!handlers.onRpc) throw ProtocolError.methodNotFound();
  const reply = await handlers.onRpc({ client, method: req.method, data: jsonPayload(req.data) });
  if (client.state !== 'connected') return;
  client.send([{ id, rpc: reply.data === undefined ? {} : { data: reply.data instanceof RawJson ? reply.data : RawJson.of(reply.data) } }]);
}

export async function handleSend(client: Connection, req: SendRequest): Promise<void> {
  const handlers = client.host.handlers;
  if (!handlers.onMessage) throw Disconnect.notAvailable();
  await handlers.onMessage({ client, data: jsonPayload(req.data) });
}
