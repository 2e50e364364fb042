/**
 * @module channel-names
 * The account and user channels events go to (`channels.tradingAccount`, `channels.user`), each name made once and
 * kept: wherever an event goes (the sink, the gateway's channel options and history) its channel's name is a map key,
 * and a name made anew per event is a new string to flatten and hash at each of them (~0.1–0.3 µs an event, ad-hoc
 * micro-benchmark). The publisher names every account and user event's channel here.
 */
import { channels } from '@cadenza/contract';

/** Names kept at most (per kind); past it they are made anew and the cache starts over. */
const LIMIT = 10_000;

/** `make`, each id's name made once and kept. */
function kept(make: (id: string) => string): (id: string) => string {
  const names = new Map<string, string>();
  return (id) => {
    let name = names.get(id);
    if (name === undefined) {
      if (names.size >= LIMIT) names.clear();
      names.set(id, (name = make(id)));
    }
    return name;
  };
}

export const accountChannel = kept(channels.tradingAccount);
export const userChannel = kept(channels.user);
