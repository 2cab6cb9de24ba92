import { runCli } from './cli-server';

describe('grove (no server needed)', () => {
  test.each([
    [[], 2, 'stderr', 'Usage: grove COMMAND'],
    [['--help'], 0, 'stdout', 'Usage: grove COMMAND'],
    [['help'], 0, 'stdout', 'Commands:'],
    [['launch'], 2, 'stderr', 'grove: unknown command "launch"'],
    [['apply', '--help'], 0, 'stdout', 'Usage: grove apply -f FILE'],
    [['apply', '--bogus'], 2, 'stderr', "grove apply: Unknown option '--bogus'"],
    [['apply'], 2, 'stderr', 'give at least one file with -f FILE'],
    [['apply', '-f', 'examples/models.yaml'], 2, 'stderr', 'no API key'],
  ] as const)('grove %j exits %i', async (argv, code, stream, text) => {
    const result = await runCli([...argv]);
    expect(result.code).toBe(code);
    expect(result[stream]).toContain(text);
  });
});
