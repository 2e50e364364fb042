/**
 * @module http/listen
 * Starting and stopping a node:http server, as lifecycle parts of the server and of a gateway node.
 */
import type { Server } from 'node:http';

/** Resolves once `http` listens on `host:port` (0 = any free port); rejects on a listen error. */
export function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
}

/** Stops accepting connections, waits for open requests to end, then drops what is left. */
export async function closeHttp(http: Server): Promise<void> {
  await new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeAllConnections?.();
}
