/**
 * @module venue-fakes/deribit/fake-deribit-protocol
 * What the parts of the fake Deribit share: the instrument terms, Deribit's JSON-RPC error answers (thrown as a
 * `Refusal` inside a method handler) and the parameter readers.
 */
import { timingSafeEqual } from 'node:crypto';
import { Decimal } from 'decimal.js';

export interface FakeDeribitInstrument {
  /** e.g. BTC-PERPETUAL, BTC-27JUN25, BTC-27JUN25-60000-C, ETH_USDC-PERPETUAL. */
  name: string;
  kind?: 'future' | 'option';
  base?: string;
  quote?: string;
  settlement?: string;
  /** USD per contract (inverse) or coin per contract (linear, options). */
  contractSize?: string;
  tickSize?: string;
  /** In Deribit's units (USD for inverse futures). */
  minTradeAmount?: string;
  inverse?: boolean;
  expiry?: number;
  strike?: string;
  optionType?: 'call' | 'put';
  state?: string;
}

export type Instrument = Required<Omit<FakeDeribitInstrument, 'expiry' | 'strike' | 'optionType'>> & Pick<FakeDeribitInstrument, 'expiry' | 'strike' | 'optionType'> & { perpetual: boolean };
export type RpcError = { code: number; message: string; data?: unknown };

export const DIR = new URL('./', import.meta.url);
export const ERR = {
  notFound: { code: 10004, message: 'order_not_found' },
  tooMany: { code: 10028, message: 'too_many_requests' },
  notOpen: { code: 11044, message: 'not_open_order' },
  badCredentials: { code: 13004, message: 'invalid_credentials' },
  unauthorized: { code: 13009, message: 'unauthorized' },
  params: (param: string, reason: string): RpcError => ({ code: -32602, message: 'Invalid params', data: { param, reason } }),
  method: { code: -32601, message: 'Method not found' },
};

/** A rejected call's answer, thrown inside a method handler. */
export class Refusal extends Error {
  constructor(readonly rpc: RpcError) {
    super(rpc.message);
  }
}

export function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Refusal(ERR.params(what, 'must be a list of strings'));
  return v as string[];
}

export function decimalParam(v: unknown, what: string): Decimal {
  if (typeof v !== 'number' && typeof v !== 'string') throw new Refusal(ERR.params(what, 'must be a number'));
  try {
    return new Decimal(v);
  } catch {
    throw new Refusal(ERR.params(what, 'must be a number'));
  }
}

export function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
