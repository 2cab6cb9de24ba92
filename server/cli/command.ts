import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createGroveClient, describeFailure, type GroveClient } from './client';

/** What the CLI reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  stdin?: AsyncIterable<string | Uint8Array>;
}

/** The command line was wrong: exit code 2, with a pointer to `--help`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
  }
}

/** The command ran and failed (server refused, file unreadable...): exit code 1. */
export class Failure extends Error {}

/** Calls the server; anything that goes wrong becomes one line that names the server. */
export async function call<T>(url: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw new Failure(describeFailure(error, url));
  }
}

export const connectionOptions = {
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const connectionHelp = `Connection:
  --url URL   Grove's address (default: $GROVE_URL or http://127.0.0.1:8080)
  --key KEY   an admin API key (default: $GROVE_API_KEY)
  -h, --help  show this help
`;

/** util.parseArgs, with its errors turned into usage errors that name the command. */
export function parseCommand<T extends ParseArgsConfig>(command: string, config: T) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

export function connect(command: string, values: { url?: string; key?: string }, env: CliIo['env']): { client: GroveClient; url: string } {
  const url = values.url ?? env.GROVE_URL ?? 'http://127.0.0.1:8080';
  const key = values.key ?? env.GROVE_API_KEY;
  if (!key) throw new UsageError('no API key: pass --key KEY or set GROVE_API_KEY', command);
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must start with http:// or https:// (got "${url}")`, command);
  return { client: createGroveClient({ url, key }), url };
}
