import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Bounds on reading a refused upload after its answer, as nginx's lingering_time and lingering_timeout. */
const LINGER_TOTAL_MS = 30_000;
const LINGER_IDLE_MS = 5_000;

/**
 * Marks the answer as the connection's last and has the connection closed the way nginx and Apache
 * close one whose request body they will not read: the answer, then the end of our side, then the
 * rest of the upload read and thrown away until the client closes its side or a bound passes.
 *
 * Node's own close (`destroySoon` once the answer is flushed) closes the socket with the rest of the
 * upload unread in the kernel's buffer, which turns the close into a reset: a client still writing
 * its body gets EPIPE or ECONNRESET and never reads the 413 or 401 that was sent.
 */
export function closeAfterAnswer(response: ServerResponse): void {
  response.setHeader('connection', 'close');
  const socket = response.socket;
  if (socket) socket.destroySoon = () => linger(socket);
}

function linger(socket: Socket): void {
  // The HTTP parser still reads the socket and discards the request's remaining body (Node dumps
  // an unread request once its answer is finished); the socket closes when the client ends its side.
  socket.end();
  const total = setTimeout(() => socket.destroy(), LINGER_TOTAL_MS);
  socket.setTimeout(LINGER_IDLE_MS, () => socket.destroy());
  socket.once('close', () => clearTimeout(total));
}
