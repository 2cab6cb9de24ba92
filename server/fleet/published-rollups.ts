import type { BucketSeconds, RollupRow } from '../telemetry/rollups';

/**
 * What an instance has counted but not stored yet, as it publishes it in its heartbeat: the rows a
 * query of each bucket size would add to the stored ones (buffered and open). Pure: encoding,
 * decoding, and the rule that counts each request of a peer exactly once.
 */
export interface PublishedRollups {
  60: RollupRow[];
  900: RollupRow[];
}

/** Past this, an instance publishes nothing (and says so in its log): a heartbeat stays small. */
export const MAX_PUBLISHED_BYTES = 512 * 1024;

export function encodePublished(rows: PublishedRollups): string | null {
  const text = JSON.stringify(rows);
  return text.length <= MAX_PUBLISHED_BYTES ? text : null;
}

export function decodePublished(text: string): PublishedRollups {
  try {
    const parsed = JSON.parse(text) as Partial<PublishedRollups>;
    return { 60: Array.isArray(parsed[60]) ? parsed[60] : [], 900: Array.isArray(parsed[900]) ? parsed[900] : [] };
  } catch {
    return { 60: [], 900: [] };
  }
}

/**
 * A peer's unstored rows for a query of `bucketSeconds`, less those it has stored since it
 * published them: a bucket of that size that the stored rows already hold for the peer (its
 * heartbeat is up to one interval old). A published row of a shorter bucket (an open minute in a
 * quarter-hour query) is never stored at the query's size, and a later heartbeat has it inside
 * its quarter instead: each heartbeat is one consistent picture.
 */
export function unstoredPeerRows(stored: ReadonlyArray<Pick<RollupRow, 'instanceId' | 'bucketStart' | 'bucketSeconds'>>, peers: ReadonlyArray<{ instanceId: string; published: PublishedRollups }>, bucketSeconds: BucketSeconds): RollupRow[] {
  const storedBuckets = new Set<string>();
  for (const row of stored) if (row.instanceId !== undefined) storedBuckets.add(`${row.instanceId} ${row.bucketSeconds} ${row.bucketStart}`);
  const rows: RollupRow[] = [];
  for (const peer of peers) {
    for (const row of peer.published[bucketSeconds]) {
      if (!storedBuckets.has(`${peer.instanceId} ${row.bucketSeconds} ${row.bucketStart}`)) rows.push({ ...row, instanceId: peer.instanceId });
    }
  }
  return rows;
}
