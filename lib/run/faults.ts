import type {
  ClusterProvider,
  FaultHappened,
  FaultKind,
  FaultOptions,
  PausableComponent,
  RestartableComponent,
} from '../cluster/provider.js';
import { overallVerdict, type AssertionResult } from '../assert/result.js';
import { describeError, usageError } from '../errors.js';
import { displayTime, formatTimeNs, nowNs, nsToMs, parseTimeNs } from '../timeline/time.js';
import { sleep } from '../wait.js';
import type { FaultRecord, ScenarioResult } from './result.js';

/**
 * Faults made on purpose during a run (`run --fault`): the API server restarted or frozen, the
 * kubelet restarted, each at a time after the run's start, while the scenarios run. What happened,
 * and when, goes into the run's result and every report.
 */

export interface FaultSpec {
  /** As given: `apiserver-pause@30s:20s`. */
  text: string;
  kind: FaultKind;
  /** Milliseconds after the run's start. */
  atMs: number;
  /** How long a pause lasts. */
  forMs?: number;
}

const KINDS: Record<FaultKind, { restart?: RestartableComponent; pause?: PausableComponent }> = {
  'apiserver-restart': { restart: 'kube-apiserver' },
  'apiserver-pause': { pause: 'kube-apiserver' },
  'kubelet-restart': { restart: 'kubelet' },
};

export const FAULT_EXAMPLES = 'apiserver-restart@30s, apiserver-pause@30s:20s or kubelet-restart@30s';

/** A fault may start at most this long after the run's start (no run lasts longer). */
export const MAX_FAULT_AT_MS = 60 * 60_000;
/**
 * A pause may last at most this long: after 40 s without the kubelet's lease the node turns
 * NotReady, and after 300 s its Pods would be evicted — a different test from this one.
 */
export const MAX_PAUSE_MS = 5 * 60_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `30s`, `1500ms`, `2.5s`, `1m` → milliseconds; anything else (a bare number, a space) → undefined. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!match) return undefined;
  const [, value = '', unit = ''] = match;
  return Math.round(Number(value) * (UNIT_MS[unit] ?? NaN));
}

const isKind = (kind: string): kind is FaultKind => Object.hasOwn(KINDS, kind);

/** Parses one `--fault` value strictly; a bad one is a one-sentence usage error. */
export function parseFault(value: string): FaultSpec {
  const bad = (why: string) => usageError(`--fault ${value} ${why}; faults look like ${FAULT_EXAMPLES}.`);
  const match = /^([^@]*)@([^:]*)(?::(.*))?$/.exec(value);
  if (!match) throw bad('is not KIND@TIME or apiserver-pause@TIME:DURATION');
  const [, kind = '', at = '', duration] = match;
  if (!isKind(kind)) throw bad(`names no known fault (known: ${Object.keys(KINDS).join(', ')})`);
  const atMs = parseDuration(at);
  if (atMs === undefined) throw bad(`has no time after @ like 30s, 1500ms or 1m`);
  if (atMs > MAX_FAULT_AT_MS) throw bad(`starts more than ${MAX_FAULT_AT_MS / 60_000} minutes after the run`);
  const spec: FaultSpec = { text: value, kind, atMs };
  if (KINDS[kind].pause === undefined) {
    if (duration !== undefined) throw bad(`takes no duration (only apiserver-pause lasts a while)`);
    return spec;
  }
  if (duration === undefined) throw bad('needs how long to pause, after a colon');
  const forMs = parseDuration(duration);
  if (forMs === undefined || forMs <= 0) throw bad('has no pause duration like 20s after the colon');
  if (forMs > MAX_PAUSE_MS) throw bad(`pauses for more than ${MAX_PAUSE_MS / 60_000} minutes`);
  return { ...spec, forMs };
}

/** Every `--fault` value, in the order given. */
export function parseFaults(values: readonly string[] | undefined): FaultSpec[] {
  return (values ?? []).map(parseFault);
}

/** What a fault is made on: a provider that can restart and pause its own components. */
export type FaultTarget = Pick<ClusterProvider, 'providerName' | 'restartComponent' | 'pauseComponent'>;

export interface FaultPlan {
  faults: FaultSpec[];
  target: FaultTarget;
}

/**
 * The faults and the provider to make them on; undefined without faults. Only a provider that runs
 * the components itself (the local one) can restart or pause them: a cluster named by
 * `--kubeconfig` is never disturbed.
 */
export function faultPlan(
  faults: FaultSpec[],
  cluster: { kubeconfig?: string; provider?: FaultTarget },
): FaultPlan | undefined {
  const [first] = faults;
  if (!first) return undefined;
  const { provider } = cluster;
  if (cluster.kubeconfig || !provider) {
    throw usageError(
      `--fault ${first.text} needs the local provider, which restarts and pauses its own components; a cluster named by --kubeconfig is never disturbed.`,
    );
  }
  const able = faults.every((f) =>
    KINDS[f.kind].pause ? provider.pauseComponent : provider.restartComponent,
  );
  if (provider.providerName !== 'local' || !able) {
    throw usageError(
      `--fault ${first.text} needs the local provider; the ${provider.providerName} provider cannot restart or pause components.`,
    );
  }
  return { faults, target: provider };
}

/** Makes one fault on the target; throws what the target threw. */
function makeFault(target: FaultTarget, spec: FaultSpec, options: FaultOptions): Promise<FaultHappened> {
  const { restart, pause } = KINDS[spec.kind];
  if (restart) {
    if (!target.restartComponent)
      throw new Error(`the ${target.providerName} provider cannot restart ${restart}`);
    return target.restartComponent(restart, options);
  }
  if (!pause || !target.pauseComponent)
    throw new Error(`the ${target.providerName} provider cannot pause components`);
  return target.pauseComponent(pause, spec.forMs ?? 0, options);
}

