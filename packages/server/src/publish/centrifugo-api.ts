/**
 * @module publish/centrifugo-api
 * Centrifugo's server HTTP API (`POST <api url>/<method>` with `X-API-Key`, contract: centrifuge-protocol.md §9) over
 * keep-alive connections: one call answers its `result`, or throws — `CentrifugoApiError` for an `error` answer
 * (Centrifugo refused the command), any other error when Centrifugo could not be reached or answered no JSON.
 */
import http from 'node:http';
import https from 'node:https';

export class CentrifugoApiError extends Error {
  override readonly name = 'CentrifugoApiError';
  constructor(readonly code: number, message: string) {
    super(`centrifugo: ${code} ${message}`);
  }
}

export interface CentrifugoApiOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8001/api` (CADENZA_CENTRIFUGO_API_URL). */
  url: string;
  /** `http_api.key` of the Centrifugo nodes (CADENZA_CENTRIFUGO_API_KEY). */
  key: string;
  /** Keep-alive connections kept open. Default 8. */
  sockets?: number;
  /** Per call. Default 10 s. */
  timeoutMs?: number;
}

export class CentrifugoApi {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly timeoutMs: number;

  constructor(private readonly options: CentrifugoApiOptions) {
    this.base = new URL(options.url.replace(/\/+$/, '') + '/');
    const secure = this.base.protocol === 'https:';
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: options.sockets ?? 8 });
    this.request = secure ? https.request : http.request;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Calls `method` with `params` and answers its `result`. */
  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    const reply = (await this.post(method, JSON.stringify(params))) as { result?: unknown; error?: { code: number; message: string } };
    if (reply.error) throw new CentrifugoApiError(reply.error.code, reply.error.message);
    return reply.result ?? {};
  }

  /** POSTs a body already serialised and answers the parsed reply (batch replies have no `result` wrapper). */
  post(method: string, body: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        new URL(method, this.base),
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': this.options.key },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              reject(new Error(`centrifugo API ${method}: HTTP ${res.statusCode}${res.statusCode === 401 ? ' (is CADENZA_CENTRIFUGO_API_KEY the nodes\' http_api.key?)' : ''}`));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error(`centrifugo API ${method}: the answer is not JSON`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`centrifugo API ${method}: no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
