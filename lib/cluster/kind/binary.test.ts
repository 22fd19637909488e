import { describe, expect, it } from 'vitest';
import { KIND_VERSION, kindPath } from './binary.js';

describe('the kind binary', () => {
  it('is cached keyed by version', () => {
    expect(kindPath('/c')).toBe(`/c/bin/kind-${KIND_VERSION}/kind`);
    expect(kindPath('/c', 'v0.32.0')).toBe('/c/bin/kind-v0.32.0/kind');
  });
});
