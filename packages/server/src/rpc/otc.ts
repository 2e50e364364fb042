/**
 * @module rpc/otc
 * The OTC desk (docs/otc.md): `command.quote.rfq` and the `*.fermata.*` methods. The contract lists them without a
 * schema; this server takes the REST request models as their params and answers the REST response models as their
 * `data` (packages/contract/fixtures/server-decisions.json), and adds the methods behind the REST-only dealer and
 * wallet operations (`command.fermata.dealer.create`, `query.fermata.dealer.get`, …). Dealer methods and wallet
 * freeze/unfreeze are the administrators'. A QUOTED order is `command.trade_order.submit` (rpc/trade-orders.ts).
 */
import { pageOf, paginationOf, toFermataDealer, toFermataWallet } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

/** REST-style paging params (`limit`, `offset`, `cursor`) → the page. */
const pageFrom = (p: { limit?: number; offset?: number; cursor?: string }) => pageOf({ ...(p.limit !== undefined ? { limit: p.limit } : {}), ...(p.offset !== undefined ? { offset: p.offset } : {}), ...(p.cursor !== undefined ? { cursor: p.cursor } : {}) });

export const otcHandlers: RpcHandlers = {
  'command.quote.rfq': user(async (c, p, z) => ({ data: await z.otc.quotes.rfqQuote(c, p) })),

  'command.fermata.dealer.create': admin((c, p, z) => ({ data: toFermataDealer(z.otc.dealers.create(c, p)) })),
  'query.fermata.dealer.get': admin((_c, p, z) => ({ data: toFermataDealer(z.otc.dealers.get(p.dealerAccountId)) })),
  'query.fermata.dealer.list': admin((_c, p, z) => {
    const page = pageFrom(p);
    const r = z.otc.dealers.list(p.status ? { status: p.status } : {}, page);
    return { data: r.items.map(toFermataDealer), pagination: paginationOf(page, r) };
  }),
  'command.fermata.dealer.pause': admin((_c, p, z) => ({ data: toFermataDealer(z.otc.dealers.pause(p.dealerAccountId)) })),
  'command.fermata.dealer.resume': admin((_c, p, z) => ({ data: toFermataDealer(z.otc.dealers.resume(p.dealerAccountId)) })),
  'command.fermata.dealer.archive': admin((_c, p, z) => ({ data: toFermataDealer(z.otc.dealers.archive(p.dealerAccountId)) })),
  'command.fermata.dealer.link': admin((_c, p, z) => ({ data: z.otc.dealers.link(p.dealerAccountId, p.tradingAccountId) })),
  'command.fermata.dealer.unlink': admin((_c, p, z) => ({ data: z.otc.dealers.unlink(p.dealerAccountId, p.tradingAccountId) })),

  'command.fermata.wallet.create': user((c, p, z) => ({ data: toFermataWallet(z.otc.wallets.create(c, p.nickname === undefined ? {} : { nickname: p.nickname })) })),
  'query.fermata.wallet.get': user((c, p, z) => ({ data: toFermataWallet(z.otc.wallets.get(c, p.walletId)) })),
  'query.fermata.wallet.list': user((c, p, z) => {
    const page = pageFrom(p);
    const r = z.otc.wallets.list(c, p.walletType ? { walletType: p.walletType } : {}, page);
    return { data: r.items.map(toFermataWallet), pagination: paginationOf(page, r) };
  }),
  'command.fermata.wallet.transfer': user((c, p, z) => ({ data: z.otc.wallets.transfer(c, p) })),
  'command.fermata.wallet.freeze': admin((c, p, z) => ({ data: toFermataWallet(z.otc.wallets.freeze(c, p.walletId)) })),
  'command.fermata.wallet.unfreeze': admin((c, p, z) => ({ data: toFermataWallet(z.otc.wallets.unfreeze(c, p.walletId)) })),
  'command.fermata.wallet.close': user((c, p, z) => ({ data: toFermataWallet(z.otc.wallets.close(c, p.walletId)) })),
};
