/**
 * Compile-time contract of the SDK's typing, checked by `tsc -p packages/client/tsconfig.types.json`
 * (run from types.test.ts). Every `@ts-expect-error` line must fail to type-check; if typing regresses so that
 * one of them compiles, tsc reports "Unused '@ts-expect-error' directive" and the test fails.
 */
import { CadenzaClient, CadenzaRpcError, OrderType, Venue, type RpcInstrument, type RpcListInstrumentsParams, type RpcTradeOrder, type Venue as VenueT } from '../src/index.ts';

declare const client: CadenzaClient;

export async function typedCalls(): Promise<void> {
  // Params and results are typed from the method name.
  const instruments: RpcInstrument[] | undefined = await client.rpc('query.instrument.list', { venue: 'PAPER', limit: 10 });
  const params: RpcListInstrumentsParams = { venue: Venue.PAPER };
  await client.rpc('query.instrument.list', params);
  const venues: VenueT[] | undefined = await client.rpc('query.venue.list');
  const page = await client.rpcResult('query.trade_order.list', { tradingAccountId: 'a' });
  const total: number | undefined = page.pagination?.total;
  const order: RpcTradeOrder | undefined = await client.rpc('command.trade_order.submit', {
    tradingAccountId: 'a',
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: OrderType.LIMIT, quantity: '0.01', limitPrice: '100' },
  });
  // `data` is never undefined for methods that have it; methods without data resolve to undefined.
  const all: RpcInstrument[] = await client.rpc('query.instrument.list', {});
  const nothing: undefined = await client.rpc('command.security.delete', { securityIds: [] });
  void instruments, venues, total, order, all, nothing;

  // @ts-expect-error a venue must be a Venue value
  await client.rpc('query.instrument.list', { venue: 'NASDAQ' });
  // @ts-expect-error limit is an integer, not a string
  await client.rpc('query.instrument.list', { limit: '10' });
  // @ts-expect-error unknown parameter names are caught
  await client.rpc('query.instrument.list', { venu: 'PAPER' });
  // @ts-expect-error required params cannot be left out
  await client.rpc('query.portfolio.get');
  // @ts-expect-error tradingAccountId is required
  await client.rpc('query.portfolio.get', {});
  // @ts-expect-error orderSide must be BUY | SELL | UNKNOWN
  await client.rpc('command.trade_order.submit', { tradingAccountId: 'a', tradeOrder: { orderSide: 'LONG' } });
  // @ts-expect-error unknown methods are not callable through rpc()
  await client.rpc('query.nope.list', {});
  // @ts-expect-error the result is typed: instruments are not orders
  const wrong: RpcTradeOrder[] | undefined = await client.rpc('query.instrument.list', {});
  void wrong;

  // Order helpers and streams are typed too.
  const submitted = await client.submitOrder('acct', { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantity: '1' });
  const status: RpcTradeOrder['status'] = submitted.status;
  void status;
  // @ts-expect-error a draft needs an order type
  await client.submitOrder('acct', { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL' });
  client.orderBook('PAPER', 'BTC/USDT').onUpdate((b) => void b.best.bid?.price);
  // @ts-expect-error venue is the Venue enum
  client.orderBook('NYSE', 'BTC/USDT');
  client.trades('PAPER', 'BTC/USDT').on((t) => void t.price.toUpperCase());
  client.klines('PAPER', 'BTC/USDT', '1m');
  // @ts-expect-error kline intervals are KlineInterval values
  client.klines('PAPER', 'BTC/USDT', '7m');
  client.account('acct').onOrderUpdate((o) => void o.executedQuantity);

  try {
    await client.rpc('query.system.info');
  } catch (e) {
    if (e instanceof CadenzaRpcError) {
      const code: number = e.code;
      void code;
    }
  }
}
