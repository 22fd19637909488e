import { Writable } from 'node:stream';
import { Log, type CoreV1Event, type V1Pod } from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import type { TimelineRecord } from '../timeline/record.js';
import { nowNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import { waitFor, type WaitOptions } from '../wait.js';
import { eventRecords } from './events.js';
import { LineSplitter, parseLogLine } from './log-line.js';
import { diffPod } from './pod-status.js';
import { resilientWatch, type ResilientWatchOptions } from './watch.js';

export interface ObserverOptions {
  kube: Kube;
  namespace: string;
  podName: string;
  silenceMs: number;
  /** Problems that do not stop observation (a watch restarted, a log stream refused). */
  onProblem?: (message: string) => void;
}

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

  private readonly abort = new AbortController();
  private readonly listeners = new Set<() => void>();
  private readonly eventCounts = new Map<string, number>();
  private readonly pendingEvents: CoreV1Event[] = [];
  private readonly logStreams = new Map<string, AbortController | 'opening'>();
  private readonly running: Promise<void>[] = [];

  constructor(private readonly options: ObserverOptions) {}

  start(): void {
    const { kube, namespace, podName } = this.options;
    const podSelector = `metadata.name=${podName}`;
    const eventSelector = `involvedObject.name=${podName}`;
    this.running.push(
      this.watch<V1Pod>(
        'pods',
        podSelector,
        () => kube.core.listNamespacedPod({ namespace, fieldSelector: podSelector }),
        {
          onRelist: (items) => {
            if (items.length === 0 && this.pod) this.podGone();
          },
          onEvent: (phase, pod) => (phase === 'DELETED' ? this.podGone(pod) : this.podSeen(pod)),
        },
      ),
      this.watch<CoreV1Event>(
        'events',
        eventSelector,
        () => kube.core.listNamespacedEvent({ namespace, fieldSelector: eventSelector }),
        {
          onEvent: (phase, event) => {
            if (phase !== 'DELETED') this.eventSeen(event);
          },
        },
      ),
    );
  }

  /** One resilient watch on a collection in the scenario's namespace, narrowed by a field selector. */
  private watch<T extends { metadata?: { resourceVersion?: string } }>(
    resource: 'pods' | 'events',
    fieldSelector: string,
    list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>,
    handlers: Pick<ResilientWatchOptions<T>, 'onEvent' | 'onRelist'>,
  ): Promise<void> {
    const { kube, namespace, silenceMs } = this.options;
    return resilientWatch<T>({
      config: kube.config,
      path: `/api/v1/namespaces/${namespace}/${resource}`,
      fieldSelector,
      list: async () => {
        const listed = await list();
        return { items: listed.items, resourceVersion: listed.metadata?.resourceVersion ?? '' };
      },
      ...handlers,
      onProblem: (message) => this.problem(message),
      silenceMs,
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

  /** Stops every watch and log stream; the timeline keeps what was seen. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const stream of this.logStreams.values()) if (stream !== 'opening') stream.abort();
    await Promise.allSettled(this.running);
  }

  /** Stops after giving open log streams a moment to deliver their last lines. */
  async drainLogs(timeoutMs: number): Promise<void> {
    await Promise.race([
      Promise.allSettled(this.logEnded),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  diagnostics(): string {
    const statuses = [
      ...(this.pod?.status?.initContainerStatuses ?? []),
      ...(this.pod?.status?.containerStatuses ?? []),
    ]
      .map((s) => `${s.name}: ${JSON.stringify(s.state)} ready=${s.ready} restarts=${s.restartCount}`)
      .join('; ');
    return `pod ${this.options.namespace}/${this.options.podName} phase=${this.pod?.status?.phase ?? 'unknown'} ${statuses}`;
  }

  private readonly logEnded: Promise<void>[] = [];

  private add(record: Omit<TimelineRecord, 'seq'>): void {
    this.timeline.add(record);
    for (const listener of this.listeners) listener();
  }

  private problem(message: string): void {
    this.problems.push(message);
    this.options.onProblem?.(message);
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
    this.followLogs(pod);
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

  /** Opens one log stream per container instance (containerID), so a restarted container is followed again. */
  private followLogs(pod: V1Pod): void {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const id = status.containerID;
      if (!id || this.logStreams.has(id) || this.abort.signal.aborted) continue;
      if (!status.state?.running && !status.state?.terminated) continue;
      this.logStreams.set(id, 'opening');
      this.logEnded.push(this.streamLog(status.name, id, status.restartCount ?? 0));
    }
  }

  private streamLog(container: string, containerId: string, restartCount: number): Promise<void> {
    const { kube, namespace, podName } = this.options;
    const splitter = new LineSplitter();
    const emit = (line: string) => {
      const parsed = parseLogLine(line);
      if (!parsed) return;
      this.add({
        source: 'log',
        kind: 'log',
        container,
        time: parsed.time,
        ns: parsed.ns,
        precision: 'exact',
        observedNs: nowNs(),
        message: parsed.text,
        restartCount,
      });
    };
    return new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const line of splitter.push(chunk.toString('utf8'))) emit(line);
          callback();
        },
        final(callback) {
          for (const line of splitter.flush()) emit(line);
          callback();
          resolve();
        },
      });
      sink.on('close', () => resolve());
      new Log(kube.config).log(namespace, podName, container, sink, { follow: true, timestamps: true }).then(
        (controller) => {
          if (this.abort.signal.aborted) controller.abort();
          this.logStreams.set(containerId, controller);
        },
        (error: unknown) => {
          this.logStreams.delete(containerId);
          // A stream still opening when observation stopped (or the node went away) is no news.
          if (!this.abort.signal.aborted)
            this.problem(`log stream of ${container} (${containerId}) failed: ${String(error)}`);
          resolve();
        },
      );
    });
  }
}
