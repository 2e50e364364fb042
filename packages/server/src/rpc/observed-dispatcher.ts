/**
 * @module rpc/observed-dispatcher
 * A dispatcher that reports each call's method, outcome and duration (for `/metrics`) and otherwise answers exactly
 * as the one it wraps — both transports (WebSocket and REST) go through it.
 */
import type { RpcDispatcher } from './rpc-dispatcher.ts';

export type RpcOutcomeLabel = 'ok' | 'refused' | 'protocol_error' | 'exception';

export function observedDispatcher(inner: RpcDispatcher, observe: (method: string, outcome: RpcOutcomeLabel, seconds: number) => void): RpcDispatcher {
  return {
    methods: inner.methods,
    async dispatch(caller, method, params, options) {
      const t0 = performance.now();
      try {
        const out = await inner.dispatch(caller, method, params, options);
        observe(method, 'protocolError' in out ? 'protocol_error' : out.result.error ? 'refused' : 'ok', (performance.now() - t0) / 1000);
        return out;
      } catch (err) {
        observe(method, 'exception', (performance.now() - t0) / 1000);
        throw err;
      }
    },
  };
}
