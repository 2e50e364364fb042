/**
 * @module commands/accounts
 * `accounts` (list), `accounts create`, `accounts use`, `portfolio`, `subscriptions`.
 */
import { SubscriptionTypeValues, type Received, type RpcTradingAccount, type SubscriptionType } from '@cadenza/contract';
import type { CadenzaClient } from '../../cadenza-client.ts';
import { UsageError, type CliContext } from '../context.ts';
import { flag, int, str, type Command, type OptionDoc } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';
import { interrupted, venueArg } from './market.ts';
import { instrumentArg } from '../instrument-args.ts';

/** `--account ID`, shared by the commands that act on one trading account. */
export const accountOption: OptionDoc = {
  type: 'string',
  short: 'a',
  value: 'ID',
  description: 'trading account (default: CADENZA_ACCOUNT, else `cadenza accounts use`, else your only active one)',
};

/**
 * The trading account a command acts on: `--account`, else CADENZA_ACCOUNT, else the default set with
 * `accounts use`, else the user's only ACTIVE account (on `venue` when given).
 */
export async function resolveAccount(ctx: CliContext, client: CadenzaClient, explicit: string | undefined, venue?: string): Promise<string> {
  const chosen = explicit || ctx.env.CADENZA_ACCOUNT || ctx.stored().defaultAccountId;
  if (chosen) return chosen;
  const list = (await client.rpc('query.trading_account.list', { status: 'ACTIVE' })).filter((a) => !venue || a.venue === venue);
  if (list.length === 1 && list[0]!.tradingAccountId) return list[0]!.tradingAccountId;
  const where = venue ? ` on ${venue}` : '';
  if (list.length === 0) throw new UsageError(`you have no active trading account${where}: create one with \`cadenza accounts create --venue ${venue ?? 'PAPER'}\``);
  throw new UsageError(`you have ${list.length} active accounts${where}: pick one with --account ID or \`cadenza accounts use ID\``);
}

const accountColumns = [
  { header: 'ACCOUNT', value: (a: RpcTradingAccount) => a.tradingAccountId },
  { header: 'VENUE', value: (a: RpcTradingAccount) => a.venue },
  { header: 'NICKNAME', value: (a: RpcTradingAccount) => a.nickname },
  { header: 'STATUS', value: (a: RpcTradingAccount) => a.status },
  { header: 'TYPE', value: (a: RpcTradingAccount) => a.accountType },
  { header: 'CREATED', value: (a: RpcTradingAccount) => a.createdAt },
];

export const accounts: Command = {
  name: 'accounts',
  summary: 'List your trading accounts',
  usage: '',
  options: { venue: { type: 'string', value: 'VENUE', description: 'only accounts on this venue' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const list = await client.rpc('query.trading_account.list', venue ? { venue: await venueArg(client, venue) } : {});
    const def = ctx.stored().defaultAccountId;
    ctx.out.result(list, () => renderTable(list, accountColumns) + (def ? `\n\ndefault: ${def}` : ''));
  },
};

export const accountsCreate: Command = {
  name: 'accounts create',
  summary: 'Create a trading account (PAPER accounts come funded)',
  usage: '',
  options: {
    venue: { type: 'string', value: 'VENUE', description: 'the venue (default PAPER, funded with test money)' },
    nickname: { type: 'string', value: 'NAME', description: 'a name to recognise it by' },
    use: { type: 'boolean', description: 'make it the default account of later commands' },
  },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = await venueArg(client, str(args, 'venue') ?? 'PAPER');
    const nickname = str(args, 'nickname');
    ctx.out.progress(`Creating a ${venue} account …`);
    const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue, ...(nickname ? { nickname } : {}) } });
    if (flag(args, 'use')) ctx.store.save({ ...ctx.stored(), defaultAccountId: account.tradingAccountId });
    ctx.out.result(account, () => renderTable([account], accountColumns));
  },
};

export const accountsUse: Command = {
  name: 'accounts use',
  summary: 'Make an account the default for order and portfolio commands',
  usage: 'ACCOUNT_ID',
  async run(ctx, args) {
    const id = args.positionals[0];
    if (!id) throw new UsageError('which account? `cadenza accounts use ACCOUNT_ID`');
    ctx.store.save({ ...ctx.stored(), defaultAccountId: id });
    ctx.out.result({ defaultAccountId: id }, () => `Default account: ${id}`);
  },
};

export const portfolio: Command = {
  name: 'portfolio',
  summary: 'Balances and positions of a trading account',
  usage: '',
  options: { account: accountOption },
  async run(ctx, args) {
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'));
    const p = await client.rpc('query.portfolio.get', { tradingAccountId });
    ctx.out.result(p, () => {
      const balances = renderTable(p.balances, [
        { header: 'ASSET', value: (b) => b.securitySymbol },
        { header: 'FREE', value: (b) => b.free },
        { header: 'LOCKED', value: (b) => b.locked },
        { header: 'TOTAL', value: (b) => b.total },
      ]);
      const parts = [`Account ${tradingAccountId}`, '', balances];
      if (p.positions.length) {
        parts.push(
          '',
          renderTable(p.positions, [
            { header: 'INSTRUMENT', value: (x) => x.instrumentId },
            { header: 'SIDE', value: (x) => x.positionSide },
            { header: 'QTY', value: (x) => x.quantity },
            { header: 'ENTRY', value: (x) => x.entryPrice },
            { header: 'UNREALIZED', value: (x) => x.unrealizedPnl },
          ]),
        );
      }
      if (p.summary) parts.push('', renderRecord([['currency', p.summary.currency], ['equity', p.summary.equity]]));
      return parts.join('\n');
    });
  },
};

