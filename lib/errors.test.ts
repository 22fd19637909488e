import { expect, it } from 'vitest';
import { describeError } from './errors.js';

it('describes an error by its message, and an undici "fetch failed" by its cause', () => {
  expect(describeError(new Error('request to https://127.0.0.1:1/version failed'))).toBe(
    'request to https://127.0.0.1:1/version failed',
  );
  expect(describeError('plain')).toBe('plain');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  expect(describeError(new TypeError('fetch failed', { cause: refused }))).toBe(
    'fetch failed: connect ECONNREFUSED 127.0.0.1:1',
  );
  expect(describeError(new TypeError('fetch failed'))).toBe('fetch failed');
});
