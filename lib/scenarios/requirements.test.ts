import { describe, expect, it } from 'vitest';
import { atLeast, gatesNeeded, notApplicable, type ClusterFacts, type Requirements } from './requirements.js';

const GATED: Requirements = {
  featureGates: [
    {
      gate: 'RestartAllContainersOnContainerExits',
      since: '1.35',
      defaultOnSince: '1.37',
      stage: 'alpha in 1.35',
    },
  ],
};
const facts = (version: string, more: Partial<ClusterFacts> = {}): ClusterFacts => ({
  kubernetesVersion: version,
  nodeOperations: ['restart-kubelet', 'reboot-node'],
  ...more,
});

describe('versions', () => {
  it('compares minors and patches, a pre-release before its release', () => {
    expect(atLeast('v1.35.4', '1.35')).toBe(true);
    expect(atLeast('v1.34.9', '1.35')).toBe(false);
    expect(atLeast('v1.38.0-beta.0', '1.38')).toBe(true);
    expect(atLeast('v1.38.0-beta.0', '1.37.2')).toBe(true);
    expect(atLeast('v1.32.13', '1.32.14')).toBe(false);
    expect(atLeast('1.4.0', '1.35')).toBe(false);
  });
});

describe('notApplicable', () => {
  it('says a behaviour arrived later than the cluster’s version', () => {
    const since: Requirements = { since: { version: '1.32', what: 'in-place resize of a sidecar' } };
    expect(notApplicable(since, facts('v1.31.14'))).toBe(
      'not applicable on v1.31.14: in-place resize of a sidecar arrived in v1.32',
    );
    expect(notApplicable(since, facts('v1.32.13'))).toBeUndefined();
  });

  it('says a gate arrived later, or is off in a component', () => {
    expect(notApplicable(GATED, facts('v1.34.4'))).toBe(
      'not applicable on v1.34.4: gate RestartAllContainersOnContainerExits arrived in v1.35 (alpha in 1.35)',
    );
    const off = { kubelet: new Map([['RestartAllContainersOnContainerExits', false]]) };
    expect(notApplicable(GATED, facts('v1.35.4', { features: off }))).toBe(
      'not applicable on v1.35.4: gate RestartAllContainersOnContainerExits is off in the kubelet (alpha in 1.35); start the cluster with --feature-gates RestartAllContainersOnContainerExits=true',
    );
    const on = { apiserver: new Map([['RestartAllContainersOnContainerExits', true]]) };
    expect(notApplicable(GATED, facts('v1.35.4', { features: on }))).toBeUndefined();
    // Gates the cluster does not report are not judged: the scenario runs and its rules say.
    expect(notApplicable(GATED, facts('v1.35.4'))).toBeUndefined();
  });

  it('says a node operation is missing on a cluster the harness does not run', () => {
    const reboot: Requirements = { nodeOperations: ['reboot-node'] };
    expect(notApplicable(reboot, facts('v1.37.2', { nodeOperations: [] }))).toMatch(
      /^not applicable on this cluster: it needs a node reboot .*only on a node its provider runs/,
    );
    expect(notApplicable(reboot, facts('v1.37.2'))).toBeUndefined();
    expect(notApplicable(undefined, facts('v1.37.2'))).toBeUndefined();
  });
});

describe('gatesNeeded', () => {
  it('turns on the gates a version has and leaves off-by-default-only ones to it', () => {
    expect(gatesNeeded([GATED, undefined], '1.34.4')).toEqual({});
    expect(gatesNeeded([GATED], '1.35.4')).toEqual({ RestartAllContainersOnContainerExits: true });
    expect(gatesNeeded([GATED], '1.37.2')).toEqual({});
    expect(gatesNeeded([GATED], '1.36.0-rc.1')).toEqual({ RestartAllContainersOnContainerExits: true });
  });
});
