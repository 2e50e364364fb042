/**
 * @module hub
 * This node's indexes — channel → subscribers (the fan-out list), user → connections, every open socket — and the
 * fan-out itself: the hub is the broker's event handler, as Centrifugo's hub is. It sees a connection only as a
 * `HubMember` (which protocol it speaks, where a frame goes), and each subscriber's `Subscription` decides whether a
 * publication is delivered, skipped or means the client lost its place.
 */
import { jsonCodec, protobufCodec, type ClientInfo, type Reply } from '@cadenza/protocol';
import type { BrokerEventHandler, BrokerPublication } from './broker/broker.ts';
import { toWirePublication } from './publication.ts';
import { SubFlag, Take, type Subscription } from './subscription.ts';
import { SharedFrame } from './transport/ws-frame.ts';

/** A connection as the hub sees it. */
export interface HubMember {
  /** Protobuf (binary frames) or JSON (text frames). */
  readonly binary: boolean;
  /** Queues a push shared with other receivers, in order with everything else queued for the connection. */
  sendShared(frame: SharedFrame): void;
}

export class Hub<M extends HubMember> implements BrokerEventHandler {
  /** channel → member → subscription. Iterated on every publication. */
  readonly #channels = new Map<string, Map<M, Subscription>>();
  /** user id → its connected member, or a Set of them once it has several (most users hold one: no Set each). */
  readonly #users = new Map<string, M | Set<M>>();
  /** Every accepted socket, connected or not (housekeeping walks it). */
  readonly #sockets = new Set<M>();
  /** Open sockets by client address. */
  readonly #perAddress = new Map<string, number>();
  #subscriptions = 0;
  #connected = 0;

  /** `onPositionLost` gets the positioned subscribers of a channel that missed publications (see `Subscription.take`). */
  constructor(readonly onPositionLost: (channel: string, members: M[]) => void) {}

  // ------------------------------------------------------------ fan-out (BrokerEventHandler)

  /**
   * Each publication is encoded once per protocol (`SharedFrame`), and that one encoding goes to every subscriber's
   * queue (no per-subscriber encoding; framing and copying happen once per distinct queue, connection/outgoing.ts).
   */
  onPublication(channel: string, pub: BrokerPublication): void {
    const subs = this.#channels.get(channel);
    if (!subs) return;
    let json: SharedFrame | undefined;
    let proto: SharedFrame | undefined;
    let reply: Reply | undefined;
    let lost: M[] | undefined;
    for (const [member, sub] of subs) {
      const take = sub.take(pub);
      if (take !== Take.deliver) {
        if (take === Take.lost) (lost ??= []).push(member);
        continue;
      }
      if (member.binary) {
        proto ??= new SharedFrame(protobufCodec.encodeReplies([(reply ??= { push: { channel, pub: toWirePublication(pub) } })]), true);
        member.sendShared(proto);
      } else {
        json ??= new SharedFrame(jsonCodec.encodeReplies([(reply ??= { push: { channel, pub: toWirePublication(pub) } })]), false);
        member.sendShared(json);
      }
    }
    if (lost) this.onPositionLost(channel, lost);
  }

  onJoin(channel: string, info: ClientInfo): void {
    this.#pushJoinLeave(channel, { push: { channel, join: { info } } });
  }

  onLeave(channel: string, info: ClientInfo): void {
    this.#pushJoinLeave(channel, { push: { channel, leave: { info } } });
  }

  #pushJoinLeave(channel: string, reply: Reply): void {
    const subs = this.#channels.get(channel);
    if (!subs) return;
    let json: SharedFrame | undefined;
    let proto: SharedFrame | undefined;
    for (const [member, sub] of subs) {
      if (!sub.live || (sub.flags & SubFlag.joinLeave) === 0) continue;
      if (member.binary) member.sendShared((proto ??= new SharedFrame(protobufCodec.encodeReplies([reply]), true)));
      else member.sendShared((json ??= new SharedFrame(jsonCodec.encodeReplies([reply]), false)));
    }
  }

  // ------------------------------------------------------------ channels

  /** Adds a subscriber; true when it is the channel's first on this node. */
  subscribe(channel: string, member: M, sub: Subscription): boolean {
    let subs = this.#channels.get(channel);
    const first = !subs;
    if (!subs) this.#channels.set(channel, (subs = new Map()));
    if (!subs.has(member)) this.#subscriptions++;
    subs.set(member, sub);
    return first;
  }

  /** Removes a subscriber; true when the channel has no subscriber left on this node. */
  unsubscribe(channel: string, member: M): boolean {
    const subs = this.#channels.get(channel);
    if (!subs || !subs.delete(member)) return false;
    this.#subscriptions--;
    if (subs.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }

  hasChannel(channel: string): boolean {
    return this.#channels.has(channel);
  }

  /** A snapshot of the channels with subscribers on this node. */
  channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** The channel's live positioned subscriptions whose stream generation is known (the position check's subjects). */
  positionedSubscribers(channel: string): Array<[M, Subscription]> {
    const out: Array<[M, Subscription]> = [];
    for (const entry of this.#channels.get(channel) ?? []) {
      const sub = entry[1];
      if (sub.live && sub.positioned && sub.epoch !== '') out.push(entry);
    }
    return out;
  }

  // ------------------------------------------------------------ users and sockets

  addUser(userId: string, member: M): void {
    const held = this.#users.get(userId);
    if (held === undefined) this.#users.set(userId, member);
    else if (held instanceof Set) {
      if (held.has(member)) return;
      held.add(member);
    } else {
      if (held === member) return;
      this.#users.set(userId, new Set([held, member]));
    }
    this.#connected++;
  }

  removeUser(userId: string, member: M): void {
    const held = this.#users.get(userId);
    if (held === undefined) return;
    if (held instanceof Set) {
      if (!held.delete(member)) return;
      if (held.size === 0) this.#users.delete(userId);
    } else {
      if (held !== member) return;
      this.#users.delete(userId);
    }
    this.#connected--;
  }

  /** How many of the user's connections are connected here. */
  userConnections(userId: string): number {
    const held = this.#users.get(userId);
    return held === undefined ? 0 : held instanceof Set ? held.size : 1;
  }

  /** A snapshot of the user's connected members. */
  connectionsOf(userId: string): M[] {
    const held = this.#users.get(userId);
    return held === undefined ? [] : held instanceof Set ? [...held] : [held];
  }

  /** Indexes an accepted socket; returns how many sockets its address (when counted) now has open. */
  addSocket(member: M, address: string | undefined): number {
    this.#sockets.add(member);
    if (address === undefined) return 0;
    const n = (this.#perAddress.get(address) ?? 0) + 1;
    this.#perAddress.set(address, n);
    return n;
  }

  /** Forgets a socket (again: no effect). */
  removeSocket(member: M, address: string | undefined): void {
    if (!this.#sockets.delete(member) || address === undefined) return;
    const n = (this.#perAddress.get(address) ?? 1) - 1;
    if (n > 0) this.#perAddress.set(address, n);
    else this.#perAddress.delete(address);
  }

  sockets(): IterableIterator<M> {
    return this.#sockets.values();
  }

  clearSockets(): void {
    this.#sockets.clear();
    this.#perAddress.clear();
  }

  get counts(): { connected: number; sockets: number; subscriptions: number; channels: number; users: number } {
    return { connected: this.#connected, sockets: this.#sockets.size, subscriptions: this.#subscriptions, channels: this.#channels.size, users: this.#users.size };
  }
}
