/**
 * PostgreSQL settings of the embedded database, tuned for a gateway: a small, mostly append-only
 * database (the request log) next to a registry read once at start, in a process whose resident
 * memory is what an operator sees. PGlite's WebAssembly heap only ever grows: whatever PostgreSQL
 * touches once (a buffer, a sort's memory) stays resident until the process ends, so every limit
 * below is a bound on RSS as much as on PostgreSQL. The data files themselves sit in the kernel's
 * page cache either way (PGlite reads and writes them with plain file calls), so a smaller buffer
 * pool costs a system call on a miss, not a disk read.
 */
const settings: Record<string, string> = {
  // The buffer pool is allocated and zeroed at start: the default 128MB was 120 MB of RSS before the
  // first query (16MB: 8 MB more than this). 8MB holds the registry, the keys and the pages of the
  // request log and its indexes that a batch touches.
  shared_buffers: '8MB',
  // One backend (PGlite is single-user): PostgreSQL sizes its lock table and process slots by this.
  max_connections: '4',
  // A sort or hash past this spills to a temporary file instead of growing the heap for good; the
  // gateway's queries are keyed lookups and LIMITed pages of the request log.
  work_mem: '2MB',
  // Only migrations (CREATE INDEX) use it, and the heap would keep the default 64MB after them.
  maintenance_work_mem: '16MB',
  // Temporary tables are never used.
  temp_buffers: '1MB',
  // WAL on disk: PostgreSQL's default keeps up to 1GB and recycles 80MB. PGlite has no checkpointer
  // process: a checkpoint runs inside a statement when this much WAL has piled up, and with 8MB of
  // buffers it writes at most that much, so checkpoints every 128MB are short and the folder small.
  max_wal_size: '128MB',
  min_wal_size: '32MB',
  // A new 16MB WAL segment is otherwise written full of zeros first, through PGlite's file calls: a
  // stall of 100-300 ms in the middle of a request-log batch each time. PGlite runs without fsync
  // anyway, so the zeros reserved nothing on disk that a crash would keep.
  wal_init_zero: 'off',
};

/** `-c name=value` pairs for PGlite's `startParams` (after its own defaults) and `initDbStartParams`. */
export function settingParams(): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}
