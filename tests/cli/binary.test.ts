import { readFileSync } from 'node:fs';
import { ADMIN_KEY, runBinary, startCliServer, type CliServer } from './cli-server';

// The real executable, as a user runs it from a clone: node bin/grove.js (tsx, no build step).
let server: CliServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
});
afterAll(async () => {
  await server?.close();
});

describe('bin/grove.js', () => {
  test('apply, then export piped back into apply -f -, round-trips', async () => {
    const count = readFileSync('examples/models.yaml', 'utf8').split(/^---$/m).length;
    const applied = await runBinary(['apply', '-f', 'examples/models.yaml'], { env });
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout.trim().split('\n')).toHaveLength(count);
    expect(applied.stdout).toContain('model/claude-sonnet created\n');

    const exported = await runBinary(['export'], { env });
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toContain('kind: Model');

    const again = await runBinary(['apply', '-f', '-'], { env, stdin: exported.stdout });
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n');
    expect(lines).toHaveLength(count);
    expect(lines.every((line) => line.endsWith(' unchanged'))).toBe(true);
  });

  test('exit codes: 2 for usage, 1 for a failure, 0 for help', async () => {
    expect(await runBinary(['apply'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('give at least one file') });
    expect(await runBinary(['export', '--key', 'grove_wrong'], { env })).toMatchObject({ code: 1, stderr: expect.stringContaining('rejected the API key (401)') });
    expect(await runBinary(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: grove COMMAND') });
  });
});
