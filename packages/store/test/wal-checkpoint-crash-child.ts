/**
 * Child of wal-checkpoint-crash.e2e.test.ts: commits orders as fast as it can on a SQLite store whose checkpointer
 * thread copies every few commits, appends each committed group's ids to the acknowledgement file (after its COMMIT,
 * so the file lists what was acknowledged), and SIGKILLs itself at a moment it sees the checkpointer inside a pass,
 * once that thread has made a few passes and the main thread has rewound the WAL.
 * Usage: node --import tsx wal-checkpoint-crash-child.ts <database> <ack file>
 */
import { openSync, writeSync } from 'node:fs';
import { sampleOrder } from '@cadenza/testkit';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';

const [path, ackFile] = process.argv.slice(2) as [string, string];
const store = new SqliteStore({ path, groupCommit: true, walCheckpoint: { checkpointFrames: 32, rewindFrames: 400 } });
const ack = openSync(ackFile, 'a');
let i = 0;
for (let commits = 0; commits < 500_000; commits++) {
  const ids: string[] = [];
  for (let k = 0; k < 8; k++, i++) {
    const id = `o-${i}`;
    store.transaction(() => store.insertOrder(sampleOrder({ tradeOrderId: id, clientOrderId: `c-${i}`, createdAt: i })));
    ids.push(id);
  }
  await store.flush();
  writeSync(ack, `${ids.join('\n')}\n`);
  const s = store.checkpointer!.stats();
  if (s.inPass && s.passes >= 3 && s.rewinds >= 1) {
    writeSync(ack, 'killed in a pass\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
writeSync(ack, 'no pass seen\n');
process.kill(process.pid, 'SIGKILL');
