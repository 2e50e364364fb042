/**
 * @module cluster/remote-domain
 * The trading domain of another Cadenza server — the one holding the domain lease — reached through its Centrifugo
 * proxy endpoints (`/centrifugo/rpc`, `/centrifugo/subscribe`) with the shared proxy secret, marked as forwarded so
 * the receiver answers itself instead of forwarding again. The caller's admin role is read again by the receiver.
 *
 * A holder that cannot be reached (it died a moment ago; the lease moves within seconds) is answered like a
 * fail-over: 10003 with `temporary: true`, which the clients retry. A call the holder may have carried out before
 * dying is safe to retry: submits carry idempotency keys, and the next holder loads what the last one committed.
 */
import { ProtocolError } from '@cadenza/gateway';
import { FORWARDED_HEADER, SECRET_HEADER } from '../http/centrifugo-proxy.ts';
import { domainMethods, domainMoving, type DomainAccess } from './domain-access.ts';

export interface RemoteDomainOptions {
  /** The holder's URL (e.g. `http://10.0.0.5:8000`). */
  url: string;
  secret: string;
  /** Per call: longer than the longest RPC (an order awaiting its close). Default 60 s. */
  timeoutMs?: number;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

type ProxyReply = { result?: { data?: unknown }; error?: { code: number; message: string; temporary?: boolean } };

export function remoteDomain(o: RemoteDomainOptions): DomainAccess {
  const base = o.url.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 60_000;

  async function call(kind: 'rpc' | 'subscribe', body: Record<string, unknown>): Promise<ProxyReply | undefined> {
    let res: Response;
    try {
      res = await fetch(`${base}/centrifugo/${kind}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: o.secret, [FORWARDED_HEADER]: '1' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      o.log.warn({ err, holder: base }, 'the server holding the domain cannot be reached');
      return undefined;
    }
    if (!res.ok) {
      o.log.error({ status: res.status, holder: base }, 'the server holding the domain refused a forwarded call (is CADENZA_PROXY_SECRET the same on every server?)');
      throw new ProtocolError(100, 'internal server error', true);
    }
    return (await res.json()) as ProxyReply;
  }

  return {
    rpc: {
      methods: domainMethods,
      async dispatch(caller, method, params, options) {
        const data = params instanceof Uint8Array ? { b64data: Buffer.from(params).toString('base64') } : { data: params };
        let reply: ProxyReply | undefined;
        try {
          reply = await call('rpc', { user: caller.userId, method, ...data, ...(options?.paramsChecked ? { paramsChecked: true } : {}) });
        } catch (err) {
          if (err instanceof ProtocolError) return { protocolError: { code: err.code, message: err.message } };
          throw err;
        }
        if (!reply) return { result: { error: domainMoving() } };
        if (reply.error) return { protocolError: { code: reply.error.code, message: reply.error.message } };
        return { result: (reply.result?.data ?? {}) as never };
      },
    },
    async grant(caller, channel) {
      const reply = await call('subscribe', { user: caller.userId, channel });
      if (!reply) throw new ProtocolError(100, 'internal server error', true);
      if (reply.error) throw new ProtocolError(reply.error.code, reply.error.message, reply.error.temporary === true);
      return reply.result ?? {};
    },
  };
}
