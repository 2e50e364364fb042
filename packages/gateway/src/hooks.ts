/**
 * @module hooks
 * The gateway's only view of the application: Event → Reply pairs for each client action.
 * The gateway knows nothing of trading; the composition root (packages/server) supplies these handlers.
 *
 * Refusals: a handler throws `ProtocolError` (Centrifugo error code, e.g. 101 unauthorized, 103 permission
 * denied, 109 token expired) to answer the command with an error reply, or `Disconnect` (code + reason) to close
 * the connection. Any other thrown value is a bug: the client gets error 100 internal and the error is logged.
 */

/** Who a connection belongs to, as established at connect (and refreshed by `refresh`). */
export interface ClientIdentity {
  /** Stable user id (JWT `sub`); '' means anonymous. */
  userId: string;
  /** Optional session id (JWT `session_id`), so the app can cut all connections of one login session. */
  sessionId?: string;
  /** Unix seconds when the credentials expire; 0 or undefined = never. */
  expireAt?: number;
  /** Opaque connection info shown to other clients in presence / join / leave. */
  info?: unknown;
  /** App-private data kept with the connection (e.g. the decoded claims); never sent to clients. */
  meta?: Record<string, unknown>;
}

/** The connection as handlers see it. */
export interface ClientRef {
  readonly clientId: string;
  readonly identity: ClientIdentity;
  readonly transport: 'websocket';
  readonly protocol: 'json' | 'protobuf';
}

export interface ConnectEvent {
  clientId: string;
  /** The `connect.token` the client sent ('' when none). */
  token: string;
  /** Custom `connect.data` from the client, decoded (JSON) or raw bytes (protobuf). */
  data?: unknown;
  name?: string;
  version?: string;
  protocol: 'json' | 'protobuf';
  /** Lower-cased HTTP headers of the upgrade request. */
  headers: Record<string, string | undefined>;
}

export interface ConnectReply {
  identity: ClientIdentity;
  /** Server-side subscriptions to create at connect (sent in the connect reply's `subs`). */
  channels?: string[];
  /** Custom data for the connect reply. */
  data?: unknown;
}

export interface RefreshEvent {
  client: ClientRef;
  /** New token from the client's `refresh` command. */
  token: string;
}

export interface RefreshReply {
  /** Unix seconds; must be in the future. */
  expireAt?: number;
  info?: unknown;
  /** Replaces the connection's `identity.meta` (what the new token says, e.g. a role granted or taken away). */
  meta?: Record<string, unknown>;
}

export interface SubscribeEvent {
  client: ClientRef;
  channel: string;
  /** Subscription token for private channels, if the client sent one. */
  token?: string;
  data?: unknown;
}

export interface SubscribeReply {
  /** Data to put into the subscribe reply (e.g. an order-book snapshot). */
  data?: unknown;
  /** Unix seconds; when the subscription (token) expires; 0/undefined = never. */
  expireAt?: number;
  /** Channel info shown to others as `chan_info` (presence, join/leave, client publications). */
  info?: unknown;
}

export interface RpcEvent {
  client: ClientRef;
  method: string;
  /** Decoded `rpc.data` (JSON value; for protobuf clients the bytes are parsed as JSON). */
  data: unknown;
}

export interface RpcReply {
  /** Any JSON-serialisable value, or a `RawJson` (text serialised already, sent as it is); becomes `rpc.data` of the reply. */
  data: unknown;
}

export interface DisconnectEvent {
  client: ClientRef;
  code: number;
  reason: string;
}

/** Everything the gateway asks of the application. Only `onConnect` is mandatory. */
export interface GatewayHandlers {
  onConnect(event: ConnectEvent): Promise<ConnectReply>;
  /** Called for the client's `refresh` command; absent = the new token is checked through `onConnect` (same user
   *  required, else disconnect 3500; an expired token closes with 3005 so the client reconnects with a new one). */
  onRefresh?(event: RefreshEvent): Promise<RefreshReply>;
  /** Absent = every subscription is refused with 103 permission denied. */
  onSubscribe?(event: SubscribeEvent): Promise<SubscribeReply>;
  /** Absent = 104 method not found. */
  onRpc?(event: RpcEvent): Promise<RpcReply>;
  onDisconnect?(event: DisconnectEvent): void;
}

/** The client's `sub_refresh`: a new subscription token for a channel it is subscribed to. */
export interface SubRefreshEvent {
  client: ClientRef;
  channel: string;
  token: string;
}

export interface SubRefreshReply {
  /** Unix seconds; 0/undefined = never expires again. */
  expireAt?: number;
}

/** An asynchronous `send` from the client (no reply is sent). */
export interface ClientMessageEvent {
  client: ClientRef;
  /** Decoded `send.data`. */
  data: unknown;
}

/**
 * Optional hooks beyond the core set. Absent `onSubRefresh`: the token is checked again through `onSubscribe`
 * (its `expireAt` is used). Absent `onMessage`: a client `send` gets disconnect 3508 not available (Centrifugo).
 */
export interface GatewayHandlers {
  onSubRefresh?(event: SubRefreshEvent): Promise<SubRefreshReply>;
  onMessage?(event: ClientMessageEvent): Promise<void> | void;
}
