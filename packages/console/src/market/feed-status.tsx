/**
 * Whether what the market panels show is live. "Stale" from the moment the connection drops (the numbers on
 * screen are the last ones received), "Resyncing" while the book repairs a gap, "Live" once it holds a fresh
 * snapshot again.
 */
import type { ConnectionState } from '../connection.ts';

export type FeedStatus = 'live' | 'resyncing' | 'stale';

export function feedStatus(connection: ConnectionState, synced: boolean): FeedStatus {
  if (connection !== 'connected') return 'stale';
  return synced ? 'live' : 'resyncing';
}

const LABEL: Record<FeedStatus, string> = { live: 'Live', resyncing: 'Resyncing…', stale: 'Stale — reconnecting…' };

export function FeedBadge({ status }: { status: FeedStatus }) {
  return (
    <span class={`feed-badge ${status}`} role="status" aria-label={`Market data: ${LABEL[status]}`} data-status={status}>
      <span class="dot" aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
