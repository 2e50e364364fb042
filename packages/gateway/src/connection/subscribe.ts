/**
 * @module connection/subscribe
 * Subscriptions: the `subscribe`, `unsubscribe` and `sub_refresh` commands, server-side subscriptions (at connect
 * and at runtime), and the common path that positions or recovers a subscription without losing or repeating a
 * publication: the subscription joins the fan-out list in buffering mode before history is read, and the publications
 * buffered meanwhile are merged after the reply (recovery.ts).
 */
import {
  RawJson,
  type ChannelRequest,
  type SubRefreshRequest,
  type SubscribeRequest,
  type SubscribeResult,
  type Reply,
} from '@cadenza/protocol';
import type { ResolvedChannel } from '../channel-rules.ts';
import { toWirePublication } from '../core.ts';
import { Disconnect, ProtocolError } from '../errors.ts';
import { mergeBuffered, recoverStream } from '../recovery.ts';
import { SubFlag, Subscription } from '../subscription.ts';
import type { Connection } from './connection.ts';

/** What the application granted for a subscription. */
interface Grant {
  data?: unknown;
  expireAt?: number;
  info?: unknown;
}

/** A subscription whose reply is ready; `commit` (after the reply is written) makes it live. */
export interface Established {
  channel: string;
  result: SubscribeResult;
  commit(): void;
}

/** Thrown when the connection closed while a subscription was being set up; nothing is replied. */
class ConnectionGone extends Error {}

const nowSeconds = (client: Connection): number => Math.floor(client.core.now() / 1000);

function checkOpen(client: Connection): void {
  if (client.state === 'closed') throw new ConnectionGone();
}

async function establish(
  client: Connection,
  channel: string,
  resolved: ResolvedChannel,
  req: Partial<SubscribeRequest>,
  grant: Grant,
  sub: Subscription,
  serverSide: boolean,
): Promise<Established> {
  const core = client.core;
  const ns = resolved.ns;
  const recoverable = ns.forceRecovery || (!serverSide && ns.allowRecovery && req.recoverable === true);
  const positioned = recoverable || ns.forcePositioning || (!serverSide && ns.allowPositioning && req.positioned === true);
  if (serverSide) sub.flags |= SubFlag.serverSide;
  if (recoverable) sub.flags |= SubFlag.recoverable;
  if (positioned) sub.flags |= SubFlag.positioned;
  if (ns.forcePushJoinLeave || (ns.joinLeave && req.join_leave === true)) sub.flags |= SubFlag.joinLeave;
  if (grant.info !== undefined) sub.chanInfo = RawJson.of(grant.info);
  (client.subs ??= new Map()).set(channel, sub);
  if (grant.expireAt && grant.expireAt > 0) {
    sub.expireAt = grant.expireAt;
    client.expiringSubs++;
  }
  try {
    await core.addSubscriber(channel, client, sub);
    checkOpen(client);
    const result: SubscribeResult = {};
    let upTo: number | undefined;
    if (positioned) {
      const max = core.limits.recoveryMaxPublications;
      if (recoverable && req.recover) {
        const requested = { offset: req.offset ?? 0, epoch: req.epoch ?? '' };
        const h = await core.broker.history(channel, { since: requested, limit: max + 1 });
        const o = recoverStream({ requested, publications: h.publications, top: h.position, maxPublications: max });
        if (!o.recovered && ((req.flag ?? 0) & 2) !== 0) throw ProtocolError.unrecoverablePosition();
        if (o.recovered) result.recovered = true;
        if (o.publications.length > 0) result.publications = o.publications.map(toWirePublication);
        if (o.offset > 0) result.offset = o.offset;
        result.epoch = o.epoch;
        upTo = o.upTo;
      } else {
        const h = await core.broker.history(channel, { limit: 0 });
        if (h.position.offset > 0) result.offset = h.position.offset;
        result.epoch = h.position.epoch;
        upTo = h.position.offset;
      }
      checkOpen(client);
      result.positioned = true;
      if (recoverable) result.recoverable = true;
    }
    if (req.recover) result.was_recovering = true;
    if (sub.expireAt > 0) {
      result.expires = true;
      result.ttl = client.ttlUntil(sub.expireAt);
    }
    if (grant.data !== undefined) result.data = RawJson.of(grant.data);
    if (ns.presence) await core.presence.add(channel, client.clientId, core.clientInfo(client, sub));
    checkOpen(client);
    return { channel, result, commit: () => commit(client, channel, sub, upTo, result.epoch) };
  } catch (err) {
    if (client.subs?.get(channel) === sub) await core.removeSubscription(client, channel);
    throw err;
  }
}

/** Delivers what arrived while subscribing, then makes the subscription live and announces the join. */
function commit(client: Connection, channel: string, sub: Subscription, upTo: number | undefined, epoch: string | undefined): void {
  const buffered = sub.buffer ?? [];
  sub.buffer = null;
  if (client.state === 'closed' || client.subs?.get(channel) !== sub) return;
  const core = client.core;
  // The position the client now holds: the stream top it was answered, then what the buffer adds.
  if (upTo !== undefined) sub.offset = upTo;
  if (epoch) sub.epoch = epoch;
  if (buffered.length > 0) {
    const merged = upTo === undefined ? { deliver: buffered, gap: false } : mergeBuffered(upTo, buffered);
    if (merged.deliver.length > 0) {
      client.writeReplies(merged.deliver.map((p): Reply => ({ push: { channel, pub: toWirePublication(p) } })));
      const last = merged.deliver[merged.deliver.length - 1]!.offset;
      if (last > sub.offset) sub.offset = last;
    }
    if (merged.gap) {
      client.close(Disconnect.insufficientState());
      return;
    }
  }
  if (sub.ns.joinLeave || sub.ns.forcePushJoinLeave) {
    core.broker.publishJoin(channel, core.clientInfo(client, sub)).catch((err: unknown) => core.log.warn({ err, channel }, 'join failed'));
  }
}