export interface FaultSchedule {
  /** Drops the faults not begun yet, waits for the one under way, and returns every record in order. */
  finish(): Promise<FaultRecord[]>;
}

const offset = (ms: number): string => `+${(ms / 1000).toFixed(1)} s`;

/**
 * Makes the plan's faults at their times after `startedNs`, one after another in time order (two
 * faults on one component never overlap: a later one waits for the earlier to end), beside whatever
 * else runs. `signal` (Ctrl-C) ends waits and pauses at once; a paused component always resumes.
 */
export function scheduleFaults(
  plan: FaultPlan,
  options: { startedNs: bigint; signal: AbortSignal; progress: (line: string) => void },
): FaultSchedule {
  const { startedNs, signal } = options;
  const elapsedMs = () => nsToMs(nowNs() - startedNs);
  // Ends the waits for faults not begun yet: when the run is done, or interrupted.
  const ended = new AbortController();
  const onAbort = () => ended.abort();
  if (signal.aborted) ended.abort();
  else signal.addEventListener('abort', onAbort, { once: true });

  // Array.prototype.sort is stable: faults planned for the same time are made in the order given.
  const specs = [...plan.faults].sort((a, b) => a.atMs - b.atMs);
  const records: FaultRecord[] = [];
  const done = (async () => {
    for (const spec of specs) {
      const base = { fault: spec.text, kind: spec.kind, plannedAtMs: spec.atMs };
      const progress = (line: string) => options.progress(`[fault ${spec.text}] ${line}`);
      try {
        const waitMs = spec.atMs - elapsedMs();
        if (ended.signal.aborted) throw new Error('ended');
        if (waitMs > 0) await sleep(waitMs, ended.signal);
      } catch {
        const why = signal.aborted ? 'the run was interrupted' : 'the run ended';
        records.push({
          ...base,
          what: `not made: ${why} at ${offset(elapsedMs())}, before ${offset(spec.atMs)}`,
          error: `${why} first`,
        });
        continue;
      }
      const calledNs = nowNs();
      progress(`making it at ${offset(elapsedMs())} (planned ${offset(spec.atMs)})`);
      try {
        const happened = await makeFault(plan.target, spec, { onProgress: progress, signal });
        const [from, to] = [formatTimeNs(happened.atNs), formatTimeNs(happened.untilNs)];
        records.push({
          ...base,
          startedAt: from,
          endedAt: to,
          what: `${happened.what}; from ${from} to ${to} (${offset(nsToMs(happened.atNs - startedNs))} after the run's start, planned ${offset(spec.atMs)})`,
        });
      } catch (error) {
        const message = describeError(error);
        const [from, to] = [formatTimeNs(calledNs), formatTimeNs(nowNs())];
        progress(`failed: ${message}`);
        records.push({
          ...base,
          startedAt: from,
          endedAt: to,
          what: `${signal.aborted ? 'interrupted' : 'failed'} between ${from} and ${to}: ${message}`,
          error: message,
        });
      }
    }
  })();

  return {
    async finish() {
      ended.abort();
      await done;
      signal.removeEventListener('abort', onAbort);
      return records;
    },
  };
}

/** Where a timed rule's measured time runs: its span, or for a time without one, its evidence. */
function measuredWindow(result: AssertionResult): { fromNs: bigint; toNs: bigint } | undefined {
  if (result.span) {
    const [a, b] = [result.span.from.ns, result.span.to.ns];
    return a <= b ? { fromNs: a, toNs: b } : { fromNs: b, toNs: a };
  }
  if (result.measurement?.unit !== 'ms' || result.evidence.length === 0) return undefined;
  const times = result.evidence.map((r) => r.ns);
  return {
    fromNs: times.reduce((a, b) => (a < b ? a : b)),
    toNs: times.reduce((a, b) => (a > b ? a : b)),
  };
}

/**
 * A time measured across a kubelet restart the run made is not the kubelet's undisturbed
 * behaviour: the new kubelet starts its probe workers, failure counts and timers over (a liveness
 * kill comes a whole failure threshold after the restart). A timed rule that failed with such a
 * restart inside its measured span cannot tell whether Kubernetes broke it: it becomes undecided,
 * saying why. Every other verdict stands, passes included.
 */
export function decideAcrossFaults(scenario: ScenarioResult, faults: readonly FaultRecord[]): ScenarioResult {
  const restarts = faults.flatMap((fault) =>
    fault.kind === 'kubelet-restart' && fault.startedAt && fault.endedAt
      ? [{ fault, fromNs: parseTimeNs(fault.startedAt), toNs: parseTimeNs(fault.endedAt) }]
      : [],
  );
  if (restarts.length === 0) return scenario;
  let changed = false;
  const assertions = scenario.assertions.map((result) => {
    if (result.verdict !== 'fail') return result;
    const window = measuredWindow(result);
    if (!window) return result;
    const inside = restarts.filter((r) => r.fromNs <= window.toNs && r.toNs >= window.fromNs);
    if (inside.length === 0) return result;
    changed = true;
    const when = inside
      .map((r) => `${r.fault.fault}, ${displayTime(r.fromNs)}–${displayTime(r.toNs)}`)
      .join('; ');
    return {
      ...result,
      verdict: 'undecided' as const,
      actual: `${result.actual}; the run restarted the kubelet inside the measured span (${when}), and a restarted kubelet starts its probes and timers over`,
    };
  });
  if (!changed) return scenario;
  const verdict = scenario.error !== undefined ? 'fail' : overallVerdict(assertions.map((a) => a.verdict));
  return { ...scenario, assertions, verdict };
}
