import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, or Grove for the console), to play a network or database that fails: `hang()`
 * stops forwarding bytes either way on every connection, old and new, as a hung server or network
 * does (nothing is refused, nothing answers; held bytes are kept); `resume()` delivers what was
 * held and forwards again; `cut()` closes every connection and refuses new ones until `resume()`, as
 * a database that went down does.
 */
export interface TcpProxy {
  /** `target` with its host and port replaced by the proxy's */
  url: string;
  /** connections refused while cut: how a test sees that a client tried */
  readonly refused: number;
  hang(): void;
  cut(): void;
  resume(): void;
  /** new connections go to `target` from now on (a client that reconnects finds another server at the same address) */
  retarget(target: string): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  held: Array<{ to: Socket; chunk: Buffer }>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  let upstream = new URL(target);
  let state: 'open' | 'hung' | 'cut' = 'open';
  let refused = 0;
  const pairs = new Set<Pair>();

  const server = createServer((client) => {
    if (state === 'cut') {
      refused += 1;
      client.destroy();
      return;
    }
    const database = createConnection({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    const pair: Pair = { client, server: database, held: [] };
    pairs.add(pair);
    // bytes that arrive while hung are held, in order, and delivered on resume: a hang, not a loss
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (state === 'open') to.write(chunk);
      else pair.held.push({ to, chunk });
    };
    client.on('data', forward(database));
    database.on('data', forward(client));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      database.destroy();
    };
    client.on('error', end).on('close', end);
    database.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    get refused() {
      return refused;
    },
    hang() {
      state = 'hung';
    },
    cut() {
      state = 'cut';
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.server.destroy();
      }
    },
    retarget(next) {
      upstream = new URL(next);
    },
    resume() {
      state = 'open';
      for (const pair of pairs) {
        for (const { to, chunk } of pair.held.splice(0)) to.write(chunk);
      }
    },
    async close() {
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
