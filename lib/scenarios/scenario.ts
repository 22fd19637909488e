import type { V1Pod } from '@kubernetes/client-node';
import type { AssertionResult } from '../assert/result.js';
import type { Kube } from '../kube/client.js';
import type { PodObserver } from '../observe/observer.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { Timeline } from '../timeline/timeline.js';
import type { NodeOperation, Requirements } from './requirements.js';

/**
 * Knobs that cut across scenarios (defaults in lib/config.ts, overridden by flags). A scenario's own
 * constants (a SIGTERM delay, a probe period) live in its own file.
 */
export interface RunSettings {
  /** Allowed excess over an expected delay between two containers' exits. */
  shutdownToleranceMs: number;
  /** How long a Pod may take to reach the state a scenario waits for. */
  podTimeoutMs: number;
}

export interface DriveContext {
  kube: Kube;
  namespace: string;
  podName: string;
  observer: PodObserver;
  settings: RunSettings;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** The node operations a disruptive scenario makes (absent where the provider cannot make them). */
  node?: NodeOperations;
}

/** Operations on the node itself, for the rows that disturb every Pod on it. */
export interface NodeOperations {
  /** Stops the kubelet and starts it again; resolves once it answers its health check. */
  restartKubelet(): Promise<void>;
  /** Stops the kubelet, stops every pod sandbox through the CRI, starts the kubelet again. */
  rebootNode(): Promise<void>;
  /** Which of these the provider can make. */
  readonly operations: readonly NodeOperation[];
}

/** Which set a scenario belongs to (`--suite`). */
export type Suite = 'seed' | 'upstream' | 'check';

/** One behaviour to prove: the Pod, how to drive it, then the rules its timeline must satisfy. */
export interface Scenario {
  /** Short id used in namespaces and `--only`, e.g. `order`. */
  name: string;
  suite: Suite;
  /** One line: what the scenario proves. */
  title: string;
  /** Manifest path relative to the repository root. */
  manifest: string;
  /** For the upstream suite: the row of shared upstream-rules and the Kubernetes test it follows. */
  upstream?: {
    row: string;
    /** e.g. `test/e2e_node/container_lifecycle_test.go`. */
    file: string;
    /** The Describe/It it follows, shortened. */
    test: string;
  };
  /** A version, feature gates or node operations it needs; without them it is reported not applicable. */
  requires?: Requirements;
  /**
   * Why it disturbs every Pod on the node (a kubelet restart, a node reboot): it runs alone, after
   * the others, one at a time.
   */
  disruptive?: string;
  /** The Pod to apply when it is not read from `manifest` as it stands (a workload's Pod template). */
  pod?: V1Pod;
  /** Waits for the states the rules need (Ready, restarts, deletion, completion). */
  drive(context: DriveContext): Promise<void>;
  rules(timeline: Timeline, shape: PodShape, settings: RunSettings): AssertionResult[];
}
