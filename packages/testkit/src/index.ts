/**
 * @module @cadenza/testkit
 * Shared port contract suites, fakes and builders for tests. A devDependency only; never imported by src.
 */
export * from './contracts/store.contract.ts';
