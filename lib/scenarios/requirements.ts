import type { FeatureGates } from '../cluster/feature-gates.js';
import type { ClusterFeatures } from '../kube/features.js';

/**
 * What a scenario needs of the cluster beyond a kubelet that runs sidecars: a version, feature
 * gates, node operations. A scenario whose needs are not met is reported "not applicable" with the
 * reason, never dropped and never passed.
 */
export interface FeatureRequirement {
  gate: string;
  /** The first minor the gate exists in, e.g. `1.35`. */
  since: string;
  /** How the gate stands, for the reason: "alpha in 1.35, beta (on by default) from 1.37". */
  stage: string;
  /** The first minor it is on by default in: from then on the local cluster does not set it. */
  defaultOnSince?: string;
}

export type NodeOperation = 'restart-kubelet' | 'reboot-node';

export interface Requirements {
  /** The first version with the behaviour, and what arrived then. */
  since?: { version: string; what: string };
  featureGates?: FeatureRequirement[];
  /** Operations on the node only a provider that runs it can make (the local provider). */
  nodeOperations?: NodeOperation[];
}

/** What the harness knows of the cluster a scenario would run on. */
export interface ClusterFacts {
  /** `v1.37.2`, `v1.38.0-beta.0`. */
  kubernetesVersion: string;
  /** The gates its components report; a gate the facts do not cover is not judged. */
  features?: ClusterFeatures;
  /** The node operations its provider can make. */
  nodeOperations: readonly NodeOperation[];
}

const NODE_OPERATION_WORDS: Record<NodeOperation, string> = {
  'restart-kubelet': 'a kubelet restart',
  'reboot-node':
    'a node reboot (kubelet stopped, every pod sandbox stopped through the CRI, kubelet started)',
};

/** [major, minor, patch] of `v1.37.2` or `1.38.0-beta.0`; a pre-release sorts before its release. */
export function versionParts(version: string): [number, number, number, number] {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)?/.exec(version);
  if (!match) throw new Error(`"${version}" is not a Kubernetes version`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0), match[4] ? 0 : 1];
}

/** Whether `version` is at least `since` (`1.35` means 1.35.0 and its pre-releases). */
export function atLeast(version: string, since: string): boolean {
  const [a1, a2, a3] = versionParts(version);
  const [b1, b2, b3] = versionParts(since);
  return a1 !== b1 ? a1 > b1 : a2 !== b2 ? a2 > b2 : a3 >= b3;
}

const shortVersion = (version: string) => `v${version.replace(/^v/, '').replace(/^(\d+\.\d+)\.0$/, '$1')}`;

/** Why the scenario cannot run on this cluster, in one sentence; undefined when it can. */
export function notApplicable(
  requirements: Requirements | undefined,
  facts: ClusterFacts,
): string | undefined {
  if (!requirements) return undefined;
  const on = `on ${facts.kubernetesVersion}`;
  const since = requirements.since;
  if (since && !atLeast(facts.kubernetesVersion, since.version)) {
    return `not applicable ${on}: ${since.what} arrived in ${shortVersion(since.version)}`;
  }
  for (const need of requirements.featureGates ?? []) {
    if (!atLeast(facts.kubernetesVersion, need.since)) {
      return `not applicable ${on}: gate ${need.gate} arrived in ${shortVersion(need.since)} (${need.stage})`;
    }
    for (const component of ['apiserver', 'kubelet'] as const) {
      const enabled = facts.features?.[component]?.get(need.gate);
      if (enabled === false) {
        const who = component === 'apiserver' ? 'kube-apiserver' : 'the kubelet';
        return `not applicable ${on}: gate ${need.gate} is off in ${who} (${need.stage}); start the cluster with --feature-gates ${need.gate}=true`;
      }
    }
  }
  for (const operation of requirements.nodeOperations ?? []) {
    if (!facts.nodeOperations.includes(operation)) {
      return `not applicable on this cluster: it needs ${NODE_OPERATION_WORDS[operation]}, which the harness makes only on a node its provider runs (the local provider)`;
    }
  }
  return undefined;
}

/**
 * The gates scenarios need that exist on `version` and are off by default there, all on: what the
 * local cluster starts with by default. A gate already on by default is left alone, so a gate that
 * went GA and was later removed is never named to a version that no longer knows it.
 */
export function gatesNeeded(
  requirements: readonly (Requirements | undefined)[],
  version: string,
): FeatureGates {
  const gates: Record<string, boolean> = {};
  for (const need of requirements.flatMap((r) => r?.featureGates ?? [])) {
    const onByDefault = need.defaultOnSince !== undefined && atLeast(version, need.defaultOnSince);
    if (atLeast(version, need.since) && !onByDefault) gates[need.gate] = true;
  }
  return gates;
}