async function authorize(client: Connection, req: SubscribeRequest, resolved: ResolvedChannel): Promise<Grant> {
  const core = client.core;
  if (resolved.isPrivate && !req.token) throw ProtocolError.permissionDenied();
  if (!req.token && resolved.allowedUsers && resolved.ns.allowUserLimitedChannels) {
    if (client.identity.userId !== '' && resolved.allowedUsers.includes(client.identity.userId)) return {};
    throw ProtocolError.permissionDenied();
  }
  if (!core.handlers.onSubscribe) throw ProtocolError.permissionDenied();
  const r = await core.handlers.onSubscribe({ client, channel: req.channel, token: req.token || undefined, data: req.data });
  if (r.expireAt && r.expireAt > 0 && r.expireAt <= nowSeconds(client)) throw ProtocolError.tokenExpired();
  return r;
}

export async function handleSubscribe(client: Connection, id: number, req: SubscribeRequest): Promise<void> {
  const core = client.core;
  const channel = req.channel;
  if (channel === '') throw Disconnect.badRequest();
  const resolved = core.rules.resolve(channel);
  if (client.subs?.has(channel)) throw ProtocolError.alreadySubscribed();
  if ((client.subs?.size ?? 0) >= core.limits.maxChannelsPerConnection) throw ProtocolError.limitExceeded();
  const sub = new Subscription(resolved.ns);
  (client.subs ??= new Map()).set(channel, sub);
  let grant: Grant;
  try {
    grant = await authorize(client, req, resolved);
    checkOpen(client);
  } catch (err) {
    if (client.subs?.get(channel) === sub) client.subs.delete(channel);
    if (err instanceof ConnectionGone) return;
    throw err;
  }
  try {
    const e = await establish(client, channel, resolved, req, grant, sub, false);
    client.writeReplies([{ id, subscribe: e.result }]);
    e.commit();
  } catch (err) {
    if (err instanceof ConnectionGone) return;
    throw err;
  }
}

export async function handleUnsubscribe(client: Connection, id: number, req: ChannelRequest): Promise<void> {
  if (req.channel === '') throw Disconnect.badRequest();
  await client.core.removeSubscription(client, req.channel);
  client.writeReplies([{ id, unsubscribe: {} }]);
}

export async function handleSubRefresh(client: Connection, id: number, req: SubRefreshRequest): Promise<void> {
  const core = client.core;
  if (req.channel === '' || req.token === '') throw ProtocolError.badRequest();
  const sub = client.subs?.get(req.channel);
  if (!sub || sub.buffer) throw ProtocolError.permissionDenied();
  let expireAt: number;
  if (core.handlers.onSubRefresh) {
    expireAt = (await core.handlers.onSubRefresh({ client, channel: req.channel, token: req.token })).expireAt ?? 0;
  } else if (core.handlers.onSubscribe) {
    expireAt = (await core.handlers.onSubscribe({ client, channel: req.channel, token: req.token })).expireAt ?? 0;
  } else throw ProtocolError.permissionDenied();
  const now = nowSeconds(client);
  if (expireAt > 0 && expireAt <= now) throw ProtocolError.tokenExpired();
  if (client.subs?.get(req.channel) !== sub) throw ProtocolError.permissionDenied();
  if (sub.expireAt > 0) client.expiringSubs--;
  sub.expireAt = expireAt;
  if (expireAt > 0) client.expiringSubs++;
  client.writeReplies([{ id, sub_refresh: expireAt > 0 ? { expires: true, ttl: client.ttlUntil(expireAt) } : {} }]);
}

/** A server-side subscription named at connect; `req` holds the recovery position the client sent in `connect.subs`. */
export async function establishServerSide(client: Connection, channel: string, req: SubscribeRequest | undefined): Promise<Established> {
  const resolved = client.core.rules.resolve(channel);
  return establish(client, channel, resolved, req ?? {}, {}, new Subscription(resolved.ns), true);
}

/** A server-side subscription made at runtime: the client learns it from a `subscribe` push. */
export async function subscribeAtRuntime(client: Connection, channel: string, data: unknown): Promise<void> {
  if (client.state !== 'connected' || client.subs?.has(channel)) return;
  const resolved = client.core.rules.resolve(channel);
  if ((client.subs?.size ?? 0) >= client.core.limits.maxChannelsPerConnection) throw ProtocolError.limitExceeded();
  try {
    const e = await establish(client, channel, resolved, {}, { data }, new Subscription(resolved.ns), true);
    const r = e.result;
    const push: NonNullable<Reply['push']>['subscribe'] = {};
    if (r.recoverable) push.recoverable = true;
    if (r.positioned) push.positioned = true;
    if (r.epoch) push.epoch = r.epoch;
    if (r.offset) push.offset = r.offset;
    if (r.data) push.data = r.data;
    client.writeReplies([{ push: { channel, subscribe: push } }]);
    e.commit();
  } catch (err) {
    if (err instanceof ConnectionGone) return;
    throw err;
  }
}
