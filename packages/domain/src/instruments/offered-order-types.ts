/**
 * @module instruments/offered-order-types
 * Two lists of order types, kept apart: what the venue takes natively — `InstrumentSpec.orderTypes`, the only list
 * stored, and the one the order desk decides emulation on — and what Cadenza takes for the instrument, answered to
 * clients (`RpcInstrument.orderTypes`, hence the REST `Instrument` and `event.instrument.updated`): the native types
 * plus those Cadenza emulates there.
 *
 * The answered list must never come back as the native one: an admin who saves an instrument as it was answered
 * (`command.instrument.save`) would make an emulated type look native, and the desk would then send a TRAILING_STOP
 * to a venue that has none. `nativeOrderTypes` keeps an emulated type native only when the stored list already had it.
 */
import type { InstrumentSpec } from '../model/instrument.ts';

/**
 * What Cadenza emulates where the venue has none of its own: a trailing stop (orders/trailing-stop-emulator.ts),
 * which fires as a MARKET order, or a LIMIT one when it carries a limit price.
 */
export const EMULATED_ORDER_TYPES: readonly string[] = ['TRAILING_STOP'];

/** The order types an emulated trailing stop can turn into when it fires (one is enough). */
const TRAILING_STOP_FIRES_AS = ['MARKET', 'LIMIT'];

/**
 * The order types Cadenza takes on the instrument: the venue's own, then TRAILING_STOP where the venue has none but
 * takes what it fires as. Derivatives answer their native list only: their pre-trade check takes no held stop.
 */
export function offeredOrderTypes(spec: InstrumentSpec): string[] {
  const native = spec.orderTypes;
  if (spec.contract || native.includes('TRAILING_STOP') || !TRAILING_STOP_FIRES_AS.some((t) => native.includes(t))) return [...native];
  return [...native, 'TRAILING_STOP'];
}

/**
 * The native list to store from a list an admin gave (`given`), which may be one Cadenza answered: an emulated type
 * in it stays only when the venue's stored list (`stored`) already had it natively.
 */
export function nativeOrderTypes(given: readonly string[], stored: readonly string[] | undefined): string[] {
  return given.filter((t) => !EMULATED_ORDER_TYPES.includes(t) || (stored?.includes(t) ?? false));
}
