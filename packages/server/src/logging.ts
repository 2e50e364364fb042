/**
 * @module logging
 * The process's logger and what it says about itself. Logs go to stdout: human-readable lines (pino-pretty) when
 * stdout is a terminal, one JSON object a line otherwise (`CADENZA_LOG_FORMAT` overrides). The start-up banner is
 * for a person: on a terminal it is printed between the log lines; otherwise it goes to stderr, and the JSON stream
 * gets one `info` record with the same facts, so stdout stays pure JSON for a log collector.
 *
 * Secrets never reach a log: the redaction paths below cover the fields that carry them, and nothing logs request
 * bodies or query strings.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config-vars.ts';

/** Fields that may carry a secret wherever they appear (one level deep, and at the top). */
const REDACT = ['token', 'password', 'secret', 'secretKey', 'apiKey', 'accessToken', 'refreshToken', 'secretPassphrase', 'authorization', 'cookie'].flatMap((k) => [k, `*.${k}`]);

export interface LoggerSettings {
  level: LogLevel;
  format: LogFormat;
  /** Whether the destination is a terminal (default: stdout's). */
  isTerminal?: boolean;
  /** Where lines go (default stdout); tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

/** `auto` resolved: pretty on a terminal, JSON elsewhere. */
export function resolvedFormat(format: LogFormat, isTerminal = Boolean(process.stdout.isTTY)): 'pretty' | 'json' {
  return format === 'auto' ? (isTerminal ? 'pretty' : 'json') : format;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = { level: settings.level, redact: { paths: REDACT, censor: '[redacted]' } };
  const isTerminal = settings.isTerminal ?? Boolean(process.stdout.isTTY);
  if (resolvedFormat(settings.format, isTerminal) === 'json') {
    return settings.destination ? pino(options, settings.destination) : pino(options);
  }
  const stream = pretty({
    colorize: isTerminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
    ...(settings.destination ? { destination: settings.destination } : {}),
  });
  return pino(options, stream);
}

/**
 * Says something to the person running the server: on a terminal, plain lines on stdout among the pretty logs;
 * otherwise the lines on stderr and `record` as one info log line (the JSON stream stays machine-readable).
 */
export function announce(log: Logger, lines: string[], record: { msg: string; [k: string]: unknown }, format: 'pretty' | 'json'): void {
  const text = lines.join('\n') + '\n';
  if (format === 'pretty') {
    process.stdout.write(text);
    return;
  }
  process.stderr.write(text);
  const { msg, ...fields } = record;
  log.info(fields, msg);
}
