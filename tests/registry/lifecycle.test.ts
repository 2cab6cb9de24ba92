import { describe, expect, it } from 'vitest';
import { GroveError } from '../../server/errors';
import { modelTransition, TRANSITIONS } from '../../server/registry/lifecycle';
import { LIFECYCLES } from '../../shared/objects';

const expected: Record<string, string> = {
  'draft->active': 'ok',
  'draft->deprecated': 'activate it first',
  'draft->retired': 'delete it instead',
  'active->draft': 'ok',
  'active->deprecated': 'ok',
  'active->retired': 'deprecate it first',
  'deprecated->draft': 'reactivate it first',
  'deprecated->active': 'ok',
  'deprecated->retired': 'ok',
  'retired->draft': 'move it back to deprecated first',
  'retired->active': 'move it back to deprecated first',
  'retired->deprecated': 'ok',
};

describe('modelTransition', () => {
  it.each(LIFECYCLES.flatMap((from) => LIFECYCLES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const run = () => modelTransition('m', { lifecycle: from, replacement: from === 'retired' ? 'r' : null }, to, 'r');
    if (from === to) {
      expect(run).toThrow(`model "m" is already ${to}`);
      return;
    }
    const outcome = expected[`${from}->${to}`]!;
    if (outcome === 'ok') {
      expect(run()).toEqual({ lifecycle: to, replacement: to === 'retired' ? 'r' : null });
      expect(TRANSITIONS[from]).toContain(to);
    } else {
      expect(run).toThrow(`cannot move model "m" from ${from} to ${to}`);
      expect(run).toThrow(`: ${outcome}`);
      expect(TRANSITIONS[from]).not.toContain(to);
    }
  });

  it('needs a replacement to retire', () => {
    for (const replacement of [undefined, null, '']) {
      expect(() => modelTransition('m', { lifecycle: 'deprecated', replacement: null }, 'retired', replacement)).toThrow('needs a replacement');
    }
  });

  it('raises a BAD_REQUEST domain error', () => {
    try {
      modelTransition('m', { lifecycle: 'draft', replacement: null }, 'retired', 'r');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GroveError);
      expect((error as GroveError).code).toBe('BAD_REQUEST');
    }
  });
});
