/**
 * @module rpc/venues
 * query.venue.list: the `Venue` values configured on this server.
 */
import type { Venue } from '@cadenza/contract';
import { user, type RpcHandlers } from './rpc-handler.ts';

export const venueHandlers: RpcHandlers = {
  // The server registers venues only under the contract's Venue values (config.ts, venues.ts).
  'query.venue.list': user((_c, _p, z) => ({ data: z.venues.ids() as Venue[] })),
};
