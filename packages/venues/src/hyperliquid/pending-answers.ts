/**
 * @module hyperliquid/pending-answers
 * The subscribe and unsubscribe requests one Hyperliquid market socket has not had answered yet. Hyperliquid answers
 * each of them once, in the order it got them: a `subscriptionResponse` echoing the subscription, or an `error`. Most
 * errors name the subscription (`Invalid subscription {…}`, `Already subscribed: {…}`); some name nothing ("Cannot
 * subscribe to more than 1000 channels.", "Cannot send more than 2000 messages per minute."). Such an error still
 * answers one of the requests waiting, and which one is known once every other has been answered: the requests left
 * then are those the unexplained errors refused. So a lone subscribe waiting is refused at once, and one refused in a
 * burst (a socket subscribing its hundred channels) is found when the rest are confirmed. Should an unexplained error
 * not have been an answer after all (a ping over the message limit), a subscribe is taken for refused that is then
 * confirmed: its feed is DOWN in between and one subscribe too many is sent ("Already subscribed" confirms it).
 */
type Op = 'subscribe' | 'unsubscribe';

/** A subscribe found refused, with the text of the error that named nothing. */
export interface FoundRefusal {
  channel: string;
  reason: string;
}

export class PendingAnswers {
  /** Requests waiting, by `op channel`, with how many of each (a channel may be asked twice before an answer). */
  private readonly waiting = new Map<string, number>();
  private total = 0;
  private unexplained = 0;
  private reason = '';

  sent(op: Op, channel: string): void {
    const k = `${op} ${channel}`;
    this.waiting.set(k, (this.waiting.get(k) ?? 0) + 1);
    this.total++;
  }

  /**
   * Hyperliquid answered a request for `channel` (`op` when it says, else whichever is waiting, a subscribe first).
   * Answers the subscribes found refused by errors that named nothing.
   */
  answered(channel: string, op?: Op): FoundRefusal[] {
    for (const o of op ? [op] : (['subscribe', 'unsubscribe'] as const)) if (this.take(`${o} ${channel}`)) break;
    return this.settle();
  }

  /** An error that names no subscription answered one of the requests waiting: the subscribes known refused now. */
  unexplainedError(text: string): FoundRefusal[] {
    if (this.total === 0) return [];
    this.unexplained++;
    this.reason = text;
    return this.settle();
  }

  /** Requests sent and not answered yet. */
  get size(): number {
    return this.total;
  }

  /** The socket (re)opened: nothing sent before is waiting any more. */
  reset(): void {
    this.waiting.clear();
    this.total = 0;
    this.unexplained = 0;
  }

  private take(k: string): boolean {
    const n = this.waiting.get(k);
    if (n === undefined) return false;
    if (n > 1) this.waiting.set(k, n - 1);
    else this.waiting.delete(k);
    this.total--;
    return true;
  }

  private settle(): FoundRefusal[] {
    if (this.unexplained === 0 || this.total > this.unexplained) return [];
    const reason = this.reason;
    const refused = [...this.waiting.keys()].filter((k) => k.startsWith('subscribe ')).map((k) => ({ channel: k.slice('subscribe '.length), reason }));
    this.reset();
    return refused;
  }
}
