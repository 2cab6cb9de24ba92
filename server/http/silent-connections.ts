import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long a connection opened while the server drains may stay silent before it is closed. */
const SILENT_WHILE_CLOSING_MS = 1_000;

/**
 * Closes, when the server shuts down, the connections that carry no request and never sent a
 * byte. Node's `server.close()` closes idle keep-alive connections, but not one that was opened
 * and never used (a browser's preconnect, a client pool's spare socket): its parser counts it as
 * a request in progress, so shutdown waited for `headersTimeout` (a minute) on a connection that
 * nobody was going to use. Connections with a request in flight are left to finish: draining them
 * is the point of a graceful shutdown.
 */
export function closeSilentConnectionsOnShutdown(server: Server): () => void {
  const sockets = new Set<Socket>();
  let closing = false;
  const closeIfSilent = (socket: Socket) => {
    if (socket.bytesRead === 0) socket.destroy();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (closing) setTimeout(() => closeIfSilent(socket), SILENT_WHILE_CLOSING_MS).unref();
  });
  return () => {
    closing = true;
    for (const socket of sockets) closeIfSilent(socket);
  };
}
