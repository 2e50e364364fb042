/**
 * @module kit/crc32
 * CRC-32 (the zlib polynomial) of a text as a signed 32-bit integer — how OKX and Bitfinex send book checksums.
 */
import { crc32 } from 'node:zlib';

export function crc32Signed(text: string): number {
  return crc32(Buffer.from(text, 'utf8')) | 0;
}
