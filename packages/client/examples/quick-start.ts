// The SDK quick start (README.md, docs/sdk.md and packages/client/README.md show this file). Plain JavaScript too.
// Run it against a server (`npm start`): CADENZA_URL=http://localhost:8000 node --import tsx packages/client/examples/quick-start.ts
import { CadenzaClient } from '@cadenza/client';

const url = process.env.CADENZA_URL ?? 'http://localhost:8000';
const client = await CadenzaClient.login({ url, email: 'demo@cadenza.dev', password: 'cadenza-demo' });
await client.connect();
const instruments = await client.rpc('query.instrument.list', { venue: 'PAPER' }); // typed: RpcInstrument[]
const book = client.orderBook('PAPER', 'BTC/USDT'); // a local book: gap detection + resync
await book.ready;
console.log(`BTC/USDT bid ${book.best.bid?.price}  ask ${book.best.ask?.price}  spread ${book.spread}`);
// A funded PAPER account: the one an earlier run created, else a new one.
const accounts = await client.rpc('query.trading_account.list', { venue: 'PAPER' });
const account = accounts.find((a) => a.nickname === 'quick start')
  ?? (await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'quick start' } }));
const order = await client.submitOrder(account.tradingAccountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, { awaitClosed: true });
console.log(`${instruments.length} instruments; order ${order.status} ${order.executedQuantity} @ ${order.executedPrice}`);
const portfolio = await client.rpc('query.portfolio.get', { tradingAccountId: account.tradingAccountId });
console.log(portfolio.balances.map((b) => `${b.securitySymbol} ${b.total}`).join(', '));
await client.close();
