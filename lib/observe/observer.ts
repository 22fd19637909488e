import { Writable } from 'node:stream';
import type { CoreV1Event, LogOptions, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describeError } from '../errors.js';
import type { Kube } from '../kube/client.js';
import { retry } from '../retry.js';
import type { ObservationGap } from '../timeline/gaps.js';
import type { RecordKind, TimelineRecord } from '../timeline/record.js';
import { formatTimeNs, nowNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import { sleep, waitFor, withDeadline, type WaitOptions } from '../wait.js';
import { eventRecords } from './events.js';
import { LineSplitter, parseLogLine, type LogLine } from './log-line.js';
import { diffPod } from './pod-status.js';
import { criContainerId, runtimeRecords, type RuntimeInspector } from './runtime.js';
import {
  kubeTransport,
  type Abortable,
  type KubeTransport,
  type Listed,
  type ListQuery,
} from './transport.js';
import { resilientWatch, type ResilientWatchOptions } from './watch.js';

/** Which Pod to observe: one named Pod, or the first Pod matching a label selector (a Job's). */
export type ObservedPod =
  { podName: string; podSelector?: undefined } | { podSelector: string; podName?: undefined };

/** Where the observer reads from: a cluster connection, or a transport of its own (a fake in unit tests). */
export type ObserverSource =
  { kube: Kube; transport?: KubeTransport } | { kube?: undefined; transport: KubeTransport };

export interface LogReopenSettings {
  /** Attempts to open a log stream again after a failure, and breaks in a row without a new line. */
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * How long a stream that ended while its container still looked running waits for the Pod status
   * to say it terminated (status trails the log by a kubelet sync) before it counts as a break.
   */
  statusGraceMs: number;
}

const LOG_REOPEN: LogReopenSettings = { attempts: 8, minDelayMs: 250, maxDelayMs: 4000, statusGraceMs: 3000 };

/** The API server answers a small request within 2 s every second, or the harness counts itself blind. */
const HEARTBEAT = { intervalMs: 1000, timeoutMs: 2000 };

/** The last look at the runtime before stop() returns may take this long in all. */
const RUNTIME_SWEEP_MS = 3000;

export type ObserverOptions = ObservedPod &
  ObserverSource & {
    namespace: string;
    silenceMs: number;
    /** Problems that do not stop observation (a watch restarted, a log stream refused). */
    onProblem?: (message: string) => void;
    /** The node's container runtime, for nanosecond created/started/finished times per instance. */
    runtime?: RuntimeInspector;
    logReopen?: Partial<LogReopenSettings>;
    runtimeSweepMs?: number;
    /** Pause before a watch reconnects (resilientWatch's default when unset). */
    watchRestartDelayMs?: number;
    /** How often the API server is asked whether it answers, and how long an answer may take. */
    heartbeat?: Partial<typeof HEARTBEAT>;
  };

type Outcome = 'ended' | 'broken' | 'aborted';

/** The log endpoint can no longer serve an instance: no point in asking again. */
class LogGone extends Error {}

const statusesOf = (pod: V1Pod | undefined): V1ContainerStatus[] => [
  ...(pod?.status?.initContainerStatuses ?? []),
  ...(pod?.status?.containerStatuses ?? []),
];

/**
 * Watches one Pod before it exists: its status, its Events and each container's log, merged into
 * one timeline. Started before the Pod is applied, so nothing that happens to it is missed.
 */
export class PodObserver {
  readonly timeline = new Timeline();
  /** The Pod as last seen; undefined before it exists and after it is gone. */
  pod: V1Pod | undefined;
  podUid: string | undefined;
  gone = false;
  readonly problems: string[] = [];
  /** With a selector: further Pods that matched it after the observed one (a Job's retries). */
  readonly otherPods: string[] = [];

  private observedName: string | undefined;
  private readonly transport: KubeTransport;
  private readonly reopen: LogReopenSettings;
  private readonly abort = new AbortController();
  /** Outlives `abort`: in-flight runtime inspections may finish during stop()'s sweep. */
  private readonly runtimeAbort = new AbortController();
  private readonly listeners = new Set<() => void>();
  private readonly eventCounts = new Map<string, number>();
  private readonly pendingEvents: CoreV1Event[] = [];
  /** Container instances (status containerID) whose log is followed. */
  private readonly followed = new Set<string>();
  private readonly logEnded: Promise<void>[] = [];
  private readonly running: Promise<void>[] = [];
  /** Every instance seen running or terminated, with the restart count it had. */
  private readonly instances = new Map<string, { container: string; restartCount: number }>();
  /** Per instance, inspections run one after another; keys say which state was inspected. */
  private readonly inspections = new Map<string, Promise<void>>();
  private readonly inspected = new Set<string>();
  private readonly runtimeKinds = new Map<string, Set<RecordKind>>();

  constructor(private readonly options: ObserverOptions) {
    if (options.transport) this.transport = options.transport;
    else if (options.kube) this.transport = kubeTransport(options.kube);
    else throw new Error('PodObserver needs kube or transport');
    this.observedName = options.podName;
    this.reopen = { ...LOG_REOPEN, ...options.logReopen };
  }

  /** The observed Pod's name: given, or with a selector the first matching Pod's once it appears. */
  get podName(): string | undefined {
    return this.observedName;
  }

  start(): void {
    const { namespace, podName, podSelector } = this.options;
    const podQuery: ListQuery = podName
      ? { fieldSelector: `metadata.name=${podName}` }
      : { labelSelector: podSelector };
    // Before a selected Pod's name is known, its Events can only be told apart by uid, client-side.
    const eventQuery: ListQuery = {
      fieldSelector: podName ? `involvedObject.name=${podName}` : 'involvedObject.kind=Pod',
    };
    this.running.push(
      this.watch<V1Pod>('pods', podQuery, () => this.transport.listPods(namespace, podQuery), {
        onRelist: (items) => {
          if (this.pod && !items.some((pod) => this.isObserved(pod))) this.podGone();
        },
        onEvent: (phase, pod) => {
          if (!this.isObserved(pod)) return this.otherPod(pod);
          if (phase === 'DELETED') this.podGone(pod);
          else this.podSeen(pod);
        },
      }),
      this.watch<CoreV1Event>('events', eventQuery, () => this.transport.listEvents(namespace, eventQuery), {
        onEvent: (phase, event) => {
          if (phase !== 'DELETED') this.eventSeen(event);
        },
      }),
      this.heartbeat(),
    );
  }

  /**
   * Asks the API server something small every second: a silent watch may just be a quiet Pod, but
   * an API server that does not answer (stopped, frozen) is a stretch in which nothing could be
   * seen, and neither could the kubelet report. From the last answer to the next is a gap.
   */
  private async heartbeat(): Promise<void> {
    const ping = this.transport.ping?.bind(this.transport);
    if (!ping) return;
    const { intervalMs, timeoutMs } = { ...HEARTBEAT, ...this.options.heartbeat };
    let lastAnswerNs = nowNs();
    let down: string | undefined;
    while (!this.abort.signal.aborted) {
      try {
        await withDeadline(ping(), timeoutMs, this.abort.signal);
        if (down !== undefined)
          this.gap({ stream: 'api server', fromNs: lastAnswerNs, toNs: nowNs(), why: down });
        down = undefined;
        lastAnswerNs = nowNs();
      } catch (error) {
        if (this.abort.signal.aborted) break;
        down ??= `no answer within ${timeoutMs} ms (${describeError(error)})`;
      }
      await sleep(intervalMs, this.abort.signal).catch(() => undefined);
    }
    // Stopped while the API server was still not answering: the gap runs to the stop, not lost.
    const silentNs = nowNs() - lastAnswerNs;
    if (down !== undefined || silentNs > BigInt(timeoutMs + intervalMs) * 1_000_000n)
      this.gap({
        stream: 'api server',
        fromNs: lastAnswerNs,
        toNs: nowNs(),
        why: down ?? `no answer for the last ${Number(silentNs / 1_000_000n)} ms before observation stopped`,
      });
  }

  /** Puts a gap on the timeline; with `note`, also among the problems (a log break has its own note). */
  private gap(gap: ObservationGap, note = true): void {
    this.timeline.addGap(gap);
    if (note)
      this.problem(`blind ${formatTimeNs(gap.fromNs)} – ${formatTimeNs(gap.toNs)}: ${gap.stream} ${gap.why}`);
    else for (const listener of this.listeners) listener();
  }

  /** One resilient watch on a collection in the scenario's namespace, narrowed by a selector. */
  private watch<T extends { metadata?: { resourceVersion?: string } }>(
    resource: 'pods' | 'events',
    query: ListQuery,
    list: () => Promise<Listed<T>>,
    handlers: Pick<ResilientWatchOptions<T>, 'onEvent' | 'onRelist'>,
  ): Promise<void> {
    const { namespace, silenceMs } = this.options;
    return resilientWatch<T>({
      transport: this.transport,
      path: `/api/v1/namespaces/${namespace}/${resource}`,
      ...query,
      list: async () => {
        const listed = await list();
        return { items: listed.items, resourceVersion: listed.metadata?.resourceVersion ?? '' };
      },
      ...handlers,
      onProblem: (message) => this.problem(message),
      onGap: (fromNs, toNs, why) => this.gap({ stream: `${resource} watch`, fromNs, toNs, why }),
      silenceMs,
      restartDelayMs: this.options.watchRestartDelayMs,
      signal: this.abort.signal,
    });
  }

  /** Adds a harness record (applied, delete requested) at the local clock. */
  mark(kind: TimelineRecord['kind'], reason?: string): void {
    const ns = nowNs();
    this.add({ source: 'harness', kind, time: '', ns, precision: 'observed', observedNs: ns, reason });
  }

  /** Waits until `check` returns a value, re-checking whenever anything new is observed. */
  waitFor<T>(check: () => T | undefined, options: Omit<WaitOptions, 'diagnostics'>): Promise<T> {
    return waitFor(
      (onChange) => {
        this.listeners.add(onChange);
        return () => this.listeners.delete(onChange);
      },
      check,
      { ...options, diagnostics: () => this.diagnostics() },
    );
  }

  /**
   * Stops every watch and log stream, then asks the runtime once more for the finish times it has
   * not given yet (bounded); the timeline keeps what was seen.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    // Log streams are not awaited: one still being opened cannot be aborted and may never answer.
    await Promise.allSettled(this.running);
    await this.sweepRuntime();
  }

  /** Stops after giving open log streams a moment to deliver their last lines. */
  async drainLogs(timeoutMs: number): Promise<void> {
    await withDeadline(Promise.allSettled(this.logEnded), timeoutMs).catch(() => undefined);
  }

  diagnostics(): string {
    const statuses = statusesOf(this.pod)
      .map((s) => `${s.name}: ${JSON.stringify(s.state)} ready=${s.ready} restarts=${s.restartCount}`)
      .join('; ');
    const name = this.observedName ?? `(selector ${this.options.podSelector}, none yet)`;
    return `pod ${this.options.namespace}/${name} phase=${this.pod?.status?.phase ?? 'unknown'} ${statuses}`;
  }

  private add(record: Omit<TimelineRecord, 'seq'>): void {
    this.timeline.add(record);
    for (const listener of this.listeners) listener();
  }

  private problem(message: string): void {
    this.problems.push(message);
    this.options.onProblem?.(message);
    for (const listener of this.listeners) listener();
  }

  /** Whether a watched Pod is the observed one; with a selector, the first to appear becomes it. */
  private isObserved(pod: V1Pod): boolean {
    const name = pod.metadata?.name;
    if (this.observedName === undefined && name) this.observedName = name;
    return name === this.observedName;
  }

  private otherPod(pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name || this.otherPods.includes(name)) return;
    this.otherPods.push(name);
    for (const listener of this.listeners) listener();
  }

  private podSeen(pod: V1Pod): void {
    const observedNs = nowNs();
    const previous = this.pod;
    this.pod = pod;
    if (pod.metadata?.uid && pod.metadata.uid !== this.podUid) {
      this.podUid = pod.metadata.uid;
      for (const event of this.pendingEvents.splice(0)) this.eventSeen(event);
    }
    for (const record of diffPod(previous, pod, observedNs)) this.add(record);
    this.noteInstances(pod);
    this.followLogs(pod);
    this.inspectRuntime(pod);
    for (const listener of this.listeners) listener();
  }

  private podGone(pod?: V1Pod): void {
    if (pod) this.podSeen(pod);
    if (this.gone) return;
    this.gone = true;
    this.mark('pod-gone');
  }

  private eventSeen(event: CoreV1Event): void {
    if (!this.podUid) {
      this.pendingEvents.push(event);
      return;
    }
    if (event.involvedObject?.uid !== this.podUid) return;
    const key = event.metadata?.uid ?? `${event.reason}/${event.message}`;
    const seen = this.eventCounts.get(key) ?? 0;
    const records = eventRecords(event, seen, nowNs());
    this.eventCounts.set(key, Math.max(seen, event.count ?? 1));
    for (const record of records) this.add(record);
  }

  private noteInstances(pod: V1Pod): void {
    for (const status of statusesOf(pod)) {
      const id = status.containerID;
      if (!id || this.instances.has(id) || (!status.state?.running && !status.state?.terminated)) continue;
      this.instances.set(id, { container: status.name, restartCount: status.restartCount ?? 0 });
    }
  }

  /** Opens one log stream per container instance (containerID), so a restarted container is followed again. */
  private followLogs(pod: V1Pod): void {
    for (const status of statusesOf(pod)) {
      const id = status.containerID;
      if (!id || this.followed.has(id) || this.abort.signal.aborted) continue;
      if (!status.state?.running && !status.state?.terminated) continue;
      this.followed.add(id);
      this.logEnded.push(this.followLog(status.name, id, status.restartCount ?? 0));
    }
  }

  /**
   * Follows one instance's log across breaks: a stream that fails, or ends while the instance
   * still runs (an API server restart), is opened again from the last line's time, and lines
   * already recorded for the instance are dropped, so none is lost or repeated.
   */
  private async followLog(container: string, containerId: string, restartCount: number): Promise<void> {
    const recorded = new Set<string>();
    let last: LogLine | undefined;
    let brokeAtNs: bigint | undefined;
    let lastReceivedNs: bigint | undefined;
    let fruitless = 0;
    // Set before each stream opens, read after it ends: whether that stream brought a new line.
    let fresh: boolean;
    const what = `log stream of ${container} (${containerId})`;
    const onLine = (line: LogLine) => {
      const key = `${line.ns} ${line.text}`;
      lastReceivedNs = nowNs();
      if (recorded.has(key)) return;
      recorded.add(key);
      if (last === undefined || line.ns >= last.ns) last = line;
      fresh = true;
      this.add({
        source: 'log',
        kind: 'log',
        container,
        time: line.time,
        ns: line.ns,
        precision: 'exact',
        observedNs: nowNs(),
        message: line.text,
        restartCount,
      });
    };

    while (!this.abort.signal.aborted) {
      fresh = false;
      let resumedFrom: string | undefined;
      let stream: { done: Promise<Outcome> };
      try {
        stream = await retry(
          () => {
            const options: LogOptions = { follow: true, timestamps: true };
            if (brokeAtNs !== undefined) {
              // The log endpoint names a container, not an instance: a replaced one is read as `previous`.
              const where = this.instanceRelation(container, containerId);
              if (where === 'older')
                throw new LogGone('the instance is neither the current nor the previous one');
              if (where === 'previous') options.previous = true;
              if (last) options.sinceTime = last.time;
              resumedFrom = options.sinceTime;
            }
            return this.openLog(container, options, onLine);
          },
          {
            description: `open the ${what}`,
            retries: this.reopen.attempts,
            minTimeoutMs: this.reopen.minDelayMs,
            maxTimeoutMs: this.reopen.maxDelayMs,
            signal: this.abort.signal,
            // A Pod that is gone has no log endpoint any more.
            retryable: (error) => !this.gone && !(error instanceof LogGone),
          },
        );
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.problem(
          brokeAtNs === undefined
            ? `${what} failed: ${describeError(error)}`
            : `${what} broke at ${formatTimeNs(brokeAtNs)}; could not resume: ${describeError(error)}`,
        );
        return;
      }
      if (brokeAtNs !== undefined) {
        const since = resumedFrom ? ` from ${resumedFrom}` : '';
        this.problem(`${what} broke at ${formatTimeNs(brokeAtNs)}; resumed${since}`);
        this.gap(
          {
            stream: `log of ${container}`,
            fromNs: lastReceivedNs ?? brokeAtNs,
            toNs: nowNs(),
            why: `stream broke; resumed${since}, lines deduplicated`,
          },
          false,
        );
      }

      const outcome = await stream.done;
      const finishedNs = nowNs();
      if (outcome === 'aborted' || this.abort.signal.aborted) return;
      if (outcome === 'ended' && (await this.instanceEnded(container, containerId))) return;
      fruitless = fresh ? 0 : fruitless + 1;
      if (fruitless > this.reopen.attempts) {
        this.problem(`${what} keeps breaking without new lines; stopped following it`);
        return;
      }
      brokeAtNs = finishedNs;
    }
  }

  /**
   * Opens one log stream; resolves once the server accepted it, with how the stream finished.
   * Lines come to `onLine` as they arrive; a partial last line is kept only when the stream ends
   * normally (after a break the reopened stream sends it whole).
   */
  private async openLog(
    container: string,
    options: LogOptions,
    onLine: (line: LogLine) => void,
  ): Promise<{ done: Promise<Outcome> }> {
    const { namespace } = this.options;
    const splitter = new LineSplitter();
    const emit = (raw: string) => {
      const parsed = parseLogLine(raw);
      if (parsed) onLine(parsed);
    };
    let controller: Abortable | undefined;
    let stopped = false;
    const onAbort = () => {
      stopped = true;
      controller?.abort();
    };
    let sink!: Writable;
    const done = new Promise<Outcome>((resolve) => {
      let ended = false;
      sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const line of splitter.push(chunk.toString('utf8'))) emit(line);
          callback();
        },
        final(callback) {
          for (const line of splitter.flush()) emit(line);
          ended = true;
          callback();
          resolve(stopped ? 'aborted' : 'ended');
        },
      });
      // Errors are the break itself; 'close' follows them (and follows 'finish' on a normal end).
      sink.on('error', () => undefined);
      sink.on('close', () => resolve(stopped ? 'aborted' : ended ? 'ended' : 'broken'));
    });
    void done.then(() => this.abort.signal.removeEventListener('abort', onAbort));
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    try {
      controller = await this.transport.log(namespace, this.observedName ?? '', container, sink, options);
    } catch (error) {
      this.abort.signal.removeEventListener('abort', onAbort);
      sink.destroy();
      throw error;
    }
    if (stopped) controller.abort();
    return { done };
  }

  /** Whether the log endpoint for `container` still serves this instance, as its current or previous one. */
  private instanceRelation(container: string, containerId: string): 'current' | 'previous' | 'older' {
    const status = statusesOf(this.pod).find((s) => s.name === container);
    if (!status || status.containerID === containerId) return 'current';
    return status.lastState?.terminated?.containerID === containerId ? 'previous' : 'older';
  }

  /** Whether an instance has finished, waiting a little for the status to catch up with its log. */
  private async instanceEnded(container: string, containerId: string): Promise<boolean> {
    const ended = () => {
      if (this.gone) return true;
      const status = statusesOf(this.pod).find((s) => s.name === container);
      if (!status) return false;
      return status.containerID !== containerId || status.state?.terminated !== undefined;
    };
    const seen = await this.waitFor(() => (ended() ? true : undefined), {
      description: `${container} (${containerId}) to show terminated`,
      timeoutMs: this.reopen.statusGraceMs,
      signal: this.abort.signal,
    }).catch(() => false);
    if (seen || !this.options.runtime) return seen;
    // The status trails a busy kubelet; the runtime knows at once whether the instance finished.
    const times = await this.options.runtime
      .inspect(criContainerId(containerId), this.runtimeAbort.signal)
      .catch(() => undefined);
    return times?.finishedNs !== undefined;
  }

  /** Asks the runtime about each instance when first seen running and again when seen terminated. */
  private inspectRuntime(pod: V1Pod): void {
    if (!this.options.runtime) return;
    for (const status of statusesOf(pod)) {
      const id = status.containerID;
      if (id && status.state?.terminated) this.inspectOnce(id, 'terminated');
      else if (id && status.state?.running) this.inspectOnce(id, 'started');
      // A restart can replace an instance before any update showed it terminated.
      const previous = status.lastState?.terminated?.containerID;
      if (previous && this.instances.has(previous)) this.inspectOnce(previous, 'terminated');
    }
  }

  private inspectOnce(id: string, state: 'started' | 'terminated'): void {
    const key = `${id} ${state}`;
    // Inspecting a terminated instance also gives its start; a later 'running' look adds nothing.
    if (this.inspected.has(key) || (state === 'started' && this.inspected.has(`${id} terminated`))) return;
    this.inspected.add(key);
    this.inspectAfter(id, () => this.inspectNow(id, false));
  }

  /** Runs `inspection` after the ones already under way for this instance, never beside them. */
  private inspectAfter(id: string, inspection: () => Promise<void>): Promise<void> {
    const next = (this.inspections.get(id) ?? Promise.resolve()).then(inspection);
    this.inspections.set(id, next);
    return next;
  }

  private async inspectNow(id: string, sweep: boolean): Promise<void> {
    const runtime = this.options.runtime;
    const instance = this.instances.get(id);
    const signal = this.runtimeAbort.signal;
    if (!runtime || !instance || signal.aborted) return;
    const cri = criContainerId(id);
    if (this.runtimeKinds.get(cri)?.has('terminated')) return;
    try {
      const times = await runtime.inspect(cri, signal);
      if (signal.aborted) return;
      if (!times) {
        // At the end a runtime may well have removed old instances; while running that is news.
        if (!sweep) this.problem(`${runtime.source} does not know ${instance.container} (${cri})`);
        return;
      }
      const kinds = this.runtimeKinds.get(cri) ?? new Set<RecordKind>();
      this.runtimeKinds.set(cri, kinds);
      for (const record of runtimeRecords(times, instance.restartCount, nowNs())) {
        if (kinds.has(record.kind)) continue;
        kinds.add(record.kind);
        this.add(record);
      }
    } catch (error) {
      if (!signal.aborted)
        this.problem(`${runtime.source} failed for ${instance.container} (${cri}): ${describeError(error)}`);
    }
  }

  /** One more look at every instance whose finish the runtime has not given yet, within a bound. */
  private async sweepRuntime(): Promise<void> {
    if (!this.options.runtime) return;
    const sweeps = [...this.instances.keys()].map((id) =>
      this.inspectAfter(id, () => this.inspectNow(id, true)),
    );
    await withDeadline(Promise.allSettled(sweeps), this.options.runtimeSweepMs ?? RUNTIME_SWEEP_MS).catch(
      () => undefined,
    );
    this.runtimeAbort.abort();
  }
}
