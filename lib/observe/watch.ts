import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { httpStatus } from '../retry.js';

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
  config: KubeConfig;
  /** API path of the collection, e.g. /api/v1/namespaces/ns/pods. */
  path: string;
  fieldSelector?: string;
  list: () => Promise<{ items: T[]; resourceVersion: string }>;
  onEvent: (phase: WatchPhase, object: T) => void;
  /** Called on every (re)list with the full current set, so the caller can notice deletions it missed. */
  onRelist?: (items: T[]) => void;
  onProblem?: (message: string) => void;
  silenceMs: number;
  signal: AbortSignal;
}

const RESTART_DELAY_MS = 500;

export async function resilientWatch<T extends ObjectWithMeta>(
  options: ResilientWatchOptions<T>,
): Promise<void> {
  const watch = new Watch(options.config);
  let resourceVersion: string | undefined;

  while (!options.signal.aborted) {
    if (resourceVersion === undefined) {
      try {
        const listed = await options.list();
        resourceVersion = listed.resourceVersion;
        options.onRelist?.(listed.items);
        for (const item of listed.items) options.onEvent('ADDED', item);
      } catch (error) {
        options.onProblem?.(`list ${options.path} failed: ${String(error)}`);
        await pause(RESTART_DELAY_MS, options.signal);
        continue;
      }
    }

    const outcome = await new Promise<'closed' | 'gone' | 'silent' | 'aborted'>((resolve) => {
      let controller: AbortController | undefined;
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

      watch
        .watch(
          options.path,
          {
            allowWatchBookmarks: true,
            resourceVersion,
            fieldSelector: options.fieldSelector,
            // Let the server recycle the stream now and then; we resume from the last version.
            timeoutSeconds: 300,
          },
          (phase, object: T & { code?: number }) => {
            arm();
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
          },
          (error: unknown) => {
            if (httpStatus(error) === 410) return finish('gone');
            options.onProblem?.(`watch ${options.path} failed to start: ${String(error)}`);
            finish('closed');
          },
        );
    });

    if (outcome === 'aborted') return;
    if (outcome === 'gone') resourceVersion = undefined;
    if (outcome === 'silent') options.onProblem?.(`watch ${options.path} went silent; restarting`);
    if (outcome !== 'gone') await pause(RESTART_DELAY_MS, options.signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
