/**
 * @module otc/pricing-profiles
 * A dealer's spreads, read from its free-form `config`:
 *
 *   { "pricingProfileId": "<uuid>",                                  // the dealer's default profile
 *     "pricingProfiles": { "<uuid>": { "spreadBps": 5 }, … } }       // its published price tiers
 *
 * A dealer that names none prices with the built-in default profile (`DEFAULT_PRICING_PROFILE_ID`, 10 bps). An RFQ may
 * pick any of the dealer's profiles by `pricingProfileId` (e.g. a "block" tier); an unknown one is refused.
 */
import { dec, type Dec } from '../model/decimal.ts';

/** The built-in profile every dealer has. */
export const DEFAULT_PRICING_PROFILE_ID = '00000000-0000-4000-8000-0000000f0001';
export const DEFAULT_SPREAD_BPS = 10;

export interface PricingProfile {
  pricingProfileId: string;
  spreadBps: Dec;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The profiles `config` declares (with the built-in one), or what is wrong with them. */
export function readPricingProfiles(config: Record<string, unknown>): { ok: true; profiles: Map<string, PricingProfile>; defaultId: string } | { ok: false; message: string } {
  const profiles = new Map<string, PricingProfile>([[DEFAULT_PRICING_PROFILE_ID, { pricingProfileId: DEFAULT_PRICING_PROFILE_ID, spreadBps: dec(DEFAULT_SPREAD_BPS) }]]);
  const declared = config.pricingProfiles;
  if (declared !== undefined) {
    if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return { ok: false, message: 'config.pricingProfiles must be an object of profile id → { spreadBps }' };
    for (const [id, p] of Object.entries(declared)) {
      if (!UUID.test(id)) return { ok: false, message: 'config.pricingProfiles keys must be UUIDs' };
      const bps = (p as { spreadBps?: unknown } | null)?.spreadBps;
      const text = typeof bps === 'number' && Number.isFinite(bps) ? String(bps) : bps;
      if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text) || dec(text).gt(10_000)) {
        return { ok: false, message: `config.pricingProfiles.${id}.spreadBps must be a number from 0 to 10000` };
      }
      profiles.set(id.toLowerCase(), { pricingProfileId: id.toLowerCase(), spreadBps: dec(text) });
    }
  }
  const chosen = config.pricingProfileId;
  if (chosen !== undefined && (typeof chosen !== 'string' || !profiles.has(chosen.toLowerCase()))) {
    return { ok: false, message: 'config.pricingProfileId must name the built-in profile or one of config.pricingProfiles' };
  }
  return { ok: true, profiles, defaultId: typeof chosen === 'string' ? chosen.toLowerCase() : DEFAULT_PRICING_PROFILE_ID };
}
