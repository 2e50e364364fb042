/**
 * @module services/stop-process
 * Stopping a service a test started: SIGTERM, then SIGKILL if it has not exited within the grace.
 */
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}
