/**
 * @module request-log
 * One `debug` line per HTTP request and per RPC call (`CADENZA_LOG_LEVEL=debug`), for an operator following what
 * clients do. HTTP: method, path, status, duration — never the query string (recovery links carry tokens there),
 * headers or bodies. RPC (WebSocket and REST alike): method, user, duration, outcome and the refusal's code — never
 * the params. Nothing is built when debug is off.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { boundedText } from '@cadenza/domain';
import type { RpcDispatcher } from './rpc/rpc-dispatcher.ts';

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

export function httpRequestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    if (!log.isLevelEnabled('debug')) return next();
    const t0 = performance.now();
    await next();
    log.debug({ method: c.req.method, path: boundedText(c.req.path, 200), status: c.res.status, ms: ms(t0) }, 'http request');
  };
}

/** The dispatcher, answering exactly as before, with a debug line per call. */
export function loggedDispatcher(inner: RpcDispatcher, log: Logger): RpcDispatcher {
  return {
    methods: inner.methods,
    async dispatch(caller, method, params, options) {
      if (!log.isLevelEnabled('debug')) return inner.dispatch(caller, method, params, options);
      const t0 = performance.now();
      const line = { method: boundedText(method), user: caller.userId };
      try {
        const out = await inner.dispatch(caller, method, params, options);
        if ('protocolError' in out) log.debug({ ...line, ms: ms(t0), outcome: 'protocol_error', code: out.protocolError.code }, 'rpc');
        else if (out.result.error) log.debug({ ...line, ms: ms(t0), outcome: 'refused', code: out.result.error.code }, 'rpc');
        else log.debug({ ...line, ms: ms(t0), outcome: 'ok' }, 'rpc');
        return out;
      } catch (err) {
        log.debug({ ...line, ms: ms(t0), outcome: 'exception' }, 'rpc');
        throw err;
      }
    },
  };
}