export const subscriptions: Command = {
  name: 'subscriptions',
  summary: 'Your server-side market-data subscriptions',
  usage: '',
  options: { venue: { type: 'string', value: 'VENUE', description: 'only subscriptions on this venue' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const list = await client.rpc('query.subscription.list', venue ? { venue: await venueArg(client, venue) } : {});
    ctx.out.result(list, () =>
      renderTable(list, [
        { header: 'SUBSCRIPTION', value: (s) => s.subscriptionId },
        { header: 'TYPE', value: (s) => s.subscriptionType },
        { header: 'INSTRUMENT', value: (s) => s.instrumentId },
        { header: 'STATUS', value: (s) => s.status },
        { header: 'CREATED', value: (s) => s.createdAt },
      ]),
    );
  },
};

export const subscriptionsCreate: Command = {
  name: 'subscriptions create',
  summary: 'Ask the server to stream a venue feed',
  usage: 'INSTRUMENT_ID',
  options: {
    type: { type: 'string', value: 'TYPE', description: 'MARKET.SUBSCRIPTION.ORDERBOOK (default), …TRADE, …TICKER, …KLINE' },
    interval: { type: 'string', value: 'INTERVAL', description: 'kline interval, e.g. 1m' },
  },
  async run(ctx, args) {
    const instrument = instrumentArg(args.positionals[0]);
    const client = await ctx.connect();
    const venue = await venueArg(client, instrument.venue);
    const type = (str(args, 'type') ?? 'MARKET.SUBSCRIPTION.ORDERBOOK').toUpperCase();
    if (!(SubscriptionTypeValues as readonly string[]).includes(type)) throw new UsageError(`unknown subscription type ${type}; one of: ${SubscriptionTypeValues.join(', ')}`);
    const interval = str(args, 'interval');
    const list =
      (await client.rpc('command.subscription.create', {
        venue,
        instruments: [instrument.instrumentId],
        subscriptionType: type as SubscriptionType,
        ...(interval ? { interval: interval as never } : {}),
      }));
    ctx.out.result(list, () => renderTable(list, [
      { header: 'SUBSCRIPTION', value: (s) => s.subscriptionId },
      { header: 'TYPE', value: (s) => s.subscriptionType },
      { header: 'INSTRUMENT', value: (s) => s.instrumentId },
      { header: 'STATUS', value: (s) => s.status },
    ]));
  },
};

const when = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** One line of `cadenza watch` for an order update. */
export function orderLine(o: Received.RpcTradeOrder, at: number): string {
  const price = o.limitPrice ? ` @ ${o.limitPrice}` : '';
  const filled = o.executedQuantity !== '0' ? `  filled ${o.executedQuantity}${o.executedPrice ? ` @ ${o.executedPrice}` : ''}` : '';
  return `${when(at)}  ORDER      ${o.status.padEnd(16)} ${o.orderSide} ${o.quantity} ${o.instrumentId} ${o.orderType}${price}${filled}  ${o.tradeOrderId}`;
}

/** One line of `cadenza watch` for a portfolio change: the balances it carries. */
export function portfolioLine(p: Received.RpcPortfolio, at: number): string {
  const balances = p.balances.map((b) => `${b.securitySymbol} ${b.total}${b.locked !== '0' ? ` (${b.locked} locked)` : ''}`).join(', ');
  return `${when(at)}  PORTFOLIO  ${p.updateMode.padEnd(16)} ${balances || '(no balance changed)'}`;
}

export const watch: Command = {
  name: 'watch',
  summary: 'Stream order updates and portfolio changes of an account live (Ctrl-C to stop)',
  usage: '',
  options: {
    account: accountOption,
    count: { type: 'string', value: 'N', description: 'exit after N events' },
  },
  details: ['One line per event; with --json one {type, data, timestamp} object per line.', 'example: cadenza watch   (then, in another terminal: cadenza order submit BUY 0.01 PAPER:BTC/USDT)'],
  async run(ctx, args) {
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'));
    const count = str(args, 'count') === undefined ? Infinity : int(args, 'count', 1);
    const stream = client.account(tradingAccountId);
    ctx.onClose(() => stream.close());
    await stream.ready;
    ctx.out.progress(`Watching account ${tradingAccountId} … (Ctrl-C to stop)`);
    let seen = 0;
    await new Promise<void>((resolve) => {
      const shown = () => {
        seen += 1;
        if (seen >= count) resolve();
      };
      stream.on((event) => {
        if (event.type === 'event.trade_order.updated') ctx.out.event(event, () => orderLine(event.data as Received.RpcTradeOrder, event.timestamp));
        else if (event.type === 'event.portfolio.updated') ctx.out.event(event, () => portfolioLine(event.data as Received.RpcPortfolio, event.timestamp));
        else ctx.out.event(event, () => `${when(event.timestamp)}  ${event.type}`);
        shown();
      });
      void interrupted().then(resolve);
    });
  },
};
