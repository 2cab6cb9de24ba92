import { createServer } from 'node:http';
import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';

let server: CliServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
});
afterAll(async () => {
  await server?.close();
});

function created(stdout: string): { id: string; key: string } {
  const match = /^id:\s+(\S+)\nkey:\s+(\S+)\n$/.exec(stdout);
  if (!match) throw new Error(`unexpected output: ${stdout}`);
  return { id: match[1]!, key: match[2]! };
}

describe('grove keys', () => {
  test('create prints the key once; list shows it; the key works until it is revoked', async () => {
    const result = await runCli(['keys', 'create', '--name', 'ci deploys', '--scope', 'admin', '--scope', 'invoke', '--rate-limit', '120'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('cannot show it again');
    const { id, key } = created(result.stdout);
    expect(key).toMatch(/^grove_/);

    const list = await runCli(['keys', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+RATE\/MIN/);
    const row = list.stdout.split('\n').find((line) => line.startsWith(id));
    expect(row).toMatch(/ci deploys\s+admin,invoke\s+120\s/);
    // created, never used, not revoked
    expect(row).toMatch(/\s\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+-\s+-$/);
    expect(list.stdout.split('\n')[0]).toMatch(/CREATED\s+LAST USED\s+REVOKED$/);
    expect(list.stdout).not.toContain(key);

    // the new admin key manages the registry on its own, and is seen used
    expect(await runCli(['export'], { env: { ...env, GROVE_API_KEY: key } })).toMatchObject({ code: 0 });
    expect((await runCli(['keys', 'list'], { env })).stdout.split('\n').find((line) => line.startsWith(id))).toMatch(/\s\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+-$/);

    expect(await runCli(['keys', 'revoke', id], { env })).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
    expect((await runCli(['keys', 'list'], { env })).stdout.split('\n').find((line) => line.startsWith(id))).toMatch(/(\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ){3}$/);
    const refused = await runCli(['export'], { env: { ...env, GROVE_API_KEY: key } });
    expect(refused).toMatchObject({ code: 1, stderr: `grove: ${server.url} rejected the API key (401): missing or invalid API key: send Authorization: Bearer <key>\n` });
  });

  test('an invoke key may not manage the registry: 403 in one line', async () => {
    const { key } = created((await runCli(['keys', 'create', '--name', 'app', '--scope', 'invoke'], { env })).stdout);
    const result = await runCli(['apply', '-f', 'examples/models.yaml', '--key', key], { env: { GROVE_URL: server.url } });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(`grove: ${server.url} refused the request (403): this key lacks the "admin" scope\n`);
  });

  test('revoking an unknown key fails with the server reason', async () => {
    const result = await runCli(['keys', 'revoke', 'key_nope'], { env });
    expect(result).toMatchObject({ code: 1, stderr: 'grove: NOT_FOUND (404): no active key "key_nope"\n' });
  });

  test.each([
    [['keys'], 'name a keys command'],
    [['keys', 'rotate'], 'unknown keys command "rotate"'],
    [['keys', 'create', '--scope', 'admin'], 'needs --name'],
    [['keys', 'create', '--name', 'x'], 'at least one --scope'],
    [['keys', 'create', '--name', 'x', '--scope', 'root'], '--scope must be admin, invoke or metrics'],
    [['keys', 'create', '--name', 'x', '--scope', 'invoke', '--rate-limit', '0'], '--rate-limit must be a positive whole number'],
    [['keys', 'revoke'], 'needs the key id'],
    [['keys', 'list', 'extra'], 'unexpected argument "extra"'],
  ])('usage error: grove %j', async (argv, message) => {
    const result = await runCli(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Run "grove keys --help" for usage.');
  });

  test('--help prints the usage', async () => {
    expect(await runCli(['keys', '--help'], { env })).toMatchObject({ code: 0, stdout: expect.stringContaining('grove keys create --name NAME') });
  });
});

describe('connection problems are one clear line', () => {
  test('no key is a usage error', async () => {
    const result = await runCli(['keys', 'list'], { env: { GROVE_URL: server.url } });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('no API key: pass --key KEY or set GROVE_API_KEY') });
  });

  test('a URL that is not http(s) is a usage error', async () => {
    expect(await runCli(['keys', 'list', '--url', 'localhost:8080'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('--url must start with http') });
  });

  test('nothing listening: cannot reach Grove', async () => {
    const port = await closedPort();
    const result = await runCli(['keys', 'list', '--url', `http://127.0.0.1:${port}`], { env });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^grove: cannot reach Grove at http://127.0.0.1:${port} \\(.*ECONNREFUSED.*\\)\\n$`));
  });

  test('something other than Grove answering', async () => {
    const other = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<html>not grove</html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    try {
      const result = await runCli(['keys', 'list', '--url', url], { env });
      expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`^grove: ${url} did not answer like a Grove server`)) });
    } finally {
      other.close();
    }
  });

  test('a trailing slash on the URL is fine', async () => {
    expect(await runCli(['keys', 'list', '--url', `${server.url}/`], { env })).toMatchObject({ code: 0 });
  });

  test('without --url or GROVE_URL the CLI calls 127.0.0.1:8080', async () => {
    // whatever is (or is not) there, the one line names the address it tried
    const result = await runCli(['keys', 'list'], { env: { GROVE_API_KEY: 'grove_not_a_real_key' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('http://127.0.0.1:8080');
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
