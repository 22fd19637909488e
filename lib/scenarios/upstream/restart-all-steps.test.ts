import { describe, expect, it } from 'vitest';
import { gatesNeeded, notApplicable, type ClusterFacts } from '../requirements.js';
import { restartAllOnAppExit } from './restart-all-on-app-exit.js';
import { restartAllOnInitExit } from './restart-all-on-init-exit.js';
import { restartAllOnSidecarExit } from './restart-all-on-sidecar-exit.js';
import { RESTART_ALL_REQUIREMENTS } from './restart-all-steps.js';

const ROWS = [restartAllOnAppExit, restartAllOnSidecarExit, restartAllOnInitExit];
const GATES = ['RestartAllContainersOnContainerExits', 'ContainerRestartRules', 'NodeDeclaredFeatures'];
const facts = (version: string, gates?: Record<string, boolean>): ClusterFacts => ({
  kubernetesVersion: version,
  nodeOperations: [],
  ...(gates
    ? { features: { apiserver: new Map(Object.entries(gates)), kubelet: new Map(Object.entries(gates)) } }
    : {}),
});
const allOn = Object.fromEntries(GATES.map((g) => [g, true]));

describe('the RestartAllContainers rows’ requirements (upstream X1–X3)', () => {
  it.each(ROWS.map((s) => [s.name, s] as const))('%s declares them', (_, scenario) => {
    expect(scenario.requires).toBe(RESTART_ALL_REQUIREMENTS);
  });

  it('are not applicable on v1.34.4: the gate arrived in 1.35', () => {
    expect(notApplicable(RESTART_ALL_REQUIREMENTS, facts('v1.34.4'))).toBe(
      'not applicable on v1.34.4: gate RestartAllContainersOnContainerExits arrived in v1.35 (alpha in 1.35, beta (on by default) in 1.36)',
    );
  });

  it('are not applicable on v1.35.4 with the gate off (alpha, off by default there)', () => {
    expect(
      notApplicable(
        RESTART_ALL_REQUIREMENTS,
        facts('v1.35.4', { ...allOn, RestartAllContainersOnContainerExits: false }),
      ),
    ).toBe(
      'not applicable on v1.35.4: gate RestartAllContainersOnContainerExits is off in kube-apiserver (alpha in 1.35, beta (on by default) in 1.36); start the cluster with --feature-gates RestartAllContainersOnContainerExits=true',
    );
  });

  it('are not applicable on v1.35.4 without NodeDeclaredFeatures, which the gate depends on', () => {
    expect(
      notApplicable(RESTART_ALL_REQUIREMENTS, facts('v1.35.4', { ...allOn, NodeDeclaredFeatures: false })),
    ).toMatch(/^not applicable on v1\.35\.4: gate NodeDeclaredFeatures is off in kube-apiserver/);
  });

  it('are met on v1.35.4 with the gates on and on v1.37.2 as it comes', () => {
    expect(notApplicable(RESTART_ALL_REQUIREMENTS, facts('v1.35.4', allOn))).toBeUndefined();
    expect(notApplicable(RESTART_ALL_REQUIREMENTS, facts('v1.37.2', allOn))).toBeUndefined();
  });

  it('ask a local cluster for the gates still off by default on its version', () => {
    expect(gatesNeeded([RESTART_ALL_REQUIREMENTS], '1.35.4')).toEqual({
      RestartAllContainersOnContainerExits: true,
      NodeDeclaredFeatures: true,
    });
    expect(gatesNeeded([RESTART_ALL_REQUIREMENTS], '1.37.2')).toEqual({});
  });
});
