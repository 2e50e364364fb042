/**
 * The signed-in console: market (picker, stats, chart, ladder, tape) and trading (account, ticket, orders,
 * balances) for one instrument, over one connection. Layout: three columns at desktop width, one column on a
 * phone (theme.css).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RpcInstrument, RpcTradingAccount } from '@cadenza/client';
import type { Auth } from './auth/auth-client.ts';
import type { PageConfig } from './page-config.ts';
import { openConnection, useConnectionState, useSessionRefused } from './connection.ts';
import { setLoginNotice } from './auth/login-notice.ts';
import { initialInstrumentId, rememberInstrument, useInstruments } from './market/instruments.ts';
import { InstrumentPicker } from './market/instrument-picker.tsx';
import { useMarket } from './market/use-market.ts';
import { FeedBadge, feedStatus } from './market/feed-status.tsx';
import { OrderBookLadder } from './market/order-book-ladder.tsx';
import { TradeTape } from './market/trade-tape.tsx';
import { CandleChart } from './market/candle-chart.tsx';
import { MarketStats } from './market/market-stats.tsx';
import { pickAccount, rememberAccount, useAccounts } from './trading/use-accounts.ts';
import { useAccountData } from './trading/use-account-data.ts';
import { AccountBar } from './trading/account-bar.tsx';
import { OrderTicket, type PickedPrice } from './trading/order-ticket.tsx';
import { OrdersPanel } from './trading/orders-panel.tsx';
import { PortfolioPanel } from './trading/portfolio-panel.tsx';
import { Logo } from './ui/logo.tsx';

export function Workspace({ auth, email, config }: { auth: Auth; email: string; config: PageConfig }) {
  const client = useMemo(() => openConnection(auth), [auth]);
  useEffect(() => () => client.disconnect(), [client]);
  const connection = useConnectionState(client);
  const connected = connection === 'connected';
  useSessionRefused(client, (reason) => {
    setLoginNotice(`Your session ended (${reason}). Log in again.`);
    void auth.signOut({ scope: 'local' });
  });

  const { instruments, error: instrumentsError } = useInstruments(client, connected);
  const byId = useMemo(() => new Map(instruments.map((i) => [i.instrumentId!, i])), [instruments]);
  const [instrumentId, setInstrumentId] = useState(initialInstrumentId);
  const inst: RpcInstrument | undefined = byId.get(instrumentId);
  const chooseInstrument = (id: string) => {
    setInstrumentId(id);
    rememberInstrument(id);
  };

  const market = useMarket(client, inst);
  const status = feedStatus(connection, market.book.synced);

  const accounts = useAccounts(client, connected);
  const [chosen, setChosen] = useState<RpcTradingAccount>();
  const account = chosen && chosen.venue === inst?.venue ? chosen : pickAccount(accounts.accounts, inst?.venue);
  const selectAccount = (a: RpcTradingAccount) => {
    setChosen(a);
    rememberAccount(a);
  };
  const data = useAccountData(client, account?.tradingAccountId);
  const [picked, setPicked] = useState<PickedPrice>();

  return (
    <div class={`workspace feed-${status}`}>
      <header class="topbar">
        <Logo />
        <InstrumentPicker instruments={instruments} value={instrumentId} onChange={chooseInstrument} />
        <MarketStats inst={inst} book={market.book} last={market.trades[0]} />
        <FeedBadge status={status} />
        <div class="user">
          <span class="muted email" title={email}>
            {email}
          </span>
          <button type="button" class="small ghost" onClick={() => {
              client.disconnect(); // ours, before the server cuts it: not a refused session
              void auth.signOut();
            }}>
            Sign out
          </button>
        </div>
      </header>
      {(instrumentsError || market.feedError) && (
        <p class="banner" role="alert">
          {instrumentsError ?? market.feedError}
        </p>
      )}
      {instruments.length > 0 && !inst && (
        <p class="banner" role="alert">
          {instrumentId} is not offered by this server: pick another instrument.
        </p>
      )}
      <main class="grid-layout">
        <section class="panel area-chart" aria-label="Chart">
          <CandleChart client={client} inst={inst} />
        </section>
        <section class="panel area-book" aria-labelledby="book-title">
          <h2 id="book-title" class="panel-title">
            Order book
          </h2>
          <OrderBookLadder inst={inst} book={market.book} status={status} levels={9} onPickPrice={(price) => setPicked({ price, seq: Date.now() })} />
        </section>
        <section class="panel area-tape" aria-labelledby="tape-title">
          <h2 id="tape-title" class="panel-title">
            Trades
          </h2>
          <TradeTape inst={inst} trades={market.trades} />
        </section>
        <section class="panel area-ticket" aria-labelledby="ticket-title">
          <h2 id="ticket-title" class="panel-title">
            Trade {inst?.symbol ?? ''}
          </h2>
          <AccountBar venue={inst?.venue} accounts={accounts.accounts} selected={account} onSelect={selectAccount} onCreate={accounts.create} />
          {accounts.error && (
            <p class="form-error" role="alert">
              {accounts.error}
            </p>
          )}
          {inst && account?.tradingAccountId ? (
            <OrderTicket
              client={client}
              inst={inst}
              accountId={account.tradingAccountId}
              balances={data.portfolio?.balances ?? []}
              {...(market.book.mid ? { reference: market.book.mid } : {})}
              {...(picked ? { picked } : {})}
              onPlaced={data.upsert}
            />
          ) : (
            <p class="muted ticket-placeholder">{accounts.loaded ? 'Create an account to trade.' : 'Loading accounts…'}</p>
          )}
        </section>
        <section class="panel area-orders" aria-label="Orders">
          {data.error && (
            <p class="form-error" role="alert">
              {data.error}
            </p>
          )}
          <OrdersPanel client={client} accountId={account?.tradingAccountId} orders={data.orders} instruments={byId} onChanged={data.upsert} />
        </section>
        <section class="panel area-portfolio" aria-labelledby="portfolio-title">
          <h2 id="portfolio-title" class="panel-title">
            Portfolio{account?.nickname ? <span class="muted"> · {account.nickname}</span> : null}
          </h2>
          <PortfolioPanel portfolio={data.portfolio} accountId={account?.tradingAccountId} />
        </section>
      </main>
      <footer class="foot muted">
        Cadenza {config.version} · {connection === 'connected' ? 'connected' : connection} · prices from {inst?.venue ?? '—'}
      </footer>
    </div>
  );
}
