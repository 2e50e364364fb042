// The SDK quick start from packages/client/README.md and docs/sdk.md (type-checked by types.test.ts).
// Run it against a local server (`npm start`): node --import tsx packages/client/examples/quick-start.ts
import { CadenzaClient } from '@cadenza/client';

const client = await CadenzaClient.login({ url: 'http://localhost:8000', email: 'demo@cadenza.dev', password: 'cadenza-demo' });
await client.connect();
const instruments = await client.rpc('query.instrument.list', { venue: 'PAPER' }); // RpcInstrument[]
const book = client.orderBook('PAPER', 'BTC/USDT');
book.onUpdate((b) => console.log(`bid ${b.best.bid?.price}  ask ${b.best.ask?.price}  spread ${b.spread}`));
const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'quick start' } });
const order = await client.submitOrder(account.tradingAccountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, { awaitClosed: true });
console.log(instruments.length, 'instruments;', order.status, order.executedQuantity, '@', order.executedPrice);

book.close();
client.disconnect();
