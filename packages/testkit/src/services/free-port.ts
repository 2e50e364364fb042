/**
 * @module services/free-port
 * A TCP port on 127.0.0.1 that was free a moment ago (for services that need their port on the command line; a
 * caller that loses the race retries).
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
