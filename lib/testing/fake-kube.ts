import type { Writable } from 'node:stream';
import type { CoreV1Event, LogOptions, V1Pod } from '@kubernetes/client-node';
import type { Abortable, KubeTransport, Listed, ListQuery, WatchQuery } from '../observe/transport.js';
import { waitFor } from '../wait.js';

/**
 * An API server in memory for the observer's unit tests: every watch, log and list request is
 * recorded, and the test answers it — sends events, closes or breaks streams, writes log lines.
 */

/** One watch request; the test drives it. */
export class FakeWatch {
  aborted = false;
  done = false;
  constructor(
    readonly path: string,
    readonly query: WatchQuery,
    private readonly onEvent: (phase: string, object: unknown) => void,
    private readonly onDone: (error: unknown) => void,
  ) {}

  send(phase: string, object: unknown): void {
    if (!this.done && !this.aborted) this.onEvent(phase, object);
  }

  /** Ends the stream: normally without an error, as a failed connection with one. */
  close(error: unknown = null): void {
    if (this.done) return;
    this.done = true;
    this.onDone(error);
  }

  /** Like client-node: aborting ends the request, and `done` hears of it. */
  abort(): void {
    this.aborted = true;
    queueMicrotask(() => this.close(new Error('The operation was aborted')));
  }
}

/** One accepted log request; the test writes lines, then ends or breaks it. */
export class FakeLog implements Abortable {
  aborted = false;
  constructor(
    readonly namespace: string,
    readonly pod: string,
    readonly container: string,
    readonly options: LogOptions,
    private readonly sink: Writable,
  ) {}

  /** Writes raw text (which may end mid-line). */
  write(text: string): void {
    if (!this.sink.destroyed && !this.sink.writableEnded) this.sink.write(text);
  }

  /** Writes `time text\n`, the `timestamps=true` form. */
  line(time: string, text: string): void {
    this.write(`${time} ${text}\n`);
  }

  /** The server ended the stream (the container exited, or the server closed it cleanly). */
  end(): void {
    if (!this.sink.destroyed && !this.sink.writableEnded) this.sink.end();
  }

  /** The connection broke (an API server restart). */
  break(error: Error = new Error('socket hang up')): void {
    if (!this.sink.destroyed) this.sink.destroy(error);
  }

  abort(): void {
    this.aborted = true;
    this.break(new Error('The operation was aborted'));
  }
}

type ListAnswer<T> = (query: ListQuery) => Listed<T> | Promise<Listed<T>>;

export class FakeKube implements KubeTransport {
  readonly watches: FakeWatch[] = [];
  readonly logs: FakeLog[] = [];
  readonly logRequests: { container: string; options: LogOptions }[] = [];
  readonly listCalls: { resource: 'pods' | 'events'; query: ListQuery }[] = [];
  /** What the next list calls answer; the default is an empty collection at resourceVersion 1. */
  listPodsAnswer: ListAnswer<V1Pod> = () => ({ items: [], metadata: { resourceVersion: '1' } });
  listEventsAnswer: ListAnswer<CoreV1Event> = () => ({ items: [], metadata: { resourceVersion: '1' } });
  /** The heartbeat's request; absent until a test models the API server answering (or not). */
  ping?: () => Promise<unknown>;
  /** Return an error to refuse a log request (as the server refusing it), undefined to accept it. */
  refuseLog: (container: string, options: LogOptions) => Error | undefined = () => undefined;

  private readonly listeners = new Set<() => void>();

  watch(
    path: string,
    query: WatchQuery,
    onEvent: (phase: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<Abortable> {
    const watch = new FakeWatch(path, query, onEvent, onDone);
    this.watches.push(watch);
    this.changed();
    return Promise.resolve(watch);
  }

  async log(
    namespace: string,
    pod: string,
    container: string,
    sink: Writable,
    options: LogOptions,
  ): Promise<Abortable> {
    this.logRequests.push({ container, options: { ...options } });
    const refusal = this.refuseLog(container, options);
    if (refusal) {
      this.changed();
      throw refusal;
    }
    const log = new FakeLog(namespace, pod, container, { ...options }, sink);
    this.logs.push(log);
    this.changed();
    return log;
  }

  async listPods(_namespace: string, query: ListQuery): Promise<Listed<V1Pod>> {
    this.listCalls.push({ resource: 'pods', query });
    this.changed();
    return this.listPodsAnswer(query);
  }

  async listEvents(_namespace: string, query: ListQuery): Promise<Listed<CoreV1Event>> {
    this.listCalls.push({ resource: 'events', query });
    this.changed();
    return this.listEventsAnswer(query);
  }

  /** The open (not yet ended) watch on a collection path ending in `resource`. */
  current(resource: 'pods' | 'events'): FakeWatch | undefined {
    return this.watches.filter((w) => w.path.endsWith(`/${resource}`) && !w.done).at(-1);
  }

  /** Waits for the `n`th (1-based) watch request on `resource`. */
  nthWatch(resource: 'pods' | 'events', n: number, timeoutMs = 2000): Promise<FakeWatch> {
    return this.until(() => this.watches.filter((w) => w.path.endsWith(`/${resource}`))[n - 1], {
      description: `watch #${n} on ${resource}`,
      timeoutMs,
    });
  }

  /** Waits for the `n`th (1-based) accepted log stream of `container`. */
  nthLog(container: string, n: number, timeoutMs = 2000): Promise<FakeLog> {
    return this.until(() => this.logs.filter((l) => l.container === container)[n - 1], {
      description: `log stream #${n} of ${container}`,
      timeoutMs,
    });
  }

  /** Waits until `check` holds, re-checking on every request the fake receives. */
  until<T>(check: () => T | undefined, options: { description: string; timeoutMs: number }): Promise<T> {
    return waitFor(
      (onChange) => {
        this.listeners.add(onChange);
        return () => this.listeners.delete(onChange);
      },
      check,
      options,
    );
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
