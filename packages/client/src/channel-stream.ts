/**
 * @module channel-stream
 * Typed views over centrifuge channel subscriptions. Several streams on one channel share one centrifuge
 * `Subscription` (centrifuge-js allows one per channel); the subscription is removed when the last stream closes.
 */
import type { Centrifuge, PublicationContext, Subscription, SubscribedContext, UnsubscribedContext } from 'centrifuge';
import { ProtocolError } from './errors.ts';

/** Shares one centrifuge subscription per channel between streams, by reference count. */
export class ChannelRegistry {
  private readonly refs = new Map<string, number>();
  constructor(private readonly centrifuge: () => Centrifuge) {}

  acquire(channel: string): Subscription {
    const c = this.centrifuge();
    let sub = c.getSubscription(channel) as Subscription | null;
    if (!sub) sub = c.newSubscription(channel);
    this.refs.set(channel, (this.refs.get(channel) ?? 0) + 1);
    if (sub.state === 'unsubscribed') sub.subscribe();
    return sub;
  }

  release(channel: string): void {
    const n = (this.refs.get(channel) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(channel, n);
      return;
    }
    this.refs.delete(channel);
    const c = this.centrifuge();
    const sub = c.getSubscription(channel) as Subscription | null;
    if (sub) {
      sub.unsubscribe();
      c.removeSubscription(sub);
    }
  }
}

/**
 * A typed channel stream. `ready` settles on the first subscribe outcome: it resolves once subscribed and rejects
 * with a `ProtocolError` when the server refuses the channel (e.g. 103 permission denied).
 */
export class ChannelStream<T> {
  readonly channel: string;
  /** The underlying centrifuge subscription, for anything this SDK does not wrap. */
  readonly subscription: Subscription;
  readonly ready: Promise<void>;
  private readonly handlers = new Set<(data: T, ctx: PublicationContext) => void>();
  private readonly errorHandlers = new Set<(err: unknown) => void>();
  private readonly detach: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly registry: ChannelRegistry,
    channel: string,
    private readonly check?: (data: unknown) => void,
  ) {
    this.channel = channel;
    this.subscription = registry.acquire(channel);
    const sub = this.subscription;
    this.ready = new Promise<void>((resolve, reject) => {
      if (sub.state === 'subscribed') resolve();
      const onSub = (_ctx: SubscribedContext) => resolve();
      const onUnsub = (ctx: UnsubscribedContext) => {
        if (ctx.code >= 100) reject(new ProtocolError(ctx.code, ctx.reason, { target: channel }));
      };
      this.listen('subscribed', onSub);
      this.listen('unsubscribed', onUnsub);
    });
    this.ready.catch(() => undefined);
    this.listen('publication', (ctx: PublicationContext) => {
      if (this.check) {
        try {
          this.check(ctx.data);
        } catch (err) {
          for (const h of this.errorHandlers) h(err);
          return;
        }
      }
      for (const h of this.handlers) h(ctx.data as T, ctx);
    });
  }

  /** Calls `handler` for every publication; returns a function that removes it. */
  on(handler: (data: T, ctx: PublicationContext) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Calls `handler` with publications dropped because they failed validation (only with a validator). */
  onInvalid(handler: (err: unknown) => void): () => void {
    this.errorHandlers.add(handler);
    return () => this.errorHandlers.delete(handler);
  }

  /** Stops this stream; the channel is unsubscribed when no other stream uses it. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    for (const d of this.detach) d();
    this.registry.release(this.channel);
  }

  /** Registers a listener on the shared subscription that is removed again by `close()`. */
  protected listen(event: string, fn: (ctx: never) => void): void {
    const sub = this.subscription as unknown as { on(e: string, f: unknown): void; removeListener(e: string, f: unknown): void };
    sub.on(event, fn);
    this.detach.push(() => sub.removeListener(event, fn));
  }
}
