/**
 * What docs/rest-api.md says of each REST operation beyond its OpenAPI entry: one line of what it does, who may
 * call it, and one example call. The examples are written in the order of a session — sign up, look at the
 * market, make a credential and an account, trade, then an admin's work, then log out — so that, run one after
 * the other on a fresh server (`npm start`), each finds what the ones before it made: the values an answer
 * `keeps` become the shell variables (`$ACCOUNT`, …) later examples use. packages/server/test/e2e/rest-examples
 * runs them exactly so against a real server and checks every answer against the contract.
 *
 * The OTC desk's operations (RFQ quotes, Fermata dealers and wallets) run inside that session: the administrator
 * sets up a dealer hedging on its own PAPER account and funds the user's wallet, the user asks for a quote and
 * accepts it (a second example of `tradeOrder/submit`), then the administrator's dealer and wallet controls; their
 * guide is docs/otc.md.
 */

export type ExampleValue = string | number | boolean | string[] | Record<string, unknown>;

export interface RestExample {
  /** Who may call it: a signed-in user unless said otherwise (`anyone`: no token; `admin`: the admin role). */
  caller?: 'anyone' | 'admin';
  query?: Record<string, ExampleValue>;
  body?: Record<string, ExampleValue>;
  /** Values of the answer later examples use: shell variable → path in the answer (`data.tradingAccountId`). */
  keeps?: Record<string, string>;
}

export interface RestOperationGuide {
  summary: string;
  example?: RestExample;
  /** Further calls of the operation, run right after `example`; `note` says what each is for. */
  also?: Array<RestExample & { note: string }>;
}

const email = 'ada@example.com';
const password = 'correct-horse-battery-staple';

