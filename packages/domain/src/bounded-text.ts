/**
 * @module bounded-text
 * Client input quoted back in a refusal is cut to a bounded prefix and stripped of control characters, so an answer
 * never grows with the request and never carries terminal escapes or line breaks into a client's screen or a log.
 * The same rule as the auth service's (docs/errors.md, "Messages").
 */

/** Longest quoted prefix of one piece of client input, in code points. */
export const MAX_ECHO_CHARS = 64;

/** Longest message a refusal carries (the cut included), whatever it quotes. */
export const MAX_MESSAGE_CHARS = 300;

/** `text` as it may appear inside a message: control characters as `?`, at most `max` code points, then `…`. */
export function boundedText(text: string, max = MAX_ECHO_CHARS): string {
  const points = [...text.replace(/\p{C}/gu, '?')];
  return points.length <= max ? points.join('') : `${points.slice(0, max).join('')}…`;
}

/** A client's value of any type, quoted for a message: JSON for non-strings, then bounded. */
export function quoted(value: unknown, max = MAX_ECHO_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return boundedText(text, max);
}
