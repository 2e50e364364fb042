/**
 * @module command
 * The shape of one CLI command: its name (one or two words), what it does, its positional arguments and its
 * documented options (which also drive `node:util` parseArgs), and run. `--help` is rendered from these.
 */
import type { ParseArgsConfig } from 'node:util';
import { UsageError, type CliContext } from './context.ts';

/** One option: what parseArgs needs, plus what `--help` shows. */
export interface OptionDoc {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help, e.g. `PRICE`. */
  value?: string;
  description: string;
}

/** Options of a command by long name. */
export type OptionSpec = Record<string, OptionDoc>;

/** What parseArgs returns for a command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** One CLI command. */
export interface Command {
  /** e.g. `instruments` or `order submit`. */
  name: string;
  summary: string;
  /** Positional arguments after the name, e.g. `VENUE SYMBOL`; '' when there are none. */
  usage: string;
  options?: OptionSpec;
  /** Extra help lines (details, examples). */
  details?: string[];
  run(ctx: CliContext, args: ParsedArgs): Promise<void>;
}

/** The parseArgs config of a command's options. */
export function parseArgsOptions(spec: OptionSpec = {}): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
}

/** `--price PRICE` or `-a, --account ID`. */
export function optionLabel(name: string, o: OptionDoc): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

/** A string option, if given. */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean option. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A positive integer option, or the default. */
export function int(args: ParsedArgs, name: string, fallback: number): number {
  const v = str(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} expects a positive integer, got ${JSON.stringify(v)}`);
  return n;
}
