/**
 * @module http/api-v3/operations/otc-operations
 * The OTC desk (docs/otc.md): `/quote/rfq`, `/fermata/dealer/*`, `/fermata/wallet/*`. The RPC methods take the REST
 * request models as their params and answer the REST models (`Quote`, `FermataDealer`, `FermataWallet`), so most
 * entries pass both ways as they are; lists turn `cursor` into an offset; link, unlink and transfer answer the
 * standalone `{errno, error, data}` wrapper with the linked account id or the transfer id. A QUOTED order is
 * `/tradeOrder/submit` with the `quoteId` (order-operations.ts).
 */
import { compact, pagination, type RestOperation } from '../rest-operation.ts';

export const otcOperations: RestOperation[] = [
  { operationId: 'quoteRfq', rpc: 'command.quote.rfq' },
  { operationId: 'fermataCreateDealer', rpc: 'command.fermata.dealer.create' },
  { operationId: 'fermataGetDealer', rpc: 'query.fermata.dealer.get' },
  { operationId: 'fermataListDealers', rpc: 'query.fermata.dealer.list', request: (q) => compact({ status: q.status, ...pagination(q) }) },
  { operationId: 'fermataPauseDealer', rpc: 'command.fermata.dealer.pause' },
  { operationId: 'fermataResumeDealer', rpc: 'command.fermata.dealer.resume' },
  { operationId: 'fermataArchiveDealer', rpc: 'command.fermata.dealer.archive' },
  { operationId: 'fermataLinkDealer', rpc: 'command.fermata.dealer.link' },
  { operationId: 'fermataUnlinkDealer', rpc: 'command.fermata.dealer.unlink' },
  { operationId: 'fermataCreateWallet', rpc: 'command.fermata.wallet.create' },
  { operationId: 'fermataGetWallet', rpc: 'query.fermata.wallet.get' },
  { operationId: 'fermataListWallets', rpc: 'query.fermata.wallet.list', request: (q) => compact({ walletType: q.walletType, ...pagination(q) }) },
  { operationId: 'fermataTransferWallet', rpc: 'command.fermata.wallet.transfer' },
  { operationId: 'fermataFreezeWallet', rpc: 'command.fermata.wallet.freeze' },
  { operationId: 'fermataUnfreezeWallet', rpc: 'command.fermata.wallet.unfreeze' },
  { operationId: 'fermataCloseWallet', rpc: 'command.fermata.wallet.close' },
];
