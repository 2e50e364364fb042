/**
 * @module http/client-errors
 * Requests Node's HTTP parser refuses before any route sees them — headers or a URL over the 16 KiB header limit,
 * malformed request lines — are answered in the `BaseResponse` envelope (431 / 400, then the connection closes)
 * instead of Node's bare status line, so a client still reads `errno`, `error` and `details.code`.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

function answer(socket: Duplex, status: number, reason: string, errno: number, code: string, message: string): void {
  const body = JSON.stringify({ success: false, errno, error: message, details: { code } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function answerClientErrors(http: Server): void {
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') answer(socket, 431, 'Request Header Fields Too Large', 10431, 'HEADERS_TOO_LARGE', 'the request line and headers are larger than 16 KiB');
    else answer(socket, 400, 'Bad Request', 10400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1');
  });
}
