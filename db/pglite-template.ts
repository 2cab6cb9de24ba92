import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { projectPath } from './paths';

/**
 * A new embedded database starts as a copy of a template: the data folder that PGlite's initdb
 * makes, taken once by `npm run db:template` and kept in the repository (gzipped tar, ~5 MB).
 * PGlite's own initdb runs PostgreSQL in a second WebAssembly instance, snapshots and restores its
 * whole 128 MB heap before each of its runs, then copies the result through an in-memory tar: the
 * first start peaked at 750–900 MB of RSS, and most of it stayed. Extracting the template, streamed
 * from disk, costs what opening an existing folder costs.
 *
 * A template is only as good as the PostgreSQL build that made it: its name carries the PGlite
 * version, and with any other version installed Grove runs initdb instead (tests/db hold the
 * committed template to the installed version).
 */
export const TEMPLATE_FOLDER = projectPath('db', 'pglite-template');

/** The template's file name for a PGlite version. */
export function templateName(version: string): string {
  return `pglite-${version}.tar.gz`;
}

/** The installed PGlite's version, from its package.json (which its exports do not expose). */
export function installedPgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  for (let folder = dirname(entry); dirname(folder) !== folder; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
    if (name === '@electric-sql/pglite') return version;
  }
  throw new Error('@electric-sql/pglite has no package.json');
}

/** The template made by the installed PGlite, if the repository has it. */
export function usableTemplate(): string | undefined {
  const file = join(TEMPLATE_FOLDER, templateName(installedPgliteVersion()));
  return existsSync(file) ? file : undefined;
}
