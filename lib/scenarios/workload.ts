import type { AssertionResult } from '../assert/result.js';
import { result } from '../assert/rule.js';
import { startupRules } from '../assert/startup.js';
import {
  DEFAULT_GRACE_SECONDS,
  graceExpiryReport,
  reverseShutdownOrder,
  shutdownWithinBudget,
} from '../assert/termination.js';
import { podCompletes } from '../assert/vocabulary.js';
import { containerImages, withEveryImage, type Workload, type WorkloadManifest } from '../apply/workload.js';
import { deleteAndWaitGone, waitCompleted, waitJobEnded, waitRunning, type JobEnd } from './drive.js';
import type { Scenario } from './scenario.js';
import { sidecarStartRules } from './sidecar-rules.js';

/**
 * `check` on any workload: the rules that hold for every Pod with native sidecars, whatever runs
 * it. Sidecars start in order before the app, each started (startupProbe passed) and each plain
 * init container completed before what comes after it; at shutdown the apps stop first and the
 * sidecars in reverse order, within the kubelet's budget (one grace period for the whole Pod, 2 s
 * at least per container; what is still running when it runs out is stopped together, and said
 * so). A restartPolicy Always Pod is deleted to watch that shutdown; a Never/OnFailure Pod, or a
 * Job's, runs to completion. Stop gaps are measured and reported, bounded only by the grace period:
 * a sidecar's own SIGTERM delay is the user's business.
 */

/** A scenario that runs a workload from the user's file (the runner applies `workload`, not `manifest`). */
export interface WorkloadScenario extends Scenario {
  workload: Workload;
}

export function workloadOf(scenario: Scenario): Workload | undefined {
  return (scenario as Partial<WorkloadScenario>).workload;
}

/** Every image replaced by one, and why (`--image local` on a provider without a registry). */
export interface ImageReplacement {
  image: string;
  why: string;
}

export interface WorkloadScenarioOptions {
  /** The user's file, as given. */
  manifestPath: string;
  /** Short id for the namespace and the report: unique within the run. */
  name: string;
  replaceImages?: ImageReplacement;
}

/** What the drive learnt about a Job, for its rules. */
export interface JobState {
  end?: JobEnd;
  others: string[];
}

const JOB_BACKOFF_LIMIT_DEFAULT = 6;

export function jobRules(workload: Workload, state: JobState): AssertionResult[] {
  const { name } = workload;
  const end = state.end;
  const condition = end?.condition;
  const status = end?.job.status;
  const backoffLimit =
    end?.job.spec?.backoffLimit ?? workload.job?.spec?.backoffLimit ?? JOB_BACKOFF_LIMIT_DEFAULT;
  const failed = status?.failed ?? 0;
  const others = state.others;
  return [
    result({
      rule: `Job ${name} completes (condition Complete)`,
      verdict: end?.type === 'Complete',
      expected: 'condition Complete=True',
      actual: !end
        ? 'the Job reached neither Complete nor Failed while observed'
        : `condition ${end.type}${condition?.reason ? `: ${condition.reason}` : ''}${condition?.message ? `: ${condition.message}` : ''}${condition?.lastTransitionTime ? ` at ${new Date(condition.lastTransitionTime).toISOString()}` : ''}`,
      containers: [],
      evidence: [],
    }),
    result({
      rule: `Job ${name}'s retries stay within backoffLimit ${backoffLimit}`,
      verdict: end ? failed <= backoffLimit : 'undecided',
      expected: `status.failed ≤ ${backoffLimit}`,
      actual: `status.failed ${failed}, succeeded ${status?.succeeded ?? 0}${others.length ? `; later Pods (retries): ${others.join(', ')}` : '; no other Pod'}`,
      containers: [],
      evidence: [],
      measurement: { value: failed, unit: 'count', max: backoffLimit },
    }),
  ];
}

