import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { projectPath } from '../db/paths';
import type { Registry } from './registry/registry';

const SEED_FILE = projectPath('examples', 'models.yaml');

/**
 * The demo registry a new install starts with: examples/models.yaml, the same file the README
 * applies with `grove apply`, so the seed and the example never drift apart.
 */
export async function seedDemo(registry: Registry): Promise<void> {
  const objects = parseAllDocuments(readFileSync(SEED_FILE, 'utf8'))
    .map((document) => document.toJS() as unknown)
    .filter((object) => object !== null);
  await registry.apply('system:seed', objects);
}
