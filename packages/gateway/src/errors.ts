/**
 * @module errors
 * The two ways a handler (or the gateway itself) refuses something, with Centrifugo's exact codes:
 * - `ProtocolError`: an error reply to one command; the connection stays open.
 * - `Disconnect`: the connection is closed with a `disconnect` push and the same WebSocket close code.
 * Codes and messages come from the catalogues in @cadenza/protocol; applications use 400–1999 for their own errors
 * and 4000–4499 (reconnect) / 4500–4999 (terminal) for their own disconnects.
 */
import { DisconnectCodes, ErrorCodes, disconnectReconnects, type DisconnectName, type ErrorName } from '@cadenza/protocol';

/**
 * An error reply (`Reply.error`). `temporary` makes the official clients retry. A refusal is an answer, not a fault:
 * it carries no stack trace (capturing one cost more than answering; a fuzzed client is refused 100,000 times).
 */
export class ProtocolError extends Error {
  declare readonly code: number;
  declare readonly temporary: boolean;
  constructor(code: number, message: string, temporary = false) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.temporary = temporary;
  }
  static of(name: ErrorName): ProtocolError {
    const e = ErrorCodes[name];
    return new ProtocolError(e.code, e.message, e.temporary);
  }
  static internal = () => ProtocolError.of('internal');
  static unauthorized = () => ProtocolError.of('unauthorized');
  static unknownChannel = () => ProtocolError.of('unknownChannel');
  static permissionDenied = () => ProtocolError.of('permissionDenied');
  static methodNotFound = () => ProtocolError.of('methodNotFound');
  static alreadySubscribed = () => ProtocolError.of('alreadySubscribed');
  static limitExceeded = () => ProtocolError.of('limitExceeded');
  static badRequest = () => ProtocolError.of('badRequest');
  static notAvailable = () => ProtocolError.of('notAvailable');
  static tokenExpired = () => ProtocolError.of('tokenExpired');
  static expired = () => ProtocolError.of('expired');
  static tooManyRequests = () => ProtocolError.of('tooManyRequests');
  static unrecoverablePosition = () => ProtocolError.of('unrecoverablePosition');

  toBody(): { code: number; message: string; temporary?: boolean } {
    return this.temporary ? { code: this.code, message: this.message, temporary: true } : { code: this.code, message: this.message };
  }
}

Object.defineProperty(ProtocolError.prototype, 'name', { value: 'ProtocolError' });

/** A connection close: `code` is sent in the disconnect push and as the WebSocket close code; `reason` is plain text. */
export class Disconnect extends Error {
  override readonly name = 'Disconnect';
  readonly reason: string;
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`disconnect ${code}: ${reason}`);
    // A WebSocket close frame holds at most 123 bytes of reason.
    this.reason = Buffer.byteLength(reason) > 123 ? Buffer.from(reason).subarray(0, 123).toString('utf8').replace(/\uFFFD+$/, '') : reason;
  }
  /** Whether the official clients reconnect after it (3000–3499, 4000–4499, ≥ 5000). */
  get reconnect(): boolean {
    return disconnectReconnects(this.code);
  }
  static of(name: DisconnectName): Disconnect {
    const d = DisconnectCodes[name];
    return new Disconnect(d.code, d.reason);
  }
  static connectionClosed = () => Disconnect.of('connectionClosed');
  static shutdown = () => Disconnect.of('shutdown');
  static serverError = () => Disconnect.of('serverError');
  static expired = () => Disconnect.of('expired');
  static subExpired = () => Disconnect.of('subExpired');
  static slow = () => Disconnect.of('slow');
  static writeError = () => Disconnect.of('writeError');
  static insufficientState = () => Disconnect.of('insufficientState');
  static forceReconnect = () => Disconnect.of('forceReconnect');
  static noPong = () => Disconnect.of('noPong');
  static tooManyRequests = () => Disconnect.of('tooManyRequests');
  static stateInvalidated = () => Disconnect.of('stateInvalidated');
  static invalidToken = () => Disconnect.of('invalidToken');
  static badRequest = () => Disconnect.of('badRequest');
  static stale = () => Disconnect.of('stale');
  static forceNoReconnect = () => Disconnect.of('forceNoReconnect');
  static connectionLimit = () => Disconnect.of('connectionLimit');
  static channelLimit = () => Disconnect.of('channelLimit');
  static permissionDenied = () => Disconnect.of('permissionDenied');
  static notAvailable = () => Disconnect.of('notAvailable');
  static tooManyErrors = () => Disconnect.of('tooManyErrors');
}
