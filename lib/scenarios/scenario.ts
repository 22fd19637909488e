import type { AssertionResult } from '../assert/result.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { PodObserver } from '../observe/observer.js';
import type { Kube } from '../kube/client.js';
import type { Timeline } from '../timeline/timeline.js';

/** Tunables the rules read; defaults in lib/config.ts, overridden by flags. */
export interface RuleSettings {
  shutdownToleranceMs: number;
  sigtermDelayMs: number;
  appRunMs: number;
  livenessRestarts: number;
  /** File 4: the first liveness kill comes within this long of the sidecar's start. */
  livenessKillWithinMs: number;
  readinessWindowMs: number;
  podTimeoutMs: number;
}

export interface DriveContext {
  kube: Kube;
  namespace: string;
  podName: string;
  observer: PodObserver;
  settings: RuleSettings;
  signal: AbortSignal;
  progress: (line: string) => void;
}

/** One behaviour to prove: how to drive the Pod, then the rules its timeline must satisfy. */
export interface Scenario {
  /** Short id used in namespaces and `--only`, e.g. `order`. */
  name: string;
  title: string;
  /** Manifest path relative to the repository root. */
  manifest: string;
  /** Waits for the states the rules need (Ready, restarts, deletion, completion). */
  drive(context: DriveContext): Promise<void>;
  rules(timeline: Timeline, shape: PodShape, settings: RuleSettings): AssertionResult[];
}
