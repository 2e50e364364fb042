/**
 * @module commands/market
 * `venues`, `instruments`, `book VENUE SYMBOL` (live ladder), `trades VENUE SYMBOL`.
 */
import type { RpcInstrument, Venue } from '@cadenza/contract';
import type { CadenzaClient } from '../../cadenza-client.ts';
import { ProtocolError } from '../../errors.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { flag, int, str, type Command } from '../command.ts';
import { renderTable } from '../table.ts';
import { ladderDepthFor, renderLadder } from '../ladder.ts';
import { symbolArg } from '../instrument-args.ts';

/** The venues the server runs (`query.venue.list`), fetched once per command run. */
const serverVenues = new WeakMap<CadenzaClient, Promise<readonly string[]>>();
function venuesOf(client: CadenzaClient): Promise<readonly string[]> {
  let found = serverVenues.get(client);
  if (!found) serverVenues.set(client, (found = client.rpc('query.venue.list')));
  return found;
}

/** A venue argument (case-insensitive) checked against the venues the server runs. */
export async function venueArg(client: CadenzaClient, v: string | undefined): Promise<Venue> {
  const up = v?.toUpperCase() ?? '';
  const venues = await venuesOf(client);
  if (!venues.includes(up)) throw new UsageError(`unknown venue ${JSON.stringify(v ?? '')}; this server runs ${venues.join(', ')}`);
  return up as Venue;
}

/** A channel the server does not know (102) names an instrument it does not list: say so in those words. */
export function unknownInstrument(err: unknown, venue: string, symbol: string): never {
  if (err instanceof ProtocolError && err.code === 102) {
    throw new CliError(`unknown instrument ${venue}:${symbol}: ${venue} lists no ${symbol}; see \`cadenza instruments --venue ${venue}\``, 4);
  }
  throw err;
}

export const venues: Command = {
  name: 'venues',
  summary: 'List the venues this server runs',
  usage: '',
  async run(ctx) {
    const list = await venuesOf(await ctx.connect());
    ctx.out.result(list, () => list.join('\n') || '(none)');
  },
};

export const instruments: Command = {
  name: 'instruments',
  summary: 'List instruments (optionally of one venue)',
  usage: '',
  options: {
    venue: { type: 'string', value: 'VENUE', description: 'only this venue (see `cadenza venues`)' },
    symbol: { type: 'string', multiple: true, value: 'SYMBOL', description: 'only this symbol, e.g. BTC/USDT or BTC-PERP (repeatable)' },
    limit: { type: 'string', value: 'N', description: 'at most N instruments (default 500)' },
  },
  details: ['example: cadenza instruments --venue PAPER'],
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const symbols = (args.values.symbol as string[] | undefined)?.map(symbolArg);
    const list: RpcInstrument[] = await client.rpc('query.instrument.list', {
      ...(venue ? { venue: await venueArg(client, venue) } : {}),
      ...(symbols?.length ? { symbols } : {}),
      limit: int(args, 'limit', 500),
    });
    ctx.out.result(list, () =>
      renderTable(list, [
        { header: 'INSTRUMENT', value: (i) => i.instrumentId },
        { header: 'TYPE', value: (i) => i.instrumentType },
        { header: 'STATUS', value: (i) => i.status },
        { header: 'LOT', value: (i) => i.lotSize },
        { header: 'TICK', value: (i) => i.pipSize },
        { header: 'MIN QTY', value: (i) => i.minQuantity },
        { header: 'MIN NOTIONAL', value: (i) => i.minNotional },
        { header: 'FEE', value: (i) => i.fee },
      ]),
    );
  },
};

