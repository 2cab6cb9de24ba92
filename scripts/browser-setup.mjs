// What a run in Debian's Chromium needs on the machine: shared by scripts/e2e.mjs and scripts/visual.mjs.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run as root on a machine with a closed network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('installing Debian chromium');
  execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function ensureConsoleBuilt() {
  if (existsSync(join(process.cwd(), 'dist', 'client', 'index.html'))) return;
  console.log('building the console (npx vite build)');
  execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
}
