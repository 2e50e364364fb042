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
import { Disconnect, ProtocolError } from '../errors.ts';
import { toWirePublication } from '../publication.ts';
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

const nowSeconds = (client: Connection): number => Math.floor(client.host.now() / 1000);

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
  const host = client.host;
  const ns = resolved.ns;
  const recoverable = ns.forceRecovery || (!serverSide && ns.allowRecovery && req.recoverable === true);
  const positioned = recoverable || ns.forcePositioning || (!serverSide && ns.allowPositioning && req.positioned === true);
  if (serverSide) sub.flags |= SubFlag.serverSide;
  if (recoverable) sub.flags |= SubFlag.recoverable;
  if (positioned) sub.flags |= SubFlag.positioned;
  if (ns.forcePushJoinLeave || (ns.joinLeave && req.join_leave === true)) sub.flags |= SubFlag.joinLeave;
  if (grant.info !== undefined) sub.chanInfo = RawJson.of(grant.info);
  client.subscriptions.add(channel, sub);
  if (grant.expireAt && grant.expireAt > 0) client.subscriptions.setExpiry(channel, grant.expireAt);
  try {
    const adding = host.addSubscriber(channel, client, sub);
    if (adding) {
      await adding;
      checkOpen(client);
    }
    const result: SubscribeResult = {};
    let upTo: number | undefined;
    if (positioned) {
      const max = host.settings.limits.recoveryMaxPublications;
      if (recoverable && req.recover) {
        const requested = { offset: req.offset ?? 0, epoch: req.epoch ?? '' };
        const h = await host.broker.history(channel, { since: requested, limit: max + 1 });
        const o = recoverStream({ requested, publications: h.publications, top: h.position, maxPublications: max });
        if (!o.recovered && ((req.flag ?? 0) & 2) !== 0) throw ProtocolError.unrecoverablePosition();
        if (o.recovered) result.recovered = true;
        if (o.publications.length > 0) result.publications = o.publications.map(toWirePublication);
        if (o.offset > 0) result.offset = o.offset;
        result.epoch = o.epoch;
        upTo = o.upTo;
      } else {
        const h = await host.broker.history(channel, { limit: 0 });
        if (h.position.offset > 0) result.offset = h.position.offset;
        result.epoch = h.position.epoch;
        upTo = h.position.offset;
      }
      checkOpen(client);
      result.positioned = true;
      if (recoverable) result.recoverable = true;
    }
    if (req.recover) result.was_recovering = true;
    const expireAt = client.subscriptions.expiryOf(channel);
    if (expireAt > 0) {
      result.expires = true;
      result.ttl = client.ttlUntil(expireAt);
    }
    if (grant.data !== undefined) result.data = RawJson.of(grant.data);
    if (ns.presence) await host.presence.add(channel, client.clientId, client.clientInfo(sub));
    checkOpen(client);
    return new EstablishedSubscription(client, channel, result, sub, upTo);
  } catch (err) {
    await endSubscription(client, channel, undefined, sub);
    throw err;
  }
}

/** A subscription answered but not live yet (an object, not a closure: one is made for every subscribe). */
class EstablishedSubscription implements Established {
  constructor(
    readonly client: Connection,
    readonly channel: string,
    readonly result: SubscribeResult,
    readonly sub: Subscription,
    readonly upTo: number | undefined,
  ) {}

  commit(): void {
    commit(this.client, this.channel, this.sub, this.upTo, this.result.epoch);
  }
}

/** Delivers what arrived while subscribing, then makes the subscription live and announces the join. */
function commit(client: Connection, channel: string, sub: Subscription, upTo: number | undefined, epoch: string | undefined): void {
  // The position the client now holds: the stream top it was answered, then what the buffer adds.
  const buffered = sub.goLive(upTo, epoch);
  if (client.state === 'closed' || client.subscriptions.get(channel) !== sub) return;
  const host = client.host;
  if (buffered.length > 0) {
    const merged = upTo === undefined ? { deliver: buffered, gap: false } : mergeBuffered(upTo, buffered);
    if (merged.deliver.length > 0) {
      client.send(merged.deliver.map((p): Reply => ({ push: { channel, pub: toWirePublication(p) } })));
      sub.advancedTo(merged.deliver[merged.deliver.length - 1]!.offset);
    }
    if (merged.gap) {
      client.close(Disconnect.insufficientState());
      return;
    }
  }
  if (sub.ns.joinLeave || sub.ns.forcePushJoinLeave) {
    host.broker.publishJoin(channel, client.clientInfo(sub)).catch((err: unknown) => host.log.warn({ err, channel }, 'join failed'));
  }
}

async function authorize(client: Connection, req: SubscribeRequest, resolved: ResolvedChannel): Promise<Grant> {
  const handlers = client.host.handlers;
  if (resolved.isPrivate && !req.token) throw ProtocolError.permissionDenied();
  if (!req.token && resolved.allowedUsers && resolved.ns.allowUserLimitedChannels) {
    if (client.identity.userId !== '' && resolved.allowedUsers.includes(client.identity.userId)) return {};
    throw ProtocolError.permissionDenied();
  }
  if (!handlers.onSubscribe) throw ProtocolError.permissionDenied();
  const r = await handlers.onSubscribe({ client, channel: req.channel, token: req.token || undefined, data: req.data });
  if (r.expireAt && r.expireAt > 0 && r.expireAt <= nowSeconds(client)) throw ProtocolError.tokenExpired();
  return r;
}

