/**
 * Writes the reference part of docs/rest-api.md (scripts/rest-reference/render.ts) between its markers; the rest
 * of the guide is prose kept by hand. `npm run gen:rest-docs` after the contract or examples.ts changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REFERENCE_BEGIN, REFERENCE_END, restReference } from './rest-reference/render.ts';

const file = resolve(import.meta.dirname, '../docs/rest-api.md');
const doc = readFileSync(file, 'utf8');
const begin = doc.indexOf(REFERENCE_BEGIN);
const end = doc.indexOf(REFERENCE_END);
if (begin < 0 || end < begin) throw new Error(`docs/rest-api.md has no ${REFERENCE_BEGIN} … ${REFERENCE_END} section`);
writeFileSync(file, doc.slice(0, begin) + restReference() + doc.slice(end + REFERENCE_END.length));
console.log('docs/rest-api.md: reference written');
