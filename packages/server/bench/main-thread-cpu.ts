/**
 * CPU of the process's main thread alone, µs (Linux: its /proc task entry, 10 ms ticks); NaN elsewhere. The in-process
 * benches print it beside `process.cpuUsage()`, which also counts V8's compiler and collector threads and SQLite's
 * checkpoint worker.
 */
import { readFileSync } from 'node:fs';

export function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}
