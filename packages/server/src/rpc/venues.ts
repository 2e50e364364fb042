/**
 * @module rpc/venues
 * query.venue.list: the `Venue` values configured on this server.
 */
import { user, type RpcHandlers } from './rpc-handler.ts';

export const venueHandlers: RpcHandlers = {
  'query.venue.list': user((_c, _p, z) => ({ data: z.venues.ids() })),
};
