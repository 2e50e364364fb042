/**
 * REST ⇄ RPC model translation (docs/rest-api.md, "Design"): REST field names, ms timestamps with ISO
 * `*DateTime` companions, form-style query arrays, `limit`/`offset`/`cursor` → `params.pagination`.
 */

const restToRpcNames: Record<string, string> = {
  orderQuantityType: 'quantityType',
  externalTradingAccountId: 'externalAccountId',
  apiSecret: 'secretKey',
  apiPassphrase: 'secretPassphrase',
};
const rpcToRestNames: Record<string, string> = Object.fromEntries(Object.entries(restToRpcNames).map(([a, b]) => [b, a]));

const timestampFields = new Set([
  'createdAt', 'updatedAt', 'expireAt', 'canceledAt', 'executedAt', 'revokedAt', 'closedAt', 'deliveryDate',
  'lastEventTimestamp', 'lastExecutionAt',
]);
const intQuery = new Set(['limit', 'offset', 'depth', 'startTime', 'endTime', 'from', 'to']);
const msToIsoQuery = new Set(['startTime', 'endTime']);
const arrayQuery = new Set(['symbols', 'credentialIds', 'instrumentIds']);

export class RestInputError extends Error {}

function renameDeep(value: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameDeep(v, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[names[k] ?? k] = renameDeep(v, names);
  return out;
}

export function bodyToRpc(body: unknown): unknown {
  return renameDeep(body, restToRpcNames);
}

/** Query string → RPC params; arrays accept repeated keys and comma lists (`symbols=a&symbols=b`, `symbols=a,b`). */
export function queryToRpc(query: Record<string, string[]>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const pagination: Record<string, unknown> = {};
  for (const [rawKey, values] of Object.entries(query)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    if (arrayQuery.has(key)) {
      params[key] = values.flatMap((v) => v.split(',')).filter((v) => v !== '');
      continue;
    }
    const raw = values[values.length - 1] ?? '';
    let value: unknown = raw;
    if (intQuery.has(key)) {
      if (!/^-?\d+$/.test(raw)) throw new RestInputError(`query ${key} must be an integer`);
      value = Number(raw);
      if (msToIsoQuery.has(key)) value = new Date(value as number).toISOString();
    } else if (key === 'ascending') {
      if (raw !== 'true' && raw !== 'false') throw new RestInputError('query ascending must be true or false');
      value = raw === 'true';
    }
    if (key === 'limit' || key === 'offset' || key === 'cursor') pagination[key] = value;
    else params[restToRpcNames[key] ?? key] = value;
  }
  if (Object.keys(pagination).length > 0) params.pagination = pagination;
  return params;
}

/** RPC model → REST model: renamed fields, ISO timestamps → epoch ms plus `<field>DateTime`. */
export function rpcToRest(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rpcToRest);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = rpcToRestNames[k] ?? k;
    if (timestampFields.has(k) && typeof v === 'string' && !Number.isNaN(Date.parse(v))) {
      out[name] = Date.parse(v);
      out[`${name}DateTime`] = v;
    } else out[name] = rpcToRest(v);
  }
  return out;
}
