/**
 * @module channel-rules
 * Channel names → the namespace options that govern them, with Centrifugo's checks: the namespace is the part
 * before the first `:` (after a leading private `$`); an unknown namespace is 102; an empty name, a name longer
 * than the limit or one not matching the namespace regex is 107. `ns:room#42,43` is a user-limited channel.
 */
import { ProtocolError } from './errors.ts';
import type { NamespaceOptions } from './options.ts';

/** Namespace options with defaults applied and derived flags. */
export interface ResolvedNamespace {
  readonly name: string;
  readonly historySize: number;
  readonly historyTtlSeconds: number;
  /** Whether the channel keeps a history stream (offsets, epoch). */
  readonly history: boolean;
  readonly forceRecovery: boolean;
  readonly allowRecovery: boolean;
  readonly forcePositioning: boolean;
  readonly allowPositioning: boolean;
  readonly presence: boolean;
  readonly joinLeave: boolean;
  readonly forcePushJoinLeave: boolean;
  readonly allowPublishForSubscriber: boolean;
  readonly allowPublishForClient: boolean;
  readonly allowHistoryForSubscriber: boolean;
  readonly allowHistoryForClient: boolean;
  readonly allowPresenceForSubscriber: boolean;
  readonly allowPresenceForClient: boolean;
  readonly allowUserLimitedChannels: boolean;
  readonly channelRegex: RegExp | undefined;
}

export interface ResolvedChannel {
  ns: ResolvedNamespace;
  /** Starts with `$`: needs a subscription token. */
  isPrivate: boolean;
  /** The user ids after `#`, for user-limited channels. */
  allowedUsers: string[] | undefined;
}

export function resolveNamespace(name: string, o: NamespaceOptions = {}): ResolvedNamespace {
  const historySize = o.historySize ?? 0;
  const historyTtlSeconds = o.historyTtlSeconds ?? 0;
  const history = historySize > 0 && historyTtlSeconds > 0;
  return {
    name,
    historySize,
    historyTtlSeconds,
    history,
    forceRecovery: history && (o.forceRecovery ?? false),
    allowRecovery: history && (o.allowRecovery ?? false),
    forcePositioning: history && (o.forcePositioning ?? false),
    allowPositioning: history && (o.allowPositioning ?? false),
    presence: o.presence ?? false,
    joinLeave: o.joinLeave ?? false,
    forcePushJoinLeave: o.forcePushJoinLeave ?? false,
    allowPublishForSubscriber: o.allowPublishForSubscriber ?? false,
    allowPublishForClient: o.allowPublishForClient ?? false,
    allowHistoryForSubscriber: o.allowHistoryForSubscriber ?? true,
    allowHistoryForClient: o.allowHistoryForClient ?? false,
    allowPresenceForSubscriber: o.allowPresenceForSubscriber ?? true,
    allowPresenceForClient: o.allowPresenceForClient ?? false,
    allowUserLimitedChannels: o.allowUserLimitedChannels ?? false,
    channelRegex: o.channelRegex,
  };
}

export class ChannelRules {
  readonly #namespaces = new Map<string, ResolvedNamespace>();
  readonly #withoutNamespace: ResolvedNamespace;
  readonly #rejectUnknown: boolean;
  readonly #maxLength: number;

  constructor(opts: {
    namespaces?: Record<string, NamespaceOptions>;
    withoutNamespace?: NamespaceOptions;
    rejectUnknownNamespaces?: boolean;
    maxChannelLength: number;
  }) {
    for (const [name, o] of Object.entries(opts.namespaces ?? {})) {
      if (!/^[-a-zA-Z0-9_.]{2,}$/.test(name)) throw new Error(`invalid namespace name ${JSON.stringify(name)}`);
      this.#namespaces.set(name, resolveNamespace(name, o));
    }
    this.#withoutNamespace = resolveNamespace('', opts.withoutNamespace);
    this.#rejectUnknown = opts.rejectUnknownNamespaces ?? true;
    this.#maxLength = opts.maxChannelLength;
  }

  /** Resolves a channel or throws ProtocolError 107 (bad name) / 102 (unknown namespace). */
  resolve(channel: string): ResolvedChannel {
    if (channel === '' || Buffer.byteLength(channel) > this.#maxLength) throw ProtocolError.badRequest();
    const isPrivate = channel.startsWith('$');
    const bare = isPrivate ? channel.slice(1) : channel;
    const colon = bare.indexOf(':');
    let ns: ResolvedNamespace;
    let rest = bare;
    if (colon === -1) {
      ns = this.#withoutNamespace;
    } else {
      const name = bare.slice(0, colon);
      rest = bare.slice(colon + 1);
      const found = this.#namespaces.get(name);
      if (!found) {
        if (this.#rejectUnknown) throw ProtocolError.unknownChannel();
        ns = resolveNamespace(name, {});
      } else ns = found;
    }
    if (ns.channelRegex && !ns.channelRegex.test(rest)) throw ProtocolError.badRequest();
    const hash = bare.lastIndexOf('#');
    const allowedUsers = hash === -1 ? undefined : bare.slice(hash + 1).split(',');
    return { ns, isPrivate, allowedUsers };
  }
}
