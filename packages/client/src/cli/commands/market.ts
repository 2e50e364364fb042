/**
 * @module commands/market
 * `venues`, `instruments`, `book VENUE SYMBOL` (live ladder), `trades VENUE SYMBOL`.
 */
import { VenueValues, type RpcInstrument, type Venue } from '@cadenza/contract';
import { UsageError, type CliContext } from '../context.ts';
import { flag, int, str, type Command } from '../command.ts';
import { renderTable } from '../table.ts';
import { renderLadder } from '../ladder.ts';

/** Parses a venue argument (case-insensitive) or throws a UsageError listing the venues. */
export function venueArg(v: string | undefined): Venue {
  const up = v?.toUpperCase();
  if (!up || !(VenueValues as readonly string[]).includes(up)) throw new UsageError(`unknown venue ${JSON.stringify(v ?? '')}; one of: ${VenueValues.join(', ')}`);
  return up as Venue;
}

/** Parses a BASE/QUOTE symbol (case-insensitive) or throws a UsageError. */
export function symbolArg(s: string | undefined): string {
  const up = s?.toUpperCase();
  if (!up || !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(up)) throw new UsageError(`expected a symbol like BTC/USDT, got ${JSON.stringify(s ?? '')}`);
  return up;
}

export const venues: Command = {
  name: 'venues',
  summary: 'List the venues this server runs',
  usage: '',
  async run(ctx) {
    const client = await ctx.connect();
    const list = (await client.rpc('query.venue.list'));
    ctx.out.result(list, () => list.join('\n') || '(none)');
  },
};

export const instruments: Command = {
  name: 'instruments',
  summary: 'List instruments (optionally of one venue)',
  usage: '[--venue VENUE] [--symbol SYMBOL ...] [--limit N]',
  options: { venue: { type: 'string' }, symbol: { type: 'string', multiple: true }, limit: { type: 'string' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const venue = str(args, 'venue');
    const symbols = (args.values.symbol as string[] | undefined)?.map(symbolArg);
    const list: RpcInstrument[] =
      (await client.rpc('query.instrument.list', {
        ...(venue ? { venue: venueArg(venue) } : {}),
        ...(symbols?.length ? { symbols } : {}),
        limit: int(args, 'limit', 500),
      }));
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
  usage: 'VENUE SYMBOL [--depth N] [--once]',
  options: { depth: { type: 'string' }, once: { type: 'boolean' } },
  async run(ctx, args) {
    const venue = venueArg(args.positionals[0]);
    const symbol = symbolArg(args.positionals[1]);
    const depth = int(args, 'depth', 10);
    const once = flag(args, 'once') || ctx.out.json;
    const client = await ctx.connect();
    const view = client.orderBook(venue, symbol);
    ctx.onClose(() => view.close());
    ctx.out.progress(`Subscribing to ${view.stream.channel} …`);
    await view.ready;
    const snapshot = () => ({
      instrumentId: view.instrumentId,
      timestamp: view.timestamp,
      synced: view.synced,
      bids: view.bids.slice(0, depth),
      asks: view.asks.slice(0, depth),
      spread: view.spread,
      mid: view.mid,
    });
    const ladder = (color: boolean) => renderLadder({ ...snapshot(), gaps: view.gaps, resyncs: view.resyncs }, { depth, color });
    if (once) {
      ctx.out.result(snapshot(), () => ladder(false).join('\n'));
      return;
    }
    await liveLadder(ctx, (color) => ladder(color), (redraw) => view.onUpdate(redraw), interrupted());
  },
};

/** Resolves on Ctrl-C or SIGTERM. */
function interrupted(): Promise<void> {
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
  summary: 'Stream public trades; --count N exits after N trades',
  usage: 'VENUE SYMBOL [--count N]',
  options: { count: { type: 'string' } },
  async run(ctx, args) {
    const venue = venueArg(args.positionals[0]);
    const symbol = symbolArg(args.positionals[1]);
    const count = str(args, 'count') === undefined ? Infinity : int(args, 'count', 1);
    const client = await ctx.connect();
    const stream = client.trades(venue, symbol);
    ctx.onClose(() => stream.close());
    ctx.out.progress(`Subscribing to ${stream.channel} … (Ctrl-C to stop)`);
    await stream.ready;
    let seen = 0;
    await new Promise<void>((resolve) => {
      stream.on((t) => {
        seen += 1;
        ctx.out.event(t, () => `${new Date(t.timestamp).toISOString()}  ${t.side.padEnd(4)}  ${t.quantity.padStart(12)} @ ${t.price}`);
        if (seen >= count) resolve();
      });
      process.once('SIGINT', () => resolve());
    });
  },
};
