/**
 * @module codes
 * Centrifugo's numeric catalogues, exactly as the official clients expect them: reply error codes (100–113),
 * disconnect codes (3000–3999; below 3500 the client reconnects, from 3500 it stops) and unsubscribe codes
 * (below 2500 terminal for the subscription, from 2500 the client resubscribes).
 * Applications use 400–1999 for their own errors and 4000–4999 for their own disconnects.
 */

/** Reply error catalogue: code → message and whether the client should retry. */
export const ErrorCodes = {
  internal: { code: 100, message: 'internal server error', temporary: true },
  unauthorized: { code: 101, message: 'unauthorized', temporary: false },
  unknownChannel: { code: 102, message: 'unknown channel', temporary: false },
  permissionDenied: { code: 103, message: 'permission denied', temporary: false },
  methodNotFound: { code: 104, message: 'method not found', temporary: false },
  alreadySubscribed: { code: 105, message: 'already subscribed', temporary: false },
  limitExceeded: { code: 106, message: 'limit exceeded', temporary: false },
  badRequest: { code: 107, message: 'bad request', temporary: false },
  notAvailable: { code: 108, message: 'not available', temporary: false },
  tokenExpired: { code: 109, message: 'token expired', temporary: false },
  expired: { code: 110, message: 'expired', temporary: false },
  tooManyRequests: { code: 111, message: 'too many requests', temporary: true },
  unrecoverablePosition: { code: 112, message: 'unrecoverable position', temporary: false },
  concurrentPagination: { code: 113, message: 'concurrent pagination', temporary: true },
} as const;
export type ErrorName = keyof typeof ErrorCodes;

/**
 * Disconnect catalogue: the code is both the `disconnect` push code and the WebSocket close code, the reason is the
 * close reason (plain text, never JSON, under 123 bytes). `reconnect` is what the official clients do with it.
 */
export const DisconnectCodes = {
  connectionClosed: { code: 3000, reason: 'connection closed', reconnect: true },
  shutdown: { code: 3001, reason: 'shutdown', reconnect: true },
  serverError: { code: 3004, reason: 'internal server error', reconnect: true },
  expired: { code: 3005, reason: 'connection expired', reconnect: true },
  subExpired: { code: 3006, reason: 'subscription expired', reconnect: true },
  slow: { code: 3008, reason: 'slow', reconnect: true },
  writeError: { code: 3009, reason: 'write error', reconnect: true },
  insufficientState: { code: 3010, reason: 'insufficient state', reconnect: true },
  forceReconnect: { code: 3011, reason: 'force reconnect', reconnect: true },
  noPong: { code: 3012, reason: 'no pong', reconnect: true },
  tooManyRequests: { code: 3013, reason: 'too many requests', reconnect: true },
  stateInvalidated: { code: 3014, reason: 'state invalidated', reconnect: true },
  invalidToken: { code: 3500, reason: 'invalid token', reconnect: false },
  badRequest: { code: 3501, reason: 'bad request', reconnect: false },
  stale: { code: 3502, reason: 'stale', reconnect: false },
  forceNoReconnect: { code: 3503, reason: 'force disconnect', reconnect: false },
  connectionLimit: { code: 3504, reason: 'connection limit', reconnect: false },
  channelLimit: { code: 3505, reason: 'channel limit', reconnect: false },
  inappropriateProtocol: { code: 3506, reason: 'inappropriate protocol', reconnect: false },
  permissionDenied: { code: 3507, reason: 'permission denied', reconnect: false },
  notAvailable: { code: 3508, reason: 'not available', reconnect: false },
  tooManyErrors: { code: 3509, reason: 'too many errors', reconnect: false },
} as const;
export type DisconnectName = keyof typeof DisconnectCodes;

/** Whether the official clients reconnect after this disconnect code (Centrifugo's ranges). */
export function disconnectReconnects(code: number): boolean {
  return !((code >= 3500 && code < 4000) || (code >= 4500 && code < 5000));
}

/** Unsubscribe push codes. */
export const UnsubscribeCodes = {
  server: { code: 2000, reason: 'server unsubscribe' },
  insufficientState: { code: 2500, reason: 'insufficient state' },
  expired: { code: 2501, reason: 'subscription expired' },
  stateInvalidated: { code: 2502, reason: 'state invalidated' },
} as const;
