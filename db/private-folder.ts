import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Creates `folder` (and its parents) if missing, and makes it owner-only (0700) even if it existed. */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
}

/**
 * Takes group and other permissions off everything under `folder`, the folder included. PGlite
 * lays out its initial cluster with world-writable files (0666, whatever the umask) and writes
 * some later under the process umask; an embedded database holds API key hashes and encrypted
 * secrets, so it is made private on every start (which also mends folders made by older versions).
 * Files PostgreSQL creates later are its own 0600, and the folder itself is 0700 from the start.
 * Symbolic links are left alone: their target is not ours to change.
 */
export function makeTreePrivate(folder: string): void {
  const stats = lstatSync(folder);
  if (stats.isSymbolicLink()) return;
  if ((stats.mode & 0o077) !== 0) chmodSync(folder, stats.mode & 0o700);
  if (stats.isDirectory()) for (const entry of readdirSync(folder)) makeTreePrivate(join(folder, entry));
}
