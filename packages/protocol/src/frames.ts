/**
 * @module frames
 * The client protocol's messages as the gateway handles them, in the JSON protocol's shape (snake_case names,
 * zero values left out). Both codecs turn wire bytes into `Command`s and `Reply`s into wire bytes.
 *
 * Payloads (`data`, `conn_info`, `chan_info`) travel as `RawJson`: JSON text produced once and written inline by the
 * JSON codec and as the same UTF-8 bytes by the protobuf codec, so a publication is serialised once for all
 * subscribers in both protocols.
 */

/**
 * A JSON value serialised to text (never containing a raw newline). `later` holds a value its owner never changes
 * and serialises it when the text is first read: a publication no one on this node receives (kept only in its
 * channel's history) is serialised only if that history is read.
 */
export class RawJson {
  #text: string | undefined;
  #value: unknown;
  #bytes: Buffer | undefined;
  constructor(text: string) {
    this.#text = text;
  }
  /** Serialises a JSON value; `undefined` becomes `null` so a payload is always present. */
  static of(value: unknown): RawJson {
    return new RawJson(JSON.stringify(value) ?? 'null');
  }
  /** `of(value)` when the text is first read; the caller promises never to change `value` or anything in it. */
  static later(value: unknown): RawJson {
    const raw = new RawJson('null');
    raw.#text = undefined;
    raw.#value = value;
    return raw;
  }
  /** The JSON text. */
  get text(): string {
    if (this.#text === undefined) {
      this.#text = JSON.stringify(this.#value) ?? 'null';
      this.#value = undefined;
    }
    return this.#text;
  }
  /** The UTF-8 bytes of the text (cached). */
  get bytes(): Buffer {
    return (this.#bytes ??= Buffer.from(this.text, 'utf8'));
  }
}

// ---------------------------------------------------------------- commands (client → server)

/** A decoded payload: the JSON value, or raw bytes when a protobuf client sent bytes that are not JSON. */
export type InPayload = unknown;

export interface StreamPositionIn {
  offset: number;
  epoch: string;
}

export interface ConnectRequest {
  token?: string;
  data?: InPayload;
  subs?: Record<string, SubscribeRequest>;
  name?: string;
  version?: string;
  headers?: Record<string, string>;
}

export interface SubscribeRequest {
  channel: string;
  token?: string;
  data?: InPayload;
  recover?: boolean;
  offset?: number;
  epoch?: string;
  positioned?: boolean;
  recoverable?: boolean;
  join_leave?: boolean;
  flag?: number;
}

export interface ChannelRequest {
  channel: string;
}

export interface PublishRequest {
  channel: string;
  data?: InPayload;
}

export interface HistoryRequest {
  channel: string;
  limit?: number;
  since?: StreamPositionIn;
  reverse?: boolean;
}

export interface RpcRequest {
  method: string;
  data?: InPayload;
}

export interface SendRequest {
  data?: InPayload;
}

export interface RefreshRequest {
  token: string;
}

export interface SubRefreshRequest {
  channel: string;
  token: string;
}

/** The method names in wire order (proto field numbers 4–15). */
export const COMMAND_METHODS = [
  'connect',
  'subscribe',
  'unsubscribe',
  'publish',
  'presence',
  'presence_stats',
  'history',
  'ping',
  'send',
  'rpc',
  'refresh',
  'sub_refresh',
] as const;
export type CommandMethod = (typeof COMMAND_METHODS)[number];

/** One decoded command. `method` is undefined for an empty command (a pong) and for an unknown request. */
export type Command =
  | { id: number; method: undefined; empty: boolean }
  | { id: number; method: 'connect'; connect: ConnectRequest }
  | { id: number; method: 'subscribe'; subscribe: SubscribeRequest }
  | { id: number; method: 'unsubscribe'; unsubscribe: ChannelRequest }
  | { id: number; method: 'publish'; publish: PublishRequest }
  | { id: number; method: 'presence'; presence: ChannelRequest }
  | { id: number; method: 'presence_stats'; presence_stats: ChannelRequest }
  | { id: number; method: 'history'; history: HistoryRequest }
  | { id: number; method: 'ping'; ping: Record<string, never> }
  | { id: number; method: 'send'; send: SendRequest }
  | { id: number; method: 'rpc'; rpc: RpcRequest }
  | { id: number; method: 'refresh'; refresh: RefreshRequest }
  | { id: number; method: 'sub_refresh'; sub_refresh: SubRefreshRequest };

// ---------------------------------------------------------------- replies (server → client)

export interface ErrorBody {
  code: number;
  message: string;
  temporary?: boolean;
}

export interface ClientInfo {
  user: string;
  client: string;
  conn_info?: RawJson;
  chan_info?: RawJson;
}

export interface Publication {
  data: RawJson;
  info?: ClientInfo;
  offset?: number;
  tags?: Record<string, string>;
  time?: number;
}

export interface SubscribeResult {
  expires?: boolean;
  ttl?: number;
  recoverable?: boolean;
  epoch?: string;
  publications?: Publication[];
  recovered?: boolean;
  offset?: number;
  positioned?: boolean;
  data?: RawJson;
  was_recovering?: boolean;
}

export interface ConnectResult {
  client: string;
  version?: string;
  expires?: boolean;
  ttl?: number;
  data?: RawJson;
  subs?: Record<string, SubscribeResult>;
  ping?: number;
  pong?: boolean;
  session?: string;
  node?: string;
  time?: number;
}

export interface Push {
  channel?: string;
  pub?: Publication;
  join?: { info: ClientInfo };
  leave?: { info: ClientInfo };
  unsubscribe?: { code: number; reason: string };
  message?: { data: RawJson };
  subscribe?: { recoverable?: boolean; epoch?: string; offset?: number; positioned?: boolean; data?: RawJson };
  disconnect?: { code: number; reason: string };
}

export interface Reply {
  id?: number;
  error?: ErrorBody;
  push?: Push;
  connect?: ConnectResult;
  subscribe?: SubscribeResult;
  unsubscribe?: Record<string, never>;
  publish?: Record<string, never>;
  presence?: { presence: Record<string, ClientInfo> };
  presence_stats?: { num_clients: number; num_users: number };
  history?: { publications?: Publication[]; epoch?: string; offset?: number };
  ping?: Record<string, never>;
  rpc?: { data?: RawJson };
  refresh?: { client: string; version?: string; expires?: boolean; ttl?: number };
  sub_refresh?: { expires?: boolean; ttl?: number };
}

/** Thrown by a codec when a frame cannot be decoded; the connection is closed with 3501 bad request. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** The wire encoding a connection speaks. */
export type ProtocolName = 'json' | 'protobuf';

/** What both codecs offer the gateway. */
export interface Codec {
  readonly name: ProtocolName;
  /** Decodes every command of one frame, in order; throws FrameError on anything malformed. */
  decodeCommands(frame: Buffer): Command[];
  /** Encodes replies/pushes into one frame. */
  encodeReplies(replies: readonly Reply[]): Buffer;
  /** The frame of one server ping (an empty reply). */
  readonly pingFrame: Buffer;
  /** Whether frames are sent as binary (protobuf) or text (JSON). */
  readonly binary: boolean;
}
