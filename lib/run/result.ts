import type { AssertionResult, Verdict } from '../assert/result.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { Timeline } from '../timeline/timeline.js';

/** Everything one scenario produced: the timeline it observed and the rules checked over it. */
export interface ScenarioResult {
  /** Short id, e.g. `order`. */
  name: string;
  /** One line, e.g. "File 2: sidecars start in order and stop in reverse order". */
  title: string;
  manifestPath: string;
  namespace: string;
  podName: string;
  /** Which containers are sidecars and apps, in manifest order. */
  shape: PodShape;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  timeline: Timeline;
  assertions: AssertionResult[];
  /**
   * fail if a rule broke or the scenario could not run to the end; undecided if some rule could not
   * tell; not-applicable when the cluster lacks what the scenario needs (`notApplicable` says what).
   */
  verdict: ScenarioVerdict;
  /** Why the scenario did not run here: "not applicable on v1.34.4: gate G arrived in v1.35 (alpha)". */
  notApplicable?: string;
  /** Set when the scenario could not run to the end (timeout, API error), besides failed rules. */
  error?: string;
}

/** A scenario's verdict: a rule's, or not applicable on this cluster (never counted as a pass or a failure). */
export type ScenarioVerdict = Verdict | 'not-applicable';

/** What reports say when the harness cannot read times from the node's container runtime. */
export const NO_RUNTIME_TIMES =
  "none: the harness cannot reach this cluster's container runtime; container times are whole seconds from the API server";

export interface ClusterInfo {
  /** `local`, `kubeconfig`, … */
  provider: string;
  /** Cluster name or kubeconfig context. */
  name: string;
  server: string;
  kubernetesVersion: string;
  nodeName?: string;
  kubeletVersion?: string;
  containerRuntimeVersion?: string;
  /** Where container times come from: the runtime inspector's `source`, or why there is none. */
  runtimeTimes: string;
}

export interface ImageChoice {
  /** The image the reference manifests name. */
  reference: string;
  /** The image the Pods actually ran. */
  used: string;
  substituted: boolean;
}

/** A fault the run made on purpose (`run --fault`): what, and when it happened. */
export interface FaultRecord {
  /** As given: `apiserver-pause@30s:20s`. */
  fault: string;
  kind: 'apiserver-restart' | 'apiserver-pause' | 'kubelet-restart';
  /** When it was planned: milliseconds after the run's start. */
  plannedAtMs: number;
  /** From the first signal to the component answering (restart) or resuming (pause), RFC3339Nano; absent when it never began. */
  startedAt?: string;
  endedAt?: string;
  /** One line for people, with the times: what was done, or why it was not. */
  what: string;
  /** Set when the fault was not made, or not to the end (the run ended first, the component did not come back). */
  error?: string;
}

export interface RunResult {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  cluster: ClusterInfo;
  image: ImageChoice;
  /** Shutdown-gap tolerance above the expected delay, in ms. */
  toleranceMs: number;
  scenarios: ScenarioResult[];
  verdict: Verdict;
  /** The faults made during the run (`--fault`), in the order they were made; absent without any. */
  faults?: FaultRecord[];
}
