/**
 * @module domain-runtime
 * The trading domain's write side as one running part: the venues (PAPER's book, the live venues' user streams), the
 * domain services over the store, the market-data bridge and the RPC table. Exactly one runs per database: in a
 * server alone it starts with the server; with several servers on PostgreSQL, in the server holding the domain lease
 * (cluster/domain-seat.ts), which starts it when it takes the lease — loading the state from the database, putting
 * resting orders back into the books and reconciling live venues, as after a restart (docs/scale-out.md).
 */
import type { Logger } from 'pino';
import { createCadenza, toOrderBook, toTicker, toKline, toMarketTrade, type Cadenza, type CallerContext, type Cipher, type ExecutionEvent, type MarketDataSink, type Store, type Venue, type VenueDeps } from '@cadenza/domain';
import { MarketDataBridge } from './bridge/market-data-bridge.ts';
import type { ServerConfig } from './config.ts';
import { channelGrant } from './gateway-app.ts';
import { loadCipher } from './infra/aes-gcm-cipher.ts';
import { systemClock, uuidSource } from './infra/system.ts';
import { createRpcDispatcher, type RpcDispatcher } from './rpc/index.ts';
import { serialisedEvents } from './publish/serialised-events.ts';
import { storeGate } from './rpc/store-gate.ts';
import { createVenues } from './venues.ts';
import { VenueConnectivity } from './venue-connectivity.ts';

export interface DomainRuntimeOptions {
  config: ServerConfig;
  version: string;
  store: Store;
  /** Whether the store reaches its database (commands are refused while it does not). */
  storeAvailable(): boolean;
  /** Where channel publications go (the gateway, or Centrifugo's server API); never throws. `data` may be a `RawJson`: text to send as it is. */
  publish(channel: string, data: unknown): void;
  log: Logger;
  /** Extra venues built by the caller (tests). */
  extraVenues?: Array<(deps: VenueDeps) => Venue>;
}

export interface DomainRuntime {
  readonly cadenza: Cadenza;
  /** The venues as built (for /health and /metrics; the domain sees them watched by `connectivity`). */
  readonly venues: readonly Venue[];
  /** Every call to a live venue and every feed report, watched (venue-connectivity.ts). */
  readonly connectivity: VenueConnectivity;
  /** The RPC table on this domain, behind the store gate. */
  readonly rpc: RpcDispatcher;
  /** Subscribe permission and the subscribe reply's data (an order book's snapshot); throws ProtocolError when refused. */
  grant(caller: CallerContext, channel: string): Promise<{ data?: unknown }>;
  /** Stops the bridge, the venues and the domain (the store is its owner's to close). */
  stop(): Promise<void>;
}

/** Builds the domain and starts it: venues first (the domain's start reads their instruments and reconciles with them). */
export async function startDomainRuntime(o: DomainRuntimeOptions): Promise<DomainRuntime> {
  const { config, log } = o;
  const cipher = loadCipher({ dataDir: config.dataDir, masterKey: config.masterKey });
  await checkMasterKey(o.store, cipher);
  let venues: Venue[] = [];
  const venueById = () => new Map(venues.map((v) => [v.id, v]));
  const bridge = new MarketDataBridge({
    publish: o.publish,
    getBook: (venue, symbol, depth) => venueById().get(venue)?.getBook(symbol, depth),
    convert: { toOrderBook, toTicker, toKline, toMarketTrade },
  });
  const clock = systemClock();
  const connectivity = new VenueConnectivity();
  let domain: Cadenza | undefined;
  // Mark prices and funding settlements go to the domain (positions, margin), trades to the orders it emulates (and
  // book changes to a trailing stop waiting for its starting book); all market data to the channels.
  const marketData: MarketDataSink = {
    onBookChanged: (venue, symbol) => {
      bridge.onBookChanged(venue, symbol);
      domain?.marketHolds.onBookChanged(venue, symbol);
    },
    onTrade: (trade) => {
      bridge.onTrade(trade);
      domain?.orders.onTrade(trade);
    },
    onTicker: (ticker) => bridge.onTicker(ticker),
    onKline: (kline) => bridge.onKline(kline),
    onMarkPrice: (mark) => domain?.derivatives.onMarkPrice(mark),
    onFunding: (funding) => domain?.derivatives.onFunding(funding),
  };
  const market = connectivity.sink(marketData);
  let onExecution: (e: ExecutionEvent) => void = () => undefined;
  const venueDeps = (id: string): VenueDeps => ({
    execution: { onExecution: (e) => onExecution(e) },
    market,
    clock,
    log: log.child({ venue: id }),
  });
  const rawVenues = createVenues(config, venueDeps, o.extraVenues ?? []);
  venues = rawVenues.map((v) => connectivity.watch(v));
  const cadenza = createCadenza({
    store: o.store,
    venues,
    clock,
    ids: uuidSource(),
    cipher,
    events: serialisedEvents(o.publish),
    log: log.child({ module: 'domain' }),
    config: { ...config.quotas, system: { version: o.version, documentation: `${config.publicUrl ?? ''}/docs` } },
  });
  domain = cadenza;
  onExecution = (e) => cadenza.execution.onExecution(e);
  const rpc = storeGate(createRpcDispatcher(cadenza, { log: log.child({ module: 'rpc' }), system: { database: o.storeAvailable } }), o.storeAvailable);

  const started: Venue[] = [];
  const stop = async () => {
    bridge.stop();
    for (const v of started) await v.stop();
    await cadenza.stop();
  };
  try {
    for (const v of venues) {
      await v.start();
      started.push(v);
    }
    await cadenza.start();
    bridge.start();
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return {
    cadenza,
    venues: rawVenues,
    connectivity,
    rpc,
    grant: (caller, channel) => channelGrant({ cadenza, venues: venueById, toOrderBook }, caller, channel),
    stop,
  };
}

/**
 * The master key must be the one that sealed the stored venue credentials. A server with another one — a lost
 * `master.key`, or a server of a cluster started without a copy of the first one's (docs/scale-out.md) — refuses to
 * run the domain, naming the cause, instead of failing every live-venue call later. Among several servers the lease
 * then goes to one that has the right key.
 */
async function checkMasterKey(store: Store, cipher: Cipher): Promise<void> {
  const sample = (await store.listCredentials({}, { offset: 0, limit: 1 })).items[0];
  if (!sample) return;
  try {
    cipher.decrypt(sample.secretCiphertext);
  } catch {
    throw new Error(
      'the stored venue credentials were encrypted with another master key than this server\'s: give it the same ' +
        'CADENZA_MASTER_KEY, or the master.key of the data directory that stored them (every server of a cluster needs the same one)',
    );
  }
}
