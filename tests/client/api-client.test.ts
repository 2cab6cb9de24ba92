import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeApiClient, createApiClient } from '../../client/src/api/trpc';
import { waitFor } from '../support/wait-for';

describe("the console's API client", () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('closes its websocket when the console goes away, and does not open it again on its own', async () => {
    // a bare websocket server: what is observed is the connection, not what goes over it
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const connections: WebSocket[] = [];
    server.on('connection', (socket) => connections.push(socket));
    const client = createApiClient({ url: 'http://127.0.0.1:9/trpc', wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` }, () => 'some-key');
    client.events.feed.subscribe({ recent: 0 }, { onError: () => {} });
    await waitFor(() => connections.length === 1);

    const closed = once(connections[0]!, 'close');
    closeApiClient(client);
    await closed;
    // a socket still managed reconnects within its retry delay (500 ms at first); this one stays closed
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(connections).toHaveLength(1);
  });
});
