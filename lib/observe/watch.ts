import type { KubeConfig } from '@kubernetes/client-node';
import { httpStatus } from '../retry.js';
import { nowNs } from '../timeline/time.js';
import { sleep } from '../wait.js';
import { watchTransport, type Abortable, type WatchTransport } from './transport.js';

/**
 * A watch that does not lose events: list first, then watch from the list's resourceVersion,
 * resume from the last resourceVersion seen when the stream closes, relist when the server says
 * that version is gone (410), and restart a stream that has gone silent for longer than
 * `silenceMs` (the server sends bookmarks, so silence means a dead connection).
 */

export type WatchPhase = 'ADDED' | 'MODIFIED' | 'DELETED';

interface ObjectWithMeta {
  metadata?: { resourceVersion?: string; uid?: string; name?: string };
}

export interface ResilientWatchOptions<T extends ObjectWithMeta> {
  /** Where watch streams come from: `transport` if given, else client-node's Watch on `config`. */
  config?: KubeConfig;
  transport?: WatchTransport;
  /** API path of the collection, e.g. /api/v1/namespaces/ns/pods. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
  list: () => Promise<{ items: T[]; resourceVersion: string }>;
  onEvent: (phase: WatchPhase, object: T) => void;
  /** Called on every (re)list with the full current set, so the caller can notice deletions it missed. */
  onRelist?: (items: T[]) => void;
  onProblem?: (message: string) => void;
  /**
   * The stream was down: from the last thing it received to the moment it was back (a list
   * answered, or a new stream accepted). A server's planned close, resumed at once, is no gap.
   */
  onGap?: (fromNs: bigint, toNs: bigint, why: string) => void;
  silenceMs: number;
  /** Pause before reconnecting after a close or silence (default 500 ms), so a down server is not hammered. */
  restartDelayMs?: number;
  signal: AbortSignal;
}

const RESTART_DELAY_MS = 500;

const WHY = {
  closed: 'stream broke',
  gone: 'resourceVersion expired (410), relisted',
  silent: 'stream went silent',
  aborted: 'stopped',
} as const;

export async function resilientWatch<T extends ObjectWithMeta>(
  options: ResilientWatchOptions<T>,
): Promise<void> {
  const transport = options.transport ?? (options.config ? watchTransport(options.config) : undefined);
  if (!transport) throw new Error(`resilientWatch ${options.path}: neither transport nor config given`);
  const restartDelayMs = options.restartDelayMs ?? RESTART_DELAY_MS;
  let resourceVersion: string | undefined;
  let lastReceivedNs = nowNs();
  let down: string | undefined;
  const back = () => {
    if (down !== undefined) options.onGap?.(lastReceivedNs, nowNs(), down);
    down = undefined;
    lastReceivedNs = nowNs();
  };
  // Stopped while the stream is down: the blind stretch runs up to the stop, it is not lost.
  const stoppedWhileDown = () => {
    if (down !== undefined)
      options.onGap?.(lastReceivedNs, nowNs(), `${down}; still down when observation stopped`);
    down = undefined;
  };

  while (!options.signal.aborted) {
    if (resourceVersion === undefined) {
      try {
        const listed = await options.list();
        back();
        resourceVersion = listed.resourceVersion;
        options.onRelist?.(listed.items);
        for (const item of listed.items) options.onEvent('ADDED', item);
      } catch (error) {
        down ??= 'list failed';
        options.onProblem?.(`list ${options.path} failed: ${String(error)}`);
        await pause(restartDelayMs, options.signal);
        continue;
      }
    }

    let closedWithError = false;
    const outcome = await new Promise<'closed' | 'gone' | 'silent' | 'aborted'>((resolve) => {
      let controller: Abortable | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = (why: 'closed' | 'gone' | 'silent' | 'aborted') => {
        if (finished) return;
        finished = true;
        clearTimeout(watchdog);
        options.signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(why);
      };
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => finish('silent'), options.silenceMs);
      };
      const onAbort = () => finish('aborted');
      options.signal.addEventListener('abort', onAbort, { once: true });
      arm();

      transport
        .watch(
          options.path,
          {
            allowWatchBookmarks: true,
            resourceVersion,
            fieldSelector: options.fieldSelector,
            labelSelector: options.labelSelector,
            // Let the server recycle the stream now and then; we resume from the last version.
            timeoutSeconds: 300,
          },
          (phase, received) => {
            // A stream we have given up on must not move the resume point or deliver stale events.
            if (finished) return;
            const object = received as T & { code?: number };
            arm();
            lastReceivedNs = nowNs();
            if (phase === 'ERROR') {
              if (object.code === 410) finish('gone');
              else options.onProblem?.(`watch ${options.path} error: ${JSON.stringify(object)}`);
              return;
            }
            const version = object.metadata?.resourceVersion;
            if (version) resourceVersion = version;
            if (phase === 'BOOKMARK') return;
            options.onEvent(phase as WatchPhase, object);
          },
          (error: unknown) => {
            if (error && !options.signal.aborted && !finished) {
              closedWithError = true;
              if (httpStatus(error) === 410) return finish('gone');
              options.onProblem?.(`watch ${options.path} closed: ${String(error)}`);
            }
            finish('closed');
          },
        )
        .then(
          (c) => {
            controller = c;
            if (finished) c.abort();
            else back();
          },
          (error: unknown) => {
            closedWithError = true;
            if (httpStatus(error) === 410) return finish('gone');
            options.onProblem?.(`watch ${options.path} failed to start: ${String(error)}`);
            finish('closed');
          },
        );
    });

    if (outcome === 'aborted') return stoppedWhileDown();
    if (outcome === 'gone') resourceVersion = undefined;
    if (outcome === 'silent') options.onProblem?.(`watch ${options.path} went silent; restarting`);
    if (outcome !== 'closed' || closedWithError) down ??= WHY[outcome];
    if (outcome !== 'gone') await pause(restartDelayMs, options.signal);
  }
  stoppedWhileDown();
}

/** A pause that ends early, without throwing, when the watch is stopped. */
const pause = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, signal).catch(() => undefined);
