/**
 * @module @cadenza/client
 * The TypeScript SDK of the Cadenza real-time API: every contract model and enum under its contract name, the
 * typed RPC method map, login helpers, `CadenzaClient` (connection, typed RPCs, order book, streams, account
 * events, order helpers) and typed errors. Runtime validation lives in `@cadenza/client/validation`.
 */
export * from '@cadenza/contract';
export { CadenzaClient, DEFAULT_URL, websocketUrl, jwtSubject, type CadenzaClientOptions, type LoginOptions, type RpcArgs, type RpcData, type RpcSuccess } from './cadenza-client.ts';
export { SessionManager, signInWithPassword, refreshSession, signUp, authBaseUrl, sessionExpiresAt, type AuthSession, type AuthUser, type AuthEndpointOptions, type SessionManagerOptions } from './auth.ts';
export { CadenzaError, CadenzaRpcError, ProtocolError, AuthError, ValidationError, toCadenzaError, rpcErrorCodes, protocolErrorCodes, type RpcErrorName } from './errors.ts';
export { ChannelStream } from './channel-stream.ts';
export { AccountStream, type AccountEventMap } from './account-stream.ts';
export { OrderBookView, type OrderBookOptions, type OrderBookEvent } from './order-book.ts';
export { OrderBookState, type BookLevel, type BookAction } from './order-book-state.ts';
export { OrderHelpers, OrderTimeoutError, TERMINAL_ORDER_STATUSES, isOrderClosed, type OrderDraft, type SubmitOptions } from './order-helpers.ts';
export { compareDecimal, subtractDecimal, midDecimal, isDecimalString, addDecimal, multiplyDecimal, roundDecimalToStep, truncateDecimal } from './decimal-string.ts';
export type { RpcValidator } from './validation.ts';
export type { Centrifuge, Subscription } from 'centrifuge';
