/**
 * @module @cadenza/contract
 * Wire types of the Cadenza API, generated from the contract (see scripts/gen-contract.ts), plus the
 * channel-name grammar and the payloads the contract leaves open. Imports nothing.
 */
export * from './generated/enums.ts';
export type * from './generated/models.ts';
export * from './generated/rpc-methods.ts';
export { definitions as schemaDefinitions } from './generated/schemas.ts';
export * from './channels.ts';
export type * from './market-events.ts';
/** The models as clients receive them, with the fields the server always sends required (`Received.RpcTradeOrder`…). */
export type * as Received from './generated/received.ts';
export { serverSends } from './generated/server-sends.ts';
/** The REST API's OpenAPI 3.1 document (scripts/gen-openapi.ts). */
export { openApiDocument, type OpenApiDocument, type OpenApiOperation } from './generated/openapi.ts';
/** What this server adds to the contract for orders (hand-written; docs/extensions.md). */
export * from './order-extensions.ts';