/** The informational line a report carries when the images were not run as written. */
function imageNote(
  original: Workload,
  replacement: ImageReplacement | undefined,
): AssertionResult | undefined {
  if (!replacement) return undefined;
  const changed = containerImages(original.pod).filter((c) => c.image !== replacement.image);
  if (!changed.length) return undefined;
  return result({
    rule: `every image ran as ${replacement.image}, not as written (${replacement.why})`,
    verdict: 'pass',
    expected: 'the images as written, unless --image says otherwise',
    actual: changed.map((c) => `${c.container}: ${c.image} → ${replacement.image}`).join(', '),
    containers: changed.map((c) => c.container),
    evidence: [],
  });
}

export function workloadScenario(original: Workload, options: WorkloadScenarioOptions): WorkloadScenario {
  const workload = options.replaceImages ? withEveryImage(original, options.replaceImages.image) : original;
  const { pod, shape } = workload;
  const isJob = workload.runs === 'job';
  const runsToCompletion = isJob || (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
  const graceSeconds = pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  const sequence = {
    initContainers: (pod.spec?.initContainers ?? []).map((c) => ({
      name: c.name,
      sidecar: c.restartPolicy === 'Always',
    })),
    apps: shape.apps,
  };
  const note = imageNote(original, options.replaceImages);
  const jobState: JobState = { others: [] };
  const ending = isJob
    ? 'after the app exits the sidecars stop in reverse order and the Job completes'
    : runsToCompletion
      ? 'after the app exits the sidecars stop in reverse order and the Pod completes'
      : 'on delete the app stops first, then the sidecars in reverse order, within the grace period';
  const replaced = note ? ` (every image run as ${options.replaceImages?.image})` : '';
  return {
    name: options.name,
    suite: 'check',
    title: `${workload.how}${replaced}${workload.how.includes(':') ? ';' : ':'} sidecars start in order before the app; ${ending}`,
    manifest: options.manifestPath,
    pod,
    workload,
    async drive(context) {
      if (isJob) {
        try {
          jobState.end = await waitJobEnded(context, workload.name, [...shape.sidecars, ...shape.apps]);
        } finally {
          jobState.others = [...context.observer.otherPods];
        }
      } else if (runsToCompletion) {
        await waitCompleted(context, [...shape.sidecars, ...shape.apps]);
      } else {
        await waitRunning(context, { running: [...shape.sidecars, ...shape.apps] });
        await deleteAndWaitGone(context);
      }
    },
    rules(timeline, podShape, settings) {
      const grace = {
        graceSeconds,
        containers: [...podShape.sidecars, ...podShape.apps],
        apps: podShape.apps,
      };
      const toleranceMs = settings.shutdownToleranceMs;
      return [
        ...sidecarStartRules(timeline, podShape),
        ...startupRules(timeline, sequence),
        ...reverseShutdownOrder(timeline, { ...grace, sidecars: podShape.sidecars }),
        shutdownWithinBudget(timeline, { ...grace, toleranceMs }),
        graceExpiryReport(timeline, { ...grace, toleranceMs }),
        ...(runsToCompletion ? [podCompletes(timeline)] : []),
        ...(isJob ? jobRules(workload, jobState) : []),
        ...(note ? [note] : []),
      ];
    },
  };
}

/** `job-batch`, `deployment-web`: lower case, at most 30 characters, so `sc-<name>-<run id>` fits 63. */
function scenarioName(workload: Workload): string {
  return `${workload.kind}-${workload.name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30)
    .replace(/-+$/, '');
}

/** One scenario per workload in the file, each with a unique name (and so its own namespace). */
export function workloadScenarios(
  manifest: WorkloadManifest,
  options: { replaceImages?: ImageReplacement } = {},
): WorkloadScenario[] {
  const used = new Map<string, number>();
  return manifest.workloads.map((workload) => {
    const base = scenarioName(workload);
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    const name = count === 1 ? base : `${base.slice(0, 27)}-${count}`;
    return workloadScenario(workload, {
      manifestPath: manifest.path,
      name,
      ...(options.replaceImages ? { replaceImages: options.replaceImages } : {}),
    });
  });
}
