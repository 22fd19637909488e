import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { formatFeatureGates, includesFeatureGates, parseFeatureGates } from './feature-gates.js';

describe('feature gates', () => {
  it('reads the components’ syntax, a bare name meaning on', () => {
    expect(parseFeatureGates('B=false, A=true,C')).toEqual({ A: true, B: false, C: true });
    expect(parseFeatureGates(undefined)).toEqual({});
    expect(parseFeatureGates('')).toEqual({});
  });

  it('refuses an entry that is not a gate assignment, naming it', () => {
    for (const bad of ['a=true', 'A=yes', 'A=true=false', '=true']) {
      expect(() => parseFeatureGates(bad)).toThrow(UserError);
      expect(() => parseFeatureGates(bad)).toThrow(`"${bad}"`);
    }
  });

  it('writes them sorted, and tells whether a running set includes the wanted one', () => {
    expect(formatFeatureGates({ B: false, A: true })).toBe('A=true,B=false');
    expect(formatFeatureGates({})).toBe('');
    expect(includesFeatureGates({ A: true, B: true }, { A: true })).toBe(true);
    expect(includesFeatureGates({ A: true }, { A: true, B: true })).toBe(false);
    expect(includesFeatureGates({ A: false }, { A: true })).toBe(false);
  });
});
