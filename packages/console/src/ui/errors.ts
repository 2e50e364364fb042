/** Any failure of a call to the server, in words for the person at the console. */
import { CadenzaError, CadenzaRpcError, ProtocolError } from '@cadenza/client';

const capital = (s: string) => (s ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s);

export function errorText(err: unknown): string {
  if (err instanceof CadenzaRpcError) {
    // The server's own sentence, without the SDK's "method: … (code)" frame; the code stays for support.
    const sentence = err.message.replace(`${err.method}: `, '').replace(/ \(\d+\)$/, '');
    return `${capital(sentence)}${/[.!?]$/.test(sentence) ? '' : '.'} (error ${err.code})`;
  }
  if (err instanceof ProtocolError) {
    if (err.code === 103) return 'You are not allowed to do that.';
    if (err.code === 111) return 'Too many requests: slow down a moment.';
    if (err.code < 100) return 'Not connected to the server right now: try again once the connection is back.';
    return `The server refused the request (${err.code}).`;
  }
  if (err instanceof CadenzaError || err instanceof Error) return capital(err.message);
  return String(err);
}