export const book: Command = {
  name: 'book',
  summary: 'Live order-book ladder (Ctrl-C to quit); --once prints one snapshot',
  usage: 'VENUE SYMBOL',
  options: {
    depth: { type: 'string', value: 'N', description: 'levels per side (default: as many as fit the terminal, at most 20)' },
    once: { type: 'boolean', description: 'print one snapshot and exit (also with --json)' },
  },
  details: [
    'Asks above (marked ASK), bids below (marked BID), best prices next to the spread line; sizes as bars.',
    'example: cadenza book PAPER BTC/USDT',
  ],
  async run(ctx, args) {
    const symbol = symbolArg(args.positionals[1]);
    const once = flag(args, 'once') || ctx.out.json;
    const asked = str(args, 'depth') === undefined ? undefined : int(args, 'depth', 10);
    const client = await ctx.connect();
    const venue = await venueArg(client, args.positionals[0]);
    const view = client.orderBook(venue, symbol);
    ctx.onClose(() => view.close());
    ctx.out.progress(`Subscribing to ${view.stream.channel} …`);
    await view.ready.catch((err: unknown) => unknownInstrument(err, venue, symbol));
    const depthNow = () => ladderDepthFor(asked, once ? undefined : ctx.streams.stdout.rows);
    const snapshot = (depth: number) => ({
      instrumentId: view.instrumentId,
      timestamp: view.timestamp,
      synced: view.synced,
      bids: view.bids.slice(0, depth),
      asks: view.asks.slice(0, depth),
      spread: view.spread,
      mid: view.mid,
    });
    const ladder = (color: boolean) => {
      const depth = depthNow();
      return renderLadder({ ...snapshot(depth), gaps: view.gaps, resyncs: view.resyncs }, { depth, color, ...(ctx.streams.stdout.columns ? { width: ctx.streams.stdout.columns } : {}) });
    };
    if (once) {
      ctx.out.result(snapshot(depthNow()), () => ladder(false).join('\n'));
      return;
    }
    await liveLadder(ctx, (color) => ladder(color), (redraw) => view.onUpdate(redraw), interrupted());
  },
};

/** Resolves on Ctrl-C or SIGTERM. */
export function interrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * Draws the ladder and redraws it on every update until `until` settles. On a terminal each frame overwrites the
 * previous one in place (cursor up, clear line) with the cursor hidden; otherwise frames are appended.
 */
export async function liveLadder(ctx: CliContext, lines: (color: boolean) => string[], subscribe: (redraw: () => void) => () => void, until: Promise<void>): Promise<void> {
  const tty = ctx.streams.stdout.isTTY === true;
  const write = (s: string) => ctx.out.raw(s);
  let drawn = 0;
  const redraw = () => {
    const text = lines(tty);
    if (tty) {
      // Move to the top of the previous frame, then clear each line while writing the new one.
      write((drawn ? `\x1b[${drawn}F` : '') + text.map((l) => `\x1b[2K${l}`).join('\n') + '\n\x1b[J');
    } else {
      write(`${text.join('\n')}\n\n`);
    }
    drawn = text.length;
  };
  if (tty) write('\x1b[?25l');
  redraw();
  const stop = subscribe(redraw);
  try {
    await until;
  } finally {
    stop();
    if (tty) write('\x1b[?25h');
  }
}

export const trades: Command = {
  name: 'trades',
  summary: 'Stream public trades (Ctrl-C to stop)',
  usage: 'VENUE SYMBOL',
  options: { count: { type: 'string', value: 'N', description: 'exit after N trades' } },
  details: ['One line per trade (one JSON object per line with --json). example: cadenza trades PAPER BTC/USDT --count 5'],
  async run(ctx, args) {
    const symbol = symbolArg(args.positionals[1]);
    const count = str(args, 'count') === undefined ? Infinity : int(args, 'count', 1);
    const client = await ctx.connect();
    const venue = await venueArg(client, args.positionals[0]);
    const stream = client.trades(venue, symbol);
    ctx.onClose(() => stream.close());
    ctx.out.progress(`Subscribing to ${stream.channel} … (Ctrl-C to stop)`);
    await stream.ready.catch((err: unknown) => unknownInstrument(err, venue, symbol));
    let seen = 0;
    await new Promise<void>((resolve) => {
      stream.on((t) => {
        seen += 1;
        ctx.out.event(t, () => `${new Date(t.timestamp).toISOString()}  ${t.side.padEnd(4)}  ${t.quantity.padStart(12)} @ ${t.price}`);
        if (seen >= count) resolve();
      });
      void interrupted().then(resolve);
    });
  },
};
