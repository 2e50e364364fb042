/**
 * @module http/api-v3/operations/otc-operations
 * The OTC desk (RFQ quotes, Fermata dealers and wallets): contract operations this server does not serve yet —
 * they answer 501 NOT_IMPLEMENTED after the bearer check. Serving one is filling in its `rpc` and mappers here,
 * like any other entry of the table.
 */
import type { RestOperation } from '../rest-operation.ts';

export const otcOperations: RestOperation[] = [
  'quoteRfq',
  'fermataCreateDealer',
  'fermataGetDealer',
  'fermataListDealers',
  'fermataPauseDealer',
  'fermataResumeDealer',
  'fermataArchiveDealer',
  'fermataLinkDealer',
  'fermataUnlinkDealer',
  'fermataCreateWallet',
  'fermataGetWallet',
  'fermataListWallets',
  'fermataTransferWallet',
  'fermataFreezeWallet',
  'fermataUnfreezeWallet',
  'fermataCloseWallet',
].map((operationId) => ({ operationId, rpc: null }));
