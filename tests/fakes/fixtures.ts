import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FixtureProvider = 'openai' | 'anthropic' | 'gemini';

// no `new URL(…, import.meta.url)`: under jsdom (the console's tests start fakes too) the global URL is jsdom's
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/');
const cache = new Map<string, string>();

/** A golden wire payload copied from the shared wire references into tests/fixtures. */
export function fixtureText(provider: FixtureProvider, name: string): string {
  const key = `${provider}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(`${fixturesDir}${key}`, 'utf8');
    cache.set(key, text);
  }
  return text;
}

export function fixtureJson<T = unknown>(provider: FixtureProvider, name: string): T {
  return JSON.parse(fixtureText(provider, name)) as T;
}

export function hasFixture(provider: FixtureProvider, name: string): boolean {
  try {
    fixtureText(provider, name);
    return true;
  } catch {
    return false;
  }
}

/** SSE text cut into its events, each with its own separator (\n\n, \r\r or \r\n\r\n). */
export function splitSseEvents(text: string): string[] {
  return text.split(/(?<=\r\n\r\n|\n\n|\r\r)/).filter((event) => event.trim() !== '');
}
