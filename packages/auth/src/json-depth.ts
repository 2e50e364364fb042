/**
 * @module json-depth
 * How deep a JSON text nests, read on the text before it is parsed: a body nested thousands of levels deep overflows
 * the stack of whatever walks it later (a parse, a validator, a token's signing). Used by the auth routes and by
 * `/api/v3`'s request checks.
 */

/** Whether the JSON text opens more than `max` arrays/objects at once (brackets inside strings do not count). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: the escaped character is text
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}
