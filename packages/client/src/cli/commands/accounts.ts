/**
 * @module commands/accounts
 * `accounts` (list), `accounts create`, `accounts use`, `portfolio`, `subscriptions`.
 */
import { SubscriptionTypeValues, type RpcTradingAccount, type SubscriptionType } from '@cadenza/contract';
import type { CadenzaClient } from '../../cadenza-client.ts';
import { UsageError, type CliContext } from '../context.ts';
import { str, type Command } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';
import { venueArg } from './market.ts';

/**
 * The trading account a command acts on: `--account`, else CADENZA_ACCOUNT, else the default set with
 * `accounts use`, else the user's only ACTIVE account (on `venue` when given).
 */
export async function resolveAccount(ctx: CliContext, client: CadenzaClient, explicit: string | undefined, venue?: string): Promise<string> {
  const chosen = explicit ?? ctx.env.CADENZA_ACCOUNT ?? ctx.stored().defaultAccountId;
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
  usage: '[--venue VENUE]',
  options: { venue: { type: 'string' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const list = (await client.rpc('query.trading_account.list', venue ? { venue: venueArg(venue) } : {}));
    const def = ctx.stored().defaultAccountId;
    ctx.out.result(list, () => renderTable(list, accountColumns) + (def ? `\n\ndefault: ${def}` : ''));
  },
};

export const accountsCreate: Command = {
  name: 'accounts create',
  summary: 'Create a trading account (PAPER accounts come funded)',
  usage: '[--venue PAPER] [--nickname NAME] [--use]',
  options: { venue: { type: 'string' }, nickname: { type: 'string' }, use: { type: 'boolean' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = venueArg(str(args, 'venue') ?? 'PAPER');
    const nickname = str(args, 'nickname');
    ctx.out.progress(`Creating a ${venue} account …`);
    const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue, ...(nickname ? { nickname } : {}) } });
    if (args.values.use === true && account?.tradingAccountId) ctx.store.save({ ...ctx.stored(), defaultAccountId: account.tradingAccountId });
    ctx.out.result(account, () => renderTable(account ? [account] : [], accountColumns));
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
  usage: '[--account ID]',
  options: { account: { type: 'string', short: 'a' } },
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
  usage: '[--venue VENUE]',
  options: { venue: { type: 'string' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const list = (await client.rpc('query.subscription.list', venue ? { venue: venueArg(venue) } : {}));
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
  usage: 'INSTRUMENT_ID [--type MARKET.SUBSCRIPTION.ORDERBOOK] [--interval 1m]',
  options: { type: { type: 'string' }, interval: { type: 'string' } },
  async run(ctx, args) {
    const instrument = args.positionals[0];
    if (!instrument?.includes(':')) throw new UsageError('expected an instrument id like PAPER:BTC/USDT');
    const venue = venueArg(instrument.split(':')[0]);
    const type = (str(args, 'type') ?? 'MARKET.SUBSCRIPTION.ORDERBOOK').toUpperCase();
    if (!(SubscriptionTypeValues as readonly string[]).includes(type)) throw new UsageError(`unknown subscription type ${type}; one of: ${SubscriptionTypeValues.join(', ')}`);
    const interval = str(args, 'interval');
    const client = await ctx.connect();
    const list =
      (await client.rpc('command.subscription.create', {
        venue,
        instruments: [instrument.toUpperCase()],
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
