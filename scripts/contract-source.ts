/**
 * The contract as the generators read it: packages/contract/fixtures/cadenza-rpc.json (a committed copy of
 * shared/contract/cadenza-rpc.json) merged with this server's decisions where it is silent
 * (packages/contract/fixtures/server-decisions.json: schemas for the methods the contract lists without one, and the
 * methods this server adds; each of those methods says its `origin`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface Decisions {
  models: Record<string, { fields?: Record<string, unknown> }>;
  rpc: Record<string, { params: string; result: string; area?: string; kind?: string; origin: 'decided' | 'extension' }>;
}

/** The merged contract; `T` is the caller's view of its shape. */
export function readContract<T extends { models: Record<string, unknown>; rpc: Record<string, unknown> }>(root: string): T {
  const src = JSON.parse(readFileSync(resolve(root, 'packages/contract/fixtures/cadenza-rpc.json'), 'utf8')) as T;
  const decisions = JSON.parse(readFileSync(resolve(root, 'packages/contract/fixtures/server-decisions.json'), 'utf8')) as Decisions;
  for (const [name, m] of Object.entries(decisions.models)) {
    if (src.models[name]) throw new Error(`server-decisions.json: model ${name} is the contract's`);
    src.models[name] = m;
  }
  for (const [method, r] of Object.entries(decisions.rpc)) {
    const listed = src.rpc[method] as { params?: string | null; area?: string; kind?: string } | undefined;
    if (listed?.params) throw new Error(`server-decisions.json: ${method} has a schema in the contract`);
    src.rpc[method] = { ...(listed ?? { area: r.area ?? '', kind: r.kind ?? '' }), ...r };
  }
  return src;
}
