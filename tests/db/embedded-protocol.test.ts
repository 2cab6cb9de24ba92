import { describe, expect, it } from 'vitest';
import { isDataError } from '../../db/client';
import { flattenError, restoreError } from '../../db/embedded-protocol';
import { isDatabaseError } from '../../db/errors';

describe('an error crossing from the embedded database thread', () => {
  it('keeps its name, message and PostgreSQL fields, so the server still tells what went wrong', () => {
    const refused = Object.assign(new Error('duplicate key value violates unique constraint "request_log_pkey"'), { name: 'DatabaseError', code: '23505', severity: 'ERROR', detail: 'Key (id)=(x) already exists.', table: 'request_log', params: ['not a field'] });
    const restored = restoreError(structuredClone(flattenError(refused)));
    expect(restored).toMatchObject({ name: 'DatabaseError', message: refused.message, code: '23505', severity: 'ERROR', detail: 'Key (id)=(x) already exists.', table: 'request_log' });
    expect(restored).not.toHaveProperty('params');
    expect(isDataError(restored)).toBe(true);
    expect(isDatabaseError(restored)).toBe(true);
  });

  it('turns anything thrown into an error', () => {
    expect(restoreError(flattenError('a string'))).toMatchObject({ name: 'Error', message: 'a string' });
    expect(isDatabaseError(restoreError(flattenError(new TypeError('bad'))))).toBe(false);
  });
});
