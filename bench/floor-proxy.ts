import { Agent, createServer, request as httpRequest } from 'node:http';

/**
 * The floor: the least any Node gateway can add. A keep-alive pass-through proxy that reads the
 * body, parses it once (as any gateway must, to route), and pipes the upstream's answer back.
 */
const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:9/v1');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (data: Buffer) => chunks.push(data));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const payload = JSON.stringify(body);
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: `${upstream.pathname}/chat/completions`, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', () => response.writeHead(502).end());
    outgoing.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
