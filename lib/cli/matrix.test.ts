import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { defaultParallel, failureOf, matrixClusterName, MATRIX_VERSIONS, parseVersions } from './matrix.js';

describe('the version matrix', () => {
  it('reads versions oldest first, all meaning every minor from 1.29 and the newest pre-release', () => {
    expect(parseVersions('1.38.0-beta.0, v1.36.3,1.37.2,1.36.3')).toEqual([
      '1.36.3',
      '1.37.2',
      '1.38.0-beta.0',
    ]);
    expect(parseVersions('all')).toEqual([...MATRIX_VERSIONS]);
    expect(MATRIX_VERSIONS[0]).toBe('1.29.6');
    expect(() => parseVersions('1.37')).toThrow(UserError);
    expect(() => parseVersions(',')).toThrow(/at least one version/);
  });

  it('names one cluster per version', () => {
    expect(matrixClusterName('1.38.0-beta.0')).toBe('sc-v1-38-0-beta-0');
    expect(matrixClusterName('1.37.2')).toBe('sc-v1-37-2');
  });

  it('brings up one cluster per 4 GiB, at most cores + 1 and 4', () => {
    expect(defaultParallel(24 * 2 ** 30, 2)).toBe(3);
    expect(defaultParallel(64 * 2 ** 30, 16)).toBe(4);
    expect(defaultParallel(2 * 2 ** 30, 8)).toBe(1);
  });

  it('tells a build failure from a start failure, with the log it names', () => {
    expect(
      failureOf(
        new Error(
          'Building kubernetes v1.29.6 failed at go mod tidy; see /c/build/kubernetes-v1.29.6/build.log.',
        ),
        'up',
      ),
    ).toEqual({
      step: 'build',
      message:
        'Building kubernetes v1.29.6 failed at go mod tidy; see /c/build/kubernetes-v1.29.6/build.log.',
      log: '/c/build/kubernetes-v1.29.6/build.log',
    });
    expect(
      failureOf(new Error('kubelet did not answer within 60 s; see /s/logs/kubelet.log'), 'up').step,
    ).toBe('up');
    expect(failureOf(new Error('boom'), 'run')).toEqual({ step: 'run', message: 'boom' });
  });
});
