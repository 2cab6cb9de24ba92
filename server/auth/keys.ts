import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys } from '../../db/schema';
import type { Logger } from '../logger';
import { KeyUsage, type KeyUse } from './key-usage';

import type { ApiKeyView, Scope } from '../../shared/system';

export { SCOPES } from '../../shared/system';
export type { ApiKeyView, Scope };

/** Who is calling: resolved from `Authorization: Bearer <key>` against the in-memory key snapshot. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): string {
  return 'grove_' + randomBytes(24).toString('base64url');
}

export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** How many valid raw keys KeyStore remembers before it starts over. */
const REMEMBERED_KEYS = 10_000;

/**
 * Keys live hashed in the database and, for the hot path, in a Map from hash to principal that is
 * rebuilt after every change: authenticating a key costs one SHA-256 and one lookup the first
 * time, then one lookup (keys that did authenticate are remembered until the next change).
 */
export class KeyStore {
  private byHash = new Map<string, Principal>();
  /** the active keys by id: a ws connection authenticates once, then every call looks its key up here */
  private byId = new Map<string, Principal>();
  /** keys seen and found valid since the last change; wrong keys are never remembered */
  private byKey = new Map<string, Principal>();
  /** one per active key that something waits on (open subscriptions): aborted when the key goes */
  private revocations = new Map<string, AbortController>();
  private listeners = new Set<() => void>();
  /** each key's newest use, on its way to `api_keys.last_used_at` (started and closed by the services) */
  readonly usage: KeyUsage;
  private loading: Promise<void> = Promise.resolve();
  private readVersion: (() => Promise<bigint>) | null = null;
  /** the database's change version the keys include at least (with PostgreSQL; see Registry.trackVersion) */
  loadedVersion = -1n;

  constructor(
    private readonly db: Database,
    logger: Logger,
  ) {
    this.usage = new KeyUsage((uses) => storeKeyUses(db, uses), logger);
  }

  /** Each load reads the database's change version first (server/peer-sync.ts). */
  trackVersion(readVersion: () => Promise<bigint>): void {
    this.readVersion = readVersion;
  }

  /**
   * Called after this instance creates or revokes a key (not after a reload), so that other
   * instances on the same database can be told to reload: a revoked key must stop working there too.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads the active keys. One load at a time, each reading after the last: a slow read that
   * started before a revocation must not land after the revocation's own reload and bring the key back.
   */
  load(): Promise<void> {
    const next = this.loading.then(() => this.reload());
    this.loading = next.catch(() => {});
    return next;
  }

  private async reload(): Promise<void> {
    const version = this.readVersion ? await this.readVersion() : undefined;
    const rows = await this.db
      .select({ id: apiKeys.id, name: apiKeys.name, hash: apiKeys.hash, scopes: apiKeys.scopes, rateLimitPerMinute: apiKeys.rateLimitPerMinute })
      .from(apiKeys)
      .where(isNull(apiKeys.revokedAt));
    const principals = rows.map((row) => ({ hash: row.hash, principal: { keyId: row.id, name: row.name, scopes: row.scopes as Scope[], rateLimitPerMinute: row.rateLimitPerMinute } }));
    this.byHash = new Map(principals.map((entry) => [entry.hash, entry.principal]));
    this.byId = new Map(principals.map((entry) => [entry.principal.keyId, entry.principal]));
    this.byKey = new Map();
    for (const [keyId, controller] of this.revocations) {
      if (this.byId.has(keyId)) continue;
      this.revocations.delete(keyId);
      controller.abort();
    }
    if (version !== undefined && version > this.loadedVersion) this.loadedVersion = version;
  }

  /** The key's principal as it is now: undefined once it was revoked (here or on another instance). */
  current(keyId: string): Principal | undefined {
    return this.byId.get(keyId);
  }

  /** Aborted when the key is revoked; already aborted if it is not active now. */
  revocationSignal(keyId: string): AbortSignal {
    if (!this.byId.has(keyId)) return AbortSignal.abort();
    let controller = this.revocations.get(keyId);
    if (!controller) this.revocations.set(keyId, (controller = new AbortController()));
    return controller.signal;
  }

