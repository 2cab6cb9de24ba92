/** One row of a side-by-side diff: a line on the left, the right, or both. Line numbers are 1-based. */
export interface DiffRow {
  kind: 'same' | 'removed' | 'added' | 'changed';
  left: { number: number; text: string } | null;
  right: { number: number; text: string } | null;
}

/**
 * A side-by-side line diff (longest common subsequence; a spec is a few dozen lines, so the
 * quadratic table is small). A removal followed by an addition is paired into a `changed` row, so
 * that an edited value sits beside what it was.
 */
export function sideBySideDiff(before: string[], after: string[]): DiffRow[] {
  const common: number[][] = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  const removed: DiffRow[] = [];
  const added: DiffRow[] = [];
  const flush = () => {
    const pairs = Math.max(removed.length, added.length);
    for (let index = 0; index < pairs; index++) {
      const left = removed[index]?.left ?? null;
      const right = added[index]?.right ?? null;
      rows.push({ kind: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
    }
    removed.length = 0;
    added.length = 0;
  };
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      flush();
      rows.push({ kind: 'same', left: { number: i + 1, text: before[i]! }, right: { number: j + 1, text: after[j]! } });
      i++;
      j++;
    } else if (j < after.length && (i === before.length || common[i]![j + 1]! >= common[i + 1]![j]!)) {
      added.push({ kind: 'added', left: null, right: { number: j + 1, text: after[j]! } });
      j++;
    } else {
      removed.push({ kind: 'removed', left: { number: i + 1, text: before[i]! }, right: null });
      i++;
    }
  }
  flush();
  return rows;
}
