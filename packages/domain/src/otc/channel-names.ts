/**
 * @module otc/channel-names
 * The account and user channels the desk pushes to (`channels.tradingAccount`, `channels.user`), each name made
 * once and kept: wherever an event goes (the sink, the gateway's channel options and history) its channel's name is a
 * map key, and a name made anew per event is a new string to flatten and hash at each of them (~0.1–0.3 µs a push,
 * ad-hoc micro-benchmark) — an RFQ + accept pushes its quote twice to two channels, and two portfolios.
 */
import { channels } from '@cadenza/contract';

/** Names kept at most (per kind); past it they are made anew and the cache starts over. */
const LIMIT = 10_000;
const accountNames = new Map<string, string>();
const userNames = new Map<string, string>();

export function accountChannel(tradingAccountId: string): string {
  let name = accountNames.get(tradingAccountId);
  if (name === undefined) {
    if (accountNames.size >= LIMIT) accountNames.clear();
    accountNames.set(tradingAccountId, (name = channels.tradingAccount(tradingAccountId)));
  }
  return name;
}

export function userChannel(userId: string): string {
  let name = userNames.get(userId);
  if (name === undefined) {
    if (userNames.size >= LIMIT) userNames.clear();
    userNames.set(userId, (name = channels.user(userId)));
  }
  return name;
}
