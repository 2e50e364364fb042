/**
 * @module auth-logger
 * The logging the auth service needs: a pino-compatible subset, passed in. Never given tokens or passwords.
 */
export interface AuthLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Discards everything (the default when no logger is given). */
export const silentLogger: AuthLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