  authenticate(key: string | undefined): Principal | undefined {
    if (!key) return undefined;
    const remembered = this.byKey.get(key);
    if (remembered) {
      this.usage.record(remembered.keyId, Date.now());
      return remembered;
    }
    const principal = this.byHash.get(hashKey(key));
    if (principal) {
      if (this.byKey.size >= REMEMBERED_KEYS) this.byKey.clear();
      this.byKey.set(key, principal);
      this.usage.record(principal.keyId, Date.now());
    }
    return principal;
  }

  get size(): number {
    return this.byHash.size;
  }

  async count(): Promise<number> {
    const rows = await this.db.select({ id: apiKeys.id }).from(apiKeys);
    return rows.length;
  }

  /** Returns the key itself once; only its hash is kept. */
  async create(input: { name: string; scopes: Scope[]; key?: string; rateLimitPerMinute?: number | null }): Promise<{ key: string; view: ApiKeyView }> {
    const key = input.key ?? generateKey();
    const id = 'key_' + randomBytes(6).toString('hex');
    const [row] = await this.db
      .insert(apiKeys)
      .values({ id, name: input.name, hash: hashKey(key), prefix: key.slice(0, 10), scopes: input.scopes, rateLimitPerMinute: input.rateLimitPerMinute ?? null })
      .returning(viewColumns);
    await this.load();
    this.changed();
    return { key, view: toView(row!) };
  }

  /**
   * The bootstrap key from GROVE_ADMIN_KEY: registered once, idempotently. Instances of a fleet
   * may start together on an empty database: the insert yields to one already there (the hash is
   * unique) instead of failing the start of every instance but one.
   */
  async ensure(key: string, name: string, scopes: Scope[]): Promise<void> {
    const inserted = await this.db
      .insert(apiKeys)
      .values({ id: 'key_' + randomBytes(6).toString('hex'), name, hash: hashKey(key), prefix: key.slice(0, 10), scopes, rateLimitPerMinute: null })
      .onConflictDoNothing({ target: apiKeys.hash })
      .returning({ id: apiKeys.id });
    await this.load();
    if (inserted.length > 0) this.changed();
  }

  /**
   * Every key, with when it last authenticated a request: on any instance as stored (a few seconds
   * late, see KeyUsage), or on this one as recorded, whichever is newer.
   */
  async list(): Promise<Array<ApiKeyView & { lastUsedAt: string | null }>> {
    // asked before reading: see KeyUsage.unstored
    const unstored = this.usage.unstored();
    const rows = await this.db
      .select({ ...viewColumns, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .orderBy(apiKeys.createdAt);
    return rows.map(({ lastUsedAt, ...row }) => {
      const recorded = unstored.get(row.id);
      const stored = lastUsedAt === null ? undefined : Date.parse(lastUsedAt);
      const newest = recorded === undefined ? stored : stored === undefined ? recorded : Math.max(recorded, stored);
      return { ...toView(row), lastUsedAt: newest === undefined ? null : new Date(newest).toISOString() };
    });
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    await this.load();
    if (rows.length > 0) this.changed();
    return rows.length > 0;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

const viewColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  rateLimitPerMinute: apiKeys.rateLimitPerMinute,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

/**
 * Stores each key's newest use in one statement. It never moves a key's last use back: instances
 * write their own uses, in any order. Only `last_used_at` is set, which does not bump the change
 * version (migration 0005): peers do not reload their keys for it.
 */
export async function storeKeyUses(db: Database, uses: readonly KeyUse[]): Promise<void> {
  if (uses.length === 0) return;
  const values = sql.join(
    uses.map((use) => sql`(${use.keyId}, ${new Date(use.at).toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`update "api_keys" set "last_used_at" = greatest("api_keys"."last_used_at", "used"."at") from (values ${values}) as "used"("id", "at") where "api_keys"."id" = "used"."id"`);
}

function toView(row: { id: string; name: string; prefix: string; scopes: string[]; rateLimitPerMinute: number | null; createdAt: string; revokedAt: string | null }): ApiKeyView {
  return { ...row, scopes: row.scopes as Scope[] };
}
