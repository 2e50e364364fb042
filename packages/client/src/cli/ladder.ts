/**
 * @module ladder
 * The order-book ladder drawn by `cadenza book`: asks above (best ask nearest the middle), a spread line, bids
 * below, each level with its side (ASK / BID: colour only repeats it), price, size and a bar proportional to the size.
 * Pure: returns lines; the command draws them. A frame is 2 × depth + 3 lines; `ladderDepthFor` picks a depth whose
 * frame fits the terminal.
 */
import type { BookLevel } from '../order-book-state.ts';

/** What the ladder shows (an `OrderBookView` satisfies most of it). */
export interface LadderInput {
  instrumentId: string;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  spread: string | undefined;
  mid: string | undefined;
  timestamp: number;
  synced: boolean;
  gaps: number;
  resyncs: number;
}

/** Levels per side, bar width and ANSI colours. */
export interface LadderOptions {
  depth: number;
  /** Width of the size bars in characters (default 30, less when `width` is tight). */
  barWidth?: number;
  /** Terminal columns: lines never exceed them. */
  width?: number;
  color?: boolean;
}

/** Lines of a frame besides the levels: header, column titles, spread line. */
const FRAME_LINES = 3;

/**
 * Levels per side: the asked depth (default 20), no more than a terminal of `rows` lines shows with the cursor line
 * below the frame, and at least 1.
 */
export function ladderDepthFor(asked: number | undefined, rows: number | undefined): number {
  const want = asked ?? 20;
  if (!rows) return asked ?? 10;
  return Math.max(1, Math.min(want, Math.floor((rows - 1 - FRAME_LINES) / 2)));
}

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** The ladder as lines: header, column titles, asks (best last), spread line, bids (best first). */
export function renderLadder(book: LadderInput, opts: LadderOptions): string[] {
  const asks = book.asks.slice(0, opts.depth).reverse();
  const bids = book.bids.slice(0, opts.depth);
  const all = [...asks, ...bids];
  const priceW = Math.max(5, ...all.map((l) => l.price.length));
  const sizeW = Math.max(4, ...all.map((l) => l.quantity.length));
  const fixed = 3 + 2 + priceW + 2 + sizeW + 2; // side, price, size and their gaps
  const barWidth = Math.max(0, Math.min(opts.barWidth ?? 30, (opts.width ?? Infinity) - fixed));
  // Bar lengths are cosmetic, so a float is fine here (never used for amounts).
  const maxQty = Math.max(0, ...all.map((l) => Number(l.quantity)));
  const paint = (s: string, code: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const row = (l: BookLevel, side: 'ask' | 'bid') => {
    const n = maxQty > 0 ? Math.max(1, Math.round((Number(l.quantity) / maxQty) * barWidth)) : 0;
    const bar = (side === 'ask' ? '▒' : '█').repeat(n);
    const code = side === 'ask' ? RED : GREEN;
    return `${paint(side === 'ask' ? 'ASK' : 'BID', code)}  ${paint(l.price.padStart(priceW), code)}  ${l.quantity.padStart(sizeW)}  ${paint(bar, code)}`.trimEnd();
  };
  const time = book.timestamp ? new Date(book.timestamp).toISOString() : '-';
  const status = book.synced ? 'in sync' : 'resyncing';
  const lines = [
    `${book.instrumentId}  ${time}  ${status}${book.gaps ? `  gaps ${book.gaps}, resyncs ${book.resyncs}` : ''}`,
    `     ${'PRICE'.padStart(priceW)}  ${'SIZE'.padStart(sizeW)}`,
    ...asks.map((l) => row(l, 'ask')),
    paint(`---  ${'-'.repeat(priceW)}  spread ${book.spread ?? '-'}  mid ${book.mid ?? '-'}`, DIM),
    ...bids.map((l) => row(l, 'bid')),
  ];
  return opts.width ? lines.map((l) => (opts.color ? l : l.slice(0, opts.width))) : lines;
}
