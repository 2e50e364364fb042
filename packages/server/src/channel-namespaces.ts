/**
 * @module channel-namespaces
 * The gateway's channel namespaces, the same on every real-time node of one deployment (the Redis broker applies
 * history size and TTL on the publishing node, so nodes that disagree would disagree about recovery).
 */
import type { NamespaceOptions } from '@cadenza/gateway';

export const channelNamespaces: Record<string, NamespaceOptions> = {
  market: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true, forcePositioning: false },
  tradingAccount: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
  user: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
};
