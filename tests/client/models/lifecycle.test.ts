import { describe, expect, it } from 'vitest';
import { LIFECYCLES } from '../../../shared/objects';
import { TRANSITIONS } from '../../../server/registry/lifecycle';
import { lifecycleActions } from '../../../client/src/models/lifecycle';

describe('lifecycleActions', () => {
  it.each(LIFECYCLES)('offers from %s exactly the moves the server allows', (from) => {
    expect(lifecycleActions(from).map((action) => action.to).sort()).toEqual([...TRANSITIONS[from]].sort());
  });

  it('asks for a replacement only when retiring', () => {
    const needing = LIFECYCLES.flatMap((from) => lifecycleActions(from)).filter((action) => action.needsReplacement);
    expect(needing.map((action) => action.to)).toEqual(['retired']);
  });
});
