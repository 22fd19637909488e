/**
 * sidecar-conformance as a library: observe your own Pod on a live cluster from before it exists,
 * get one timeline of what happened to it, and check lifecycle rules over that timeline.
 *
 * ```ts
 * import { connect, createNamespace, applyPod, PodObserver, startsBefore } from 'sidecar-conformance';
 * import 'sidecar-conformance/vitest'; // expect(timeline).toStartBefore('proxy', 'app'), …
 * ```
 *
 * The package ships TypeScript sources, not built JavaScript: `exports` points at `.ts` files, so
 * import it from code run through tsx (`node --import tsx`) or a TypeScript-aware runner such as
 * vitest. See examples/ for a test to copy.
 */

// Connecting to a cluster.
export { checkReachable, connect, type Kube } from './kube/client.js';

// Namespaces and Pods: a labelled namespace of your own, server-side apply, delete.
export {
  applyPod,
  createNamespace,
  deleteNamespace,
  deletePod,
  FIELD_MANAGER,
  RUN_LABEL,
  SCENARIO_LABEL,
} from './apply/apply.js';
export { imagesOf, loadPodManifest, substituteImage, type PodManifest } from './apply/manifest.js';
export { podShape, type PodShape } from './timeline/pod-shape.js';

// Observing a Pod: start it before applying the Pod, stop it when done; it keeps the timeline.
export {
  PodObserver,
  type LogReopenSettings,
  type ObservedPod,
  type ObserverOptions,
  type ObserverSource,
} from './observe/observer.js';
export type { ContainerRuntimeTimes, RuntimeInspector } from './observe/runtime.js';
export { WaitAbortedError, WaitTimeoutError, type WaitOptions } from './wait.js';

// The timeline and its records.
export { formatRecord, formatSlice, Timeline, type RecordQuery } from './timeline/timeline.js';
export {
  recordFromJson,
  recordToJson,
  type Precision,
  type RecordKind,
  type RecordSource,
  type TimelineRecord,
  type TimelineRecordJson,
} from './timeline/record.js';
export { displayTime, formatTimeNs, msToNs, nsToMs, parseTimeNs } from './timeline/time.js';

// The rules (each takes the timeline and an options object, returns an AssertionResult) ...
export * from './assert/vocabulary.js';
// ... the instants and queries they share ...
export { exitOf, orderOf, startOf, type ExitOptions, type StartSource } from './assert/instants.js';
export { readyAtEnd, restartCount } from './assert/queries.js';
// ... their results, and the one rendering of a rule that did not pass.
export {
  failed,
  overallVerdict,
  passed,
  type AssertionResult,
  type Measurement,
  type Span,
  type Verdict,
} from './assert/result.js';
export { explainAssertion, explainScenario } from './report/explain.js';

// A whole scenario: a Pod, how to drive it, its rules; run in its own namespace.
export { namespaceFor, runScenario, type RunScenarioOptions } from './run/runner.js';
export type { DriveContext, RunSettings, Scenario, Suite } from './scenarios/scenario.js';
export type { ImageChoice, ScenarioResult } from './run/result.js';
export { REFERENCE_IMAGE, TEST_IMAGE } from './config.js';
