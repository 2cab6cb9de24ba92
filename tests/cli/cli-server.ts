import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../server/app';
import { run } from '../../server/cli/run';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';

export { ADMIN_KEY };

export interface CliServer {
  url: string;
  test: TestServices;
  close(): Promise<void>;
}

/** A real Grove on loopback (empty registry on PGlite) for the CLI to talk to. */
export async function startCliServer(): Promise<CliServer> {
  // The CLI needs no console: a missing static folder keeps the built one (if any) out of the way.
  const test = await startTestServices({ driver: 'pglite', seed: false, env: { GROVE_STATIC_DIR: '/nonexistent/grove-console' } });
  const app = await buildApp(test.services);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    test,
    async close() {
      await app.close();
      await test.close();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process through its exported `run`. */
export async function runCli(argv: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    stdin: options.stdin === undefined ? undefined : Readable.from([Buffer.from(options.stdin)]),
  });
  return { code, stdout, stderr };
}

const binary = fileURLToPath(new URL('../../bin/grove.js', import.meta.url));

/** Runs the real binary as a child process: `node bin/grove.js ...`. */
export function runBinary(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binary, ...argv], { env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
