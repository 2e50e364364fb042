/**
 * @module services/tcp-balancer
 * A round-robin TCP load balancer on 127.0.0.1, as an operator puts in front of several Cadenza servers (HAProxy,
 * nginx, a cloud balancer): each new connection goes to the next backend; a backend that refuses the connection is
 * skipped for that connection (the next one is tried), so a dead server drops out by itself. Connections already
 * open to a backend that dies are cut, as a real balancer's would be.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpBalancer {
  /** The balancer's port: `http://127.0.0.1:<port>` reaches the backends. */
  port: number;
  url: string;
  /** Connections handed to each backend port so far. */
  counts: Map<number, number>;
  /** HTTP/1.1 requests seen going through (`POST /centrifugo/refresh`), in order — read from the bytes, for tests. */
  requests: string[];
  /** Replaces the backends (for servers started after the balancer). */
  setBackends(ports: number[]): void;
  /** New connections go to this backend first while pinned (a test placing a client on a given server); undefined unpins. */
  pin(port: number | undefined): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1\r\n/g;

export async function startTcpBalancer(initial: number[] = []): Promise<TcpBalancer> {
  let backends = [...initial];
  let next = 0;
  let pinned: number | undefined;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const counts = new Map<number, number>(initial.map((p) => [p, 0]));
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const attempt = (tried: number) => {
      if (tried >= backends.length) {
        client.destroy();
        return;
      }
      const port = tried === 0 && pinned !== undefined ? pinned : backends[next++ % backends.length]!;
      const upstream = createConnection({ host: '127.0.0.1', port });
      upstream.once('error', () => attempt(tried + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        track(upstream);
        counts.set(port, (counts.get(port) ?? 0) + 1);
        client.on('data', (chunk: Buffer) => {
          for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) requests.push(`${m[1]} ${m[2]}`);
        });
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    counts,
    requests,
    pin(port) {
      pinned = port;
    },
    setBackends(ports) {
      backends = [...ports];
      for (const p of ports) if (!counts.has(p)) counts.set(p, 0);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
