/**
 * The machine's CPU ticks, from Linux's /proc/stat: on a virtual machine, `steal` is time its CPUs were runnable but
 * the host ran something else. A bench run with much of it measured a slower machine than the runs beside it, so the
 * RPC benches print each run's share (NaN elsewhere).
 */
import { readFileSync } from 'node:fs';

export interface HostTicks {
  steal: number;
  total: number;
}

export function hostTicks(): HostTicks {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: fields[7]!, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return { steal: NaN, total: NaN };
  }
}

/** Steal as a share (0–1) of the machine's ticks between two readings. */
export function stealShare(from: HostTicks, to: HostTicks): number {
  return (to.steal - from.steal) / Math.max(1, to.total - from.total);
}