/** Every operation of the contract, in the order the examples run. */
export const restGuide: Record<string, RestOperationGuide> = {
  health: { summary: 'The server\'s health: `healthy`, `degraded` (a live venue does not answer) or `unhealthy` (503, same body).', example: { caller: 'anyone' } },
  authSignup: { summary: 'Creates a user and answers its first session (`AuthSession`).', example: { caller: 'anyone', body: { email, password } } },
  authLogin: {
    summary: 'Email and password → a session: `accessToken` (the bearer token of every other call), `refreshToken`, `expiresAt`.',
    example: { caller: 'anyone', body: { email, password }, keeps: { TOKEN: 'data.accessToken', REFRESH: 'data.refreshToken' } },
  },
  authRefreshToken: {
    summary: 'A refresh token → a new session (the refresh token is single-use: keep the new one).',
    example: { caller: 'anyone', body: { refreshToken: '$REFRESH' }, keeps: { TOKEN: 'data.accessToken', REFRESH: 'data.refreshToken' } },
  },
  authGetUser: { summary: 'The signed-in user.', example: {} },
  authUpdateUser: { summary: 'Changes the user\'s email, password or metadata.', example: { body: { metadata: { desk: 'spot' } } } },
  authRecover: { summary: 'Starts a password recovery for an email; answers the same whether the user exists or not.', example: { caller: 'anyone', body: { email } } },
  root: { summary: 'The server: name, version, environment and the link to this API\'s reference page (`/docs`).', example: {} },

  listMarketVenues: { summary: 'The venues this server runs, each with its status (`ONLINE`, or `OFFLINE` while it does not answer).', example: {} },
  listMarketInstruments: {
    summary: 'The instrument catalogue, filtered by venue, symbols, security type and status; paged.',
    example: { query: { venue: 'PAPER', symbols: ['BTC/USDT', 'ETH/USDT'], instrumentStatus: 'ACTIVE', limit: 10 } },
  },
  listMarketSecurities: { summary: 'The assets of the listed instruments (`{VENUE}:{ASSET}`), by venue or one `securityId`; paged.', example: { query: { venue: 'PAPER', limit: 10 } } },
  getMarketOrderBook: { summary: 'One instrument\'s order book, the top `depth` levels a side (default 10).', example: { query: { instrumentId: 'PAPER:BTC/USDT', depth: 5 } } },
  listMarketOrderBooks: { summary: 'Several instruments\' order books.', example: { query: { instrumentIds: ['PAPER:BTC/USDT', 'PAPER:ETH/USDT'], depth: 5 } } },
  getMarketTicker: {
    summary: 'One instrument\'s ticker. `instrumentId` is required; 503 `MARKET_DATA_UNAVAILABLE` while the venue has none yet.',
    example: { query: { instrumentId: 'MOCK:BTC/USDT' } },
  },
  listMarketTickers: { summary: 'The tickers of the named instruments; paged.', example: { query: { instrumentIds: ['MOCK:BTC/USDT', 'MOCK:ETH/USDT'], limit: 10 } } },
  getMarketKline: {
    summary: 'One instrument\'s bars of one `interval`, oldest first, within `from`/`to` (epoch ms), at most `limit` (the newest).',
    example: { query: { instrumentId: 'PAPER:BTC/USDT', interval: '1m', limit: 5 } },
  },
  subscribeMarketOrderBook: {
    summary: 'Records an order-book subscription for one instrument (the book itself streams on the WebSocket channel `market:orderbook:{VENUE}:{SYMBOL}`).',
    example: { body: { instrumentId: 'PAPER:ETH/USDT' }, keeps: { SUBSCRIPTION: 'data.subscriptionId' } },
  },
  listMarketOrderBookSubscriptions: { summary: 'The caller\'s order-book subscriptions, or those of one instrument.', example: { query: { instrumentId: 'PAPER:ETH/USDT' } } },
  unsubscribeMarketOrderBook: { summary: 'Ends an order-book subscription, by `subscriptionId` or `instrumentId`.', example: { body: { subscriptionId: '$SUBSCRIPTION' } } },

  createTradingAccountCredential: {
    summary: 'Stores a venue API key, encrypted; answers it with the secrets masked. It is attached to an account by `tradingAccount/connect`.',
    example: { body: { venue: 'PAPER', nickname: 'paper keys', credentialType: 'HMAC', apiKey: 'my-api-key-0001', apiSecret: 'my-api-secret' }, keeps: { CREDENTIAL: 'data.credentialId' } },
  },
  listTradingAccountCredentials: { summary: 'The caller\'s credentials (secrets masked), by type, status or ids; one page holds them all.', example: { query: { credentialStatus: 'CREATED' } } },
  rotateTradingAccountCredential: {
    summary: 'Replaces a credential\'s key and secrets; its type stays unless one is sent.',
    example: { body: { credentialId: '$CREDENTIAL', apiKey: 'my-api-key-0002', apiSecret: 'my-new-api-secret' } },
  },
  connectTradingAccount: {
    summary: 'Connects a trading account: without `tradingAccountId`, finds the caller\'s account of that venue (and `externalTradingAccountId`) or makes one, attaching `credentialIds`.',
    example: { body: { venue: 'PAPER', nickname: 'paper desk', credentialIds: ['$CREDENTIAL'] }, keeps: { ACCOUNT: 'data.tradingAccountId' } },
    also: [
      {
        note: 'The administrator\'s PAPER account, which the OTC desk\'s dealer (below) prices from and hedges on:',
        caller: 'admin', body: { venue: 'PAPER', nickname: 'hedging' }, keeps: { HEDGE: 'data.tradingAccountId' },
      },
    ],
  },
  verifyTradingAccountCredential: { summary: 'Checks credentials against their venue; answers the trading accounts they are attached to.', example: { body: { credentialIds: ['$CREDENTIAL'] } } },
  updateTradingAccount: { summary: 'Renames an account.', example: { body: { tradingAccountId: '$ACCOUNT', nickname: 'paper desk 2' } } },
  listTradingAccounts: { summary: 'The caller\'s accounts (an admin\'s: anyone\'s, by `userId`), by id, venue or status; paged.', example: { query: { venue: 'PAPER', accountStatus: 'ACTIVE', limit: 20 } } },
  disableTradingAccount: { summary: 'Stops an account trading (`INACTIVE`); open orders stay.', example: { body: { tradingAccountId: '$ACCOUNT' } } },
  enableTradingAccount: { summary: 'Lets a disabled account trade again (`ACTIVE`).', example: { body: { tradingAccountId: '$ACCOUNT' } } },
  listTradingAccountOperations: {
    summary: 'An account\'s history (connect, disconnect, enable, disable, update, credential revoke and rotate) by type and time; paged.',
    example: { query: { tradingAccountId: '$ACCOUNT', operationType: 'DISABLE', startTime: 1735689600000, limit: 20 } },
  },
  subscribeTradingAccount: {
    summary: 'Records a subscription to an account\'s stream (its events flow on the WebSocket channel `tradingAccount:{id}`).',
    example: { body: { tradingAccountId: '$ACCOUNT' }, keeps: { STREAM: 'data.subscriptionId' } },
  },
  listTradingAccountSubscriptions: { summary: 'The caller\'s account-stream subscriptions, or one account\'s; paged.', example: { query: { tradingAccountId: '$ACCOUNT' } } },
  unsubscribeTradingAccount: { summary: 'Ends an account-stream subscription, by `subscriptionId` (or all of an account\'s, by `tradingAccountId`).', example: { body: { subscriptionId: '$STREAM' } } },
  listTradingAccountPortfolios: { summary: 'Balances (free, locked, borrowed, net) and the summary of the caller\'s accounts, by account, venue or currency; paged.', example: { query: { tradingAccountId: '$ACCOUNT' } } },

  fermataCreateDealer: {
    summary: 'Admin, the OTC desk (Fermata): creates a dealer with its FERMATA account and DEALER wallet; `config` holds its pricing profiles — [otc.md](otc.md).',
    example: {
      caller: 'admin',
      body: { name: 'Desk A', baseCurrencies: ['USDT'], riskThreshold: '250000', config: { pricingProfileId: '5e1c0000-0000-4000-8000-000000000025', pricingProfiles: { '5e1c0000-0000-4000-8000-000000000025': { spreadBps: 25 } } } },
      keeps: { DEALER: 'data.dealerAccountId' },
    },
  },
  fermataLinkDealer: { summary: 'Admin, the OTC desk (Fermata): links an exchange account of the dealer\'s owner that the dealer prices from and hedges on; answers its id — [otc.md](otc.md).', example: { caller: 'admin', body: { dealerAccountId: '$DEALER', tradingAccountId: '$HEDGE' } } },
  fermataGetDealer: { summary: 'Admin, the OTC desk (Fermata): one dealer — [otc.md](otc.md).', example: { caller: 'admin', query: { dealerAccountId: '$DEALER' } } },
  fermataListDealers: { summary: 'Admin, the OTC desk (Fermata): dealers, by status, newest first; paged — [otc.md](otc.md).', example: { caller: 'admin', query: { status: 'ACTIVE', limit: 10 } } },
  fermataCreateWallet: {
    summary: 'The OTC desk (Fermata): opens a ledger wallet with the FERMATA account that owns it (`CLIENT`; an admin\'s is `ACCOUNTING`) — [otc.md](otc.md).',
    example: { body: { nickname: 'otc' }, keeps: { WALLET: 'data.walletId', OTC_ACCOUNT: 'data.metadata.tradingAccountId' } },
    also: [{ note: 'An administrator\'s wallet is an `ACCOUNTING` wallet, which may go negative: the treasury deposits come from.', caller: 'admin', body: { nickname: 'treasury' }, keeps: { TREASURY: 'data.walletId' } }],
  },
  fermataTransferWallet: {
    summary: 'The OTC desk (Fermata): moves an amount of one asset between two wallets, atomically, never overdrawing one that may not go negative; answers the transfer id — [otc.md](otc.md).',
    example: { caller: 'admin', body: { sourceWalletId: '$TREASURY', destWalletId: '$WALLET', asset: 'USDT', amount: '10000' } },
  },
  fermataGetWallet: { summary: 'The OTC desk (Fermata): one of the caller\'s wallets; its balances are its account\'s portfolio — [otc.md](otc.md).', example: { query: { walletId: '$WALLET' } } },
  fermataListWallets: { summary: 'The OTC desk (Fermata): the caller\'s wallets (an admin\'s: all), by type; paged — [otc.md](otc.md).', example: { query: { walletType: 'CLIENT', limit: 10 } } },
  quoteRfq: {
    summary: 'The OTC desk: asks a dealer for a firm price (`quantity` or `quoteQuantity`, `ttl` 1–300 s); answers a `Quote`, `CREATED` or `REJECTED` with the reason — [otc.md](otc.md).',
    example: {
      body: { dealerAccountId: '$DEALER', traderAccountId: '$OTC_ACCOUNT', instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.01', ttl: 60, quoteRequestId: 'my-first-quote' },
      keeps: { QUOTE: 'data.quoteId' },
    },
  },

  submitTradeOrder: {
    summary: 'Submits an order; answers it in a list of one. `awaitClosed: true` waits until it is filled, cancelled or rejected; `expireAt` (epoch ms) for GTD.',
    example: {
      body: { tradingAccountId: '$ACCOUNT', instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '1000.00', quantity: '0.01', clientOrderId: 'my-first-order' },
      keeps: { ORDER: 'data.0.tradeOrderId' },
    },
    also: [
      {
        note: 'Accepting an OTC quote: a `QUOTED` order on the `FERMATA` account the quote was given to, filled at once at exactly the quoted price ([otc.md](otc.md)):',
        body: { tradingAccountId: '$OTC_ACCOUNT', orderType: 'QUOTED', orderSide: 'BUY', quantity: '0.01', quoteId: '$QUOTE' },
      },
    ],
  },
  listTradeOrders: {
    summary: 'The caller\'s orders by id, account, instrument, status and time, newest first (`ascending=true`: oldest first); paged.',
    example: { query: { tradingAccountId: '$ACCOUNT', orderStatus: 'ACCEPTED', limit: 20 } },
  },
  amendTradeOrder: {
    summary: 'Extension: a working order takes a new `limitPrice`, `stopPrice` and/or total `quantity`, keeping its ids; the lock follows. PAPER amends natively; elsewhere 10002 `NOT_SUPPORTED` (cancel and submit anew).',
    example: { body: { tradingAccountId: '$ACCOUNT', tradeOrderId: '$ORDER', limitPrice: '1001.00', quantity: '0.02' } },
  },
  listTradeOrderExecutions: {
    summary: 'Extension: the caller\'s fills (`TradeOrderExecution`: a `TradeExecution` with its order, account and liquidity) by account, order, instrument and time, newest first; paged.',
    example: { query: { tradingAccountId: '$ACCOUNT', instrumentId: 'PAPER:BTC/USDT', limit: 20 } },
  },
  cancelTradeOrder: { summary: 'Cancels an open order; 409 `ORDER_NOT_CANCELLABLE` once it is closed.', example: { body: { tradingAccountId: '$ACCOUNT', tradeOrderId: '$ORDER' } } },
  cancelAllTradeOrders: {
    summary: 'Extension: cancels every working order of the account (of one `instrumentId`, when given); answers each in its state after the call.',
    example: { body: { tradingAccountId: '$ACCOUNT', instrumentId: 'PAPER:BTC/USDT' } },
  },
  revokeTradingAccountCredential: { summary: 'Revokes a credential for good; accounts that need it stop trading until another is attached.', example: { body: { credentialId: '$CREDENTIAL' } } },
  disconnectTradingAccount: { summary: 'Disconnects an account from its venue (`DISCONNECTED`); connect brings it back.', example: { body: { tradingAccountId: '$ACCOUNT' } } },

  syncMarketInstruments: { summary: 'Admin: lists a venue\'s instruments again (all, or the `symbols` named) and answers how many changed.', example: { caller: 'admin', body: { venue: 'PAPER', symbols: ['BTC/USDT'] } } },
  disableMarketInstrument: { summary: 'Admin: stops trading an instrument (`DISABLED`, kept through every refresh).', example: { caller: 'admin', body: { instrumentId: 'PAPER:SOL/USDT' } } },
  enableMarketInstrument: { summary: 'Admin: lets an instrument trade again (`ACTIVE`).', example: { caller: 'admin', body: { instrumentId: 'PAPER:SOL/USDT' } } },
  syncMarketSecurities: { summary: 'Admin: derives a venue\'s securities from its instruments again; answers how many.', example: { caller: 'admin', body: { venue: 'PAPER' } } },
  deleteMarketInstrument: {
    summary: 'Admin: deletes an instrument; it stays deleted across refreshes and restarts until a sync names it. Answers its id.',
    example: { caller: 'admin', body: { instrumentId: 'PAPER:SOL/USDT' } },
  },
  deleteMarketSecurity: { summary: 'Admin: deletes a security; answers it.', example: { caller: 'admin', body: { securityId: 'PAPER:SOL' } } },
  fermataPauseDealer: { summary: 'Admin, the OTC desk (Fermata): the dealer stops quoting (its open quotes are `REJECTED`) and keeps hedging — [otc.md](otc.md).', example: { caller: 'admin', body: { dealerAccountId: '$DEALER' } } },
  fermataResumeDealer: { summary: 'Admin, the OTC desk (Fermata): a paused dealer quotes again — [otc.md](otc.md).', example: { caller: 'admin', body: { dealerAccountId: '$DEALER' } } },
  fermataFreezeWallet: { summary: 'Admin, the OTC desk (Fermata): a frozen wallet neither pays nor receives, not even in trades — [otc.md](otc.md).', example: { caller: 'admin', body: { walletId: '$WALLET' } } },
  fermataUnfreezeWallet: { summary: 'Admin, the OTC desk (Fermata): lets a frozen wallet move again — [otc.md](otc.md).', example: { caller: 'admin', body: { walletId: '$WALLET' } } },
  fermataCloseWallet: { summary: 'The OTC desk (Fermata): closes a wallet for good; it then receives nothing and pays out only a final withdrawal of all it holds — [otc.md](otc.md).', example: { body: { walletId: '$WALLET' } } },
  fermataUnlinkDealer: { summary: 'Admin, the OTC desk (Fermata): removes a linked exchange account; answers its id — [otc.md](otc.md).', example: { caller: 'admin', body: { dealerAccountId: '$DEALER', tradingAccountId: '$HEDGE' } } },
  fermataArchiveDealer: { summary: 'Admin, the OTC desk (Fermata): retires a dealer for good, only when it is flat (409 otherwise) — [otc.md](otc.md).', example: { caller: 'admin', body: { dealerAccountId: '$DEALER' } } },
  authLogout: { summary: 'Ends the session of the token: its refresh token stops working and its live WebSocket connections close.', example: {} },

  websocketConnect: { summary: 'Not an HTTP operation: the contract documents the WebSocket\'s frames here. Connect to `/connection/websocket` with a Centrifugo client.' },
};
