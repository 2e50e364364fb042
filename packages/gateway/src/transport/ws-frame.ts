/**
 * @module transport/ws-frame
 * Builds complete unmasked WebSocket data frames (RFC 6455 §5.2: FIN, opcode, payload length, payload). Frames a
 * server sends are never masked, so the bytes are the same for every receiver: fan-out builds one frame per
 * publication and writes that buffer to each subscriber's socket.
 */

/** One frame whose payload is `parts` in order — joined by `\n` in a text frame (the JSON protocol's separator). */
export function encodeServerFrame(parts: Buffer | readonly Buffer[], binary: boolean): Buffer {
  const list = Buffer.isBuffer(parts) ? [parts] : parts;
  let len = binary ? 0 : Math.max(0, list.length - 1);
  for (const p of list) len += p.length;
  const headerLength = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + len);
  frame[0] = binary ? 0x82 : 0x81;
  if (len < 126) frame[1] = len;
  else if (len < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  let at = headerLength;
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && !binary) frame[at++] = 0x0a;
    at += list[i]!.copy(frame, at);
  }
  return frame;
}

/**
 * One encoded message for many receivers (a publication, a join/leave): the protocol payload, and the complete
 * WebSocket frame built from it on first use, so fan-out frames it once and writes the same bytes to every socket.
 */
export class SharedFrame {
  #frame: Buffer | undefined;
  constructor(
    readonly payload: Buffer,
    readonly binary: boolean,
  ) {}

  get frame(): Buffer {
    return (this.#frame ??= encodeServerFrame(this.payload, this.binary));
  }
}
