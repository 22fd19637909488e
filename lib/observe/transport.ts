import type { Readable, Writable } from 'node:stream';
import {
  Log,
  Watch,
  type CoreV1Event,
  type KubeConfig,
  type LogOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';

/**
 * What the observer reads from the API server: watch streams, log streams and lists. Production
 * uses client-node's `Watch`, `Log` and `CoreV1Api`; unit tests pass a fake (lib/testing/fake-kube.ts).
 */

export interface Abortable {
  abort(): void;
}

export type WatchQuery = Record<string, string | number | boolean | undefined>;

export interface ListQuery {
  fieldSelector?: string;
  labelSelector?: string;
}

export interface Listed<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export interface WatchTransport {
  /**
   * Opens a watch stream; `onEvent` gets each event, `onDone` once when the stream ends (an error,
   * or null/undefined for a normal close), also after `abort()`.
   */
  watch(
    path: string,
    query: WatchQuery,
    onEvent: (phase: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<Abortable>;
}

export interface KubeTransport extends WatchTransport {
  /**
   * Streams one container's log into `sink`: the sink is ended when the stream ends normally and
   * destroyed with an error when it breaks; the promise rejects when the server refuses the request.
   */
  log(
    namespace: string,
    pod: string,
    container: string,
    sink: Writable,
    options: LogOptions,
  ): Promise<Abortable>;
  listPods(namespace: string, query: ListQuery): Promise<Listed<V1Pod>>;
  listEvents(namespace: string, query: ListQuery): Promise<Listed<CoreV1Event>>;
  /** A small request that shows the API server answers (absent in fakes that do not model it). */
  ping?(): Promise<unknown>;
}

/**
 * client-node pipes the response body into the sink, and a pipe leaves its destination open when
 * the source fails (a reset connection): this passes such a failure on, so the break is seen.
 */
export function failWithSource(sink: Writable): void {
  sink.once('pipe', (source: Readable) => {
    source.once('error', (error: Error) => sink.destroy(error));
    source.once('close', () => {
      if (!source.readableEnded) sink.destroy(new Error('log stream closed before its end'));
    });
  });
}

export function watchTransport(config: KubeConfig): WatchTransport {
  const watch = new Watch(config);
  return { watch: (path, query, onEvent, onDone) => watch.watch(path, query, onEvent, onDone) };
}

export function kubeTransport(kube: Kube): KubeTransport {
  const log = new Log(kube.config);
  return {
    ...watchTransport(kube.config),
    log(namespace, pod, container, sink, options) {
      failWithSource(sink);
      return log.log(namespace, pod, container, sink, options);
    },
    listPods: (namespace, query) => kube.core.listNamespacedPod({ namespace, ...query }),
    listEvents: (namespace, query) => kube.core.listNamespacedEvent({ namespace, ...query }),
    ping: () => kube.core.getAPIResources(),
  };
}