export async function handleSubscribe(client: Connection, id: number, req: SubscribeRequest): Promise<void> {
  const host = client.host;
  const channel = req.channel;
  if (channel === '') throw Disconnect.badRequest();
  const resolved = host.rules.resolve(channel);
  if (client.subscriptions.has(channel)) throw ProtocolError.alreadySubscribed();
  if (client.subscriptions.size >= host.settings.limits.maxChannelsPerConnection) throw ProtocolError.limitExceeded();
  // Taken at once, so a second subscribe to the channel while this one is authorised is refused as a duplicate.
  const sub = new Subscription(resolved.ns);
  client.subscriptions.add(channel, sub);
  let grant: Grant;
  try {
    grant = await authorize(client, req, resolved);
    checkOpen(client);
  } catch (err) {
    client.subscriptions.delete(channel, sub);
    if (err instanceof ConnectionGone) return;
    throw err;
  }
  try {
    const e = await establish(client, channel, resolved, req, grant, sub, false);
    client.send([{ id, subscribe: e.result }]);
    e.commit();
  } catch (err) {
    if (err instanceof ConnectionGone) return;
    throw err;
  }
}

export async function handleUnsubscribe(client: Connection, id: number, req: ChannelRequest): Promise<void> {
  if (req.channel === '') throw Disconnect.badRequest();
  await endSubscription(client, req.channel);
  client.send([{ id, unsubscribe: {} }]);
}

export async function handleSubRefresh(client: Connection, id: number, req: SubRefreshRequest): Promise<void> {
  const handlers = client.host.handlers;
  if (req.channel === '' || req.token === '') throw ProtocolError.badRequest();
  const sub = client.subscriptions.get(req.channel);
  if (!sub || !sub.live) throw ProtocolError.permissionDenied();
  let expireAt: number;
  if (handlers.onSubRefresh) {
    expireAt = (await handlers.onSubRefresh({ client, channel: req.channel, token: req.token })).expireAt ?? 0;
  } else if (handlers.onSubscribe) {
    expireAt = (await handlers.onSubscribe({ client, channel: req.channel, token: req.token })).expireAt ?? 0;
  } else throw ProtocolError.permissionDenied();
  const now = nowSeconds(client);
  if (expireAt > 0 && expireAt <= now) throw ProtocolError.tokenExpired();
  if (client.subscriptions.get(req.channel) !== sub) throw ProtocolError.permissionDenied();
  client.subscriptions.setExpiry(req.channel, expireAt);
  client.send([{ id, sub_refresh: expireAt > 0 ? { expires: true, ttl: client.ttlUntil(expireAt) } : {} }]);
}

/** A server-side subscription named at connect; `req` holds the recovery position the client sent in `connect.subs`. */
export async function establishServerSide(client: Connection, channel: string, req: SubscribeRequest | undefined): Promise<Established> {
  const resolved = client.host.rules.resolve(channel);
  return establish(client, channel, resolved, req ?? {}, {}, new Subscription(resolved.ns), true);
}

/** A server-side subscription made at runtime: the client learns it from a `subscribe` push. */
export async function subscribeAtRuntime(client: Connection, channel: string, data: unknown): Promise<void> {
  if (client.state !== 'connected' || client.subscriptions.has(channel)) return;
  const resolved = client.host.rules.resolve(channel);
  if (client.subscriptions.size >= client.host.settings.limits.maxChannelsPerConnection) throw ProtocolError.limitExceeded();
  try {
    const e = await establish(client, channel, resolved, {}, { data }, new Subscription(resolved.ns), true);
    const r = e.result;
    const push: NonNullable<Reply['push']>['subscribe'] = {};
    if (r.recoverable) push.recoverable = true;
    if (r.positioned) push.positioned = true;
    if (r.epoch) push.epoch = r.epoch;
    if (r.offset) push.offset = r.offset;
    if (r.data) push.data = r.data;
    client.send([{ push: { channel, subscribe: push } }]);
    e.commit();
  } catch (err) {
    if (err instanceof ConnectionGone) return;
    throw err;
  }
}

/**
 * Ends a subscription: out of the connection's set, out of the fan-out list (and the broker's, when it was the
 * channel's last here), out of presence, and a leave announced if it was live. With `push`, the client is told
 * (unsubscribe push). With `only`, nothing happens unless the channel's subscription is that one. Safe to call for a
 * channel the connection is not (or no longer) subscribed to.
 */
export async function endSubscription(client: Connection, channel: string, push?: { code: number; reason: string }, only?: Subscription): Promise<void> {
  const sub = client.subscriptions.delete(channel, only);
  if (!sub) return;
  if (push) client.send([{ push: { channel, unsubscribe: push } }]);
  const host = client.host;
  const live = sub.live;
  try {
    await host.removeSubscriber(channel, client);
    if (sub.ns.presence) await host.presence.remove(channel, client.clientId);
    if (live && (sub.ns.joinLeave || sub.ns.forcePushJoinLeave)) await host.broker.publishLeave(channel, client.clientInfo(sub));
  } catch (err) {
    host.log.warn({ err, channel }, 'unsubscribe cleanup failed');
  }
}

/** Ends every subscription of a closed connection. */
export async function endAllSubscriptions(client: Connection): Promise<void> {
  for (const channel of client.subscriptions.channels()) await endSubscription(client, channel);
}
