/**
 * @module @cadenza/server
 * The composition root, as a library: `startServer()` builds and runs everything (used by `npm start`, the
 * end-to-end tests and the benchmarks).
 */
export { startServer, VERSION, type StartOptions, type RunningServer } from './server.ts';
export { configFromEnv, DEMO_USER, type ServerConfig } from './config.ts';
