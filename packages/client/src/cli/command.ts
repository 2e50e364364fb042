/**
 * @module command
 * The shape of one CLI command: its name (one or two words), usage, options for `node:util` parseArgs, and run.
 */
import type { ParseArgsConfig } from 'node:util';
import { UsageError, type CliContext } from './context.ts';

/** parseArgs option definitions of one command. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

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
  /** Arguments after the name, e.g. `VENUE SYMBOL [--depth N] [--once]`. */
  usage: string;
  options?: OptionSpec;
  run(ctx: CliContext, args: ParsedArgs): Promise<void>;
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
