/**
 * @module services/tcp-partition
 * A TCP proxy in front of a local server (PostgreSQL, in the tests that use it) that can go silent — a partition:
 * nothing passes either way and no connection closes — and heal, delivering what it held. `cut()` and `heal()` act
 * on every connection through it, including ones opened while cut.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpPartition {
  /** The proxy's 127.0.0.1 port. */
  port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function tcpPartition(port: number): Promise<TcpPartition> {
  const sockets = new Set<Socket>();
  let cut = false;
  const held: Array<() => void> = [];
  const proxy: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('close', () => sockets.delete(from));
      from.on('error', () => undefined);
      from.on('data', (chunk: Buffer) => (cut ? held.push(() => to.write(chunk)) : to.write(chunk)));
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    cut: () => (cut = true),
    heal: () => {
      cut = false;
      for (const send of held.splice(0)) send();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
