import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { create } from 'tar';
import { settingParams } from '../db/pglite-settings';
import { installedPgliteVersion, TEMPLATE_FOLDER, templateName } from '../db/pglite-template';

/**
 * `npm run db:template`: makes the embedded database's template (db/pglite-template.ts) with the
 * installed PGlite — initdb with Grove's settings, then a clean shutdown — and replaces the old one.
 * Run it after upgrading @electric-sql/pglite, and commit the result.
 */
/** Every path under `root`/`relative`, each folder before what it holds. */
function walk(root: string, relative: string): string[] {
  return readdirSync(join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    return entry.isDirectory() ? [path, ...walk(root, path)] : [path];
  });
}

const folder = mkdtempSync(join(tmpdir(), 'grove-pglite-template-'));
try {
  const params = settingParams();
  const pg = await PGlite.create(folder, { initDbStartParams: params, startParams: [...PGlite.defaultStartParams, ...params] });
  await pg.close();
  const version = installedPgliteVersion();
  mkdirSync(TEMPLATE_FOLDER, { recursive: true });
  for (const old of readdirSync(TEMPLATE_FOLDER)) rmSync(join(TEMPLATE_FOLDER, old));
  // PG_VERSION last: PGlite takes a folder with it for a made one, so a half-extracted folder is not
  const entries = [...walk(folder, '').filter((entry) => entry !== 'PG_VERSION'), 'PG_VERSION'];
  const file = join(TEMPLATE_FOLDER, templateName(version));
  await create({ gzip: { level: 9 }, file, cwd: folder, portable: true, noDirRecurse: true }, entries);
  console.log(`wrote ${file}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
