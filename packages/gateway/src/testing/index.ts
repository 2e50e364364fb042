/**
 * @module @cadenza/gateway/testing
 * Shared port suites for Broker and PresenceManager implementations (uses node:test; import from tests only).
 */
export { runBrokerContract, type BrokerFactory } from './broker-contract.ts';
export { runPresenceContract } from './presence-contract.ts';
