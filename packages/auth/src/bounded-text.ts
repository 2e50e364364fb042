/**
 * @module bounded-text
 * Client input quoted back in an error message or a log line is cut to a bounded prefix and stripped of control
 * characters, so an answer never grows with the request and never carries terminal escapes or line breaks.
 */

/** Longest quoted prefix, in code points. */
export const MAX_ECHO_CHARS = 64;

/** `text` as it may appear inside a message (see the module note). */
export function boundedText(text: string, max = MAX_ECHO_CHARS): string {
  const points = [...text.replace(/\p{C}/gu, '?')];
  return points.length <= max ? points.join('') : `${points.slice(0, max).join('')}…`;
}
