import { describe, expect, it } from 'vitest';
import { parseObject } from '../../server/registry/kinds';
import { capabilityObject, modelObject } from '../routers/fixtures';

describe('parseObject', () => {
  it('parses a model and a capability, filling defaults', () => {
    expect(parseObject(modelObject('m'))).toMatchObject({ object: { kind: 'Model', metadata: { id: 'm' }, spec: { lifecycle: 'draft' } }, problems: [] });
    expect(parseObject(capabilityObject('coding'))).toMatchObject({ object: { kind: 'Capability', spec: { defaultScore: 0 } }, problems: [] });
  });

  it.each([[null], ['text'], [[modelObject('m')]], [42]])('refuses %j as not an object', (input) => {
    expect(parseObject(input, '[3]').problems).toEqual([{ path: '[3]', message: expect.stringMatching(/must be an object/) }]);
    expect(parseObject(input).problems).toEqual([{ path: '', message: expect.stringMatching(/must be an object/) }]);
  });

  it('names the registered kinds for an unknown one, and a wrong apiVersion beside it', () => {
    expect(parseObject({ apiVersion: 'grove/v1', kind: 'Gadget' }).problems).toEqual([{ path: 'kind', message: expect.stringMatching(/Model, Capability/) }]);
    expect(parseObject({ apiVersion: 'v0', kind: 7 }, '[1]').problems.map((problem) => problem.path)).toEqual(['[1].apiVersion', '[1].kind']);
  });

  it('lists a wrong apiVersion beside the other problems of a known kind', () => {
    const problems = parseObject({ ...modelObject('m', { contextWindow: 'x' }), apiVersion: 'grove/v2' }, '[0]').problems;
    expect(problems.map((problem) => problem.path).sort()).toEqual(['[0].apiVersion', '[0].spec.contextWindow']);
  });
});
