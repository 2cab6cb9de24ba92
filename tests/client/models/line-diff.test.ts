import { describe, expect, it } from 'vitest';
import { sideBySideDiff } from '../../../client/src/models/line-diff';

describe('side-by-side diff', () => {
  it('pairs an edited line with what it was, and keeps the rest aligned', () => {
    const rows = sideBySideDiff(['provider: simulated', 'timeoutMs: 5000', 'lifecycle: active'], ['provider: simulated', 'timeoutMs: 9000', 'lifecycle: active', 'aliases: [fast]']);
    expect(rows.map((row) => [row.kind, row.left?.text ?? null, row.right?.text ?? null])).toEqual([
      ['same', 'provider: simulated', 'provider: simulated'],
      ['changed', 'timeoutMs: 5000', 'timeoutMs: 9000'],
      ['same', 'lifecycle: active', 'lifecycle: active'],
      ['added', null, 'aliases: [fast]'],
    ]);
  });

  it('a removed line has nothing on the right; identical texts are all the same', () => {
    expect(sideBySideDiff(['a', 'b', 'c'], ['a', 'c']).map((row) => row.kind)).toEqual(['same', 'removed', 'same']);
    expect(sideBySideDiff(['a', 'b'], ['a', 'b']).every((row) => row.kind === 'same')).toBe(true);
    expect(sideBySideDiff([], ['x'])).toEqual([{ kind: 'added', left: null, right: { number: 1, text: 'x' } }]);
  });
});
