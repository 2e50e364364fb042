/**
 * @module lifecycle
 * The parts of a running process, started in the order given and stopped in reverse, so a part never outlives
 * what it uses nor starts before it. A part that fails to start stops those already started (newest first) and
 * its error propagates; a part that fails to stop is logged and the others still stop.
 */
export interface Part {
  name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export class Lifecycle {
  private readonly running: Part[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: { error(obj: object, msg?: string): void }) {}

  /** Starts `parts` in order, after those started before. */
  async start(parts: Part[]): Promise<void> {
    for (const part of parts) {
      try {
        await part.start?.();
      } catch (err) {
        await this.stop();
        throw err;
      }
      this.running.push(part);
    }
  }

  /** Records a part that came into being running (opened by an async factory), to be stopped in turn. */
  opened(name: string, stop: () => Promise<void> | void): void {
    this.running.push({ name, stop });
  }

  /** Stops every started part, newest first. Idempotent: a second call waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (let part = this.running.pop(); part; part = this.running.pop()) {
        try {
          await part.stop?.();
        } catch (err) {
          this.log.error({ err, part: part.name }, 'a part failed to stop');
        }
      }
    })();
    return this.stopping;
  }
}
