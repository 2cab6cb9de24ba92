// What a run in Debian's Chromium needs on the machine: shared by scripts/e2e.mjs and scripts/visual.mjs.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run as root on a machine with a closed network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('installing Debian chromium');
  execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The newest modification time among the files the console is built from. */
function newestSource(paths) {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) newest = Math.max(newest, newestSource(readdirSync(path).map((name) => join(path, name))));
    else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/**
 * Builds the console when there is no build or when a source is newer than it: a stale build
 * would test yesterday's console (and a visual run would match the old baselines).
 */
export function ensureConsoleBuilt() {
  const root = process.cwd();
  const built = join(root, 'dist', 'client', 'index.html');
  const sources = ['client', 'shared', 'vite.config.ts', 'package-lock.json'].map((path) => join(root, path));
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(sources)) return;
  console.log('building the console (npx vite build)');
  execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
}
