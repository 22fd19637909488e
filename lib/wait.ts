/**
 * The one way to wait: re-check a condition whenever its source says something changed, until it
 * holds, the deadline passes, or the caller aborts. Sources without change notifications (an HTTP
 * health endpoint, a file) use `poll`, which is the same wait driven by a timer.
 */

export interface WaitOptions {
  /** What we are waiting for, as the end of "timed out waiting for …". */
  description: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** A snapshot for the timeout message (never throws into the caller). */
  diagnostics?: () => string | Promise<string>;
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly description: string,
    readonly elapsedMs: number,
    readonly attempts: number,
    readonly lastError: unknown,
    readonly diagnostics: string,
  ) {
    const last = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    const diag = diagnostics ? `\n${diagnostics}` : '';
    super(`timed out after ${elapsedMs} ms waiting for ${description} (${attempts} checks${last})${diag}`);
  }
}

export class WaitAbortedError extends Error {
  override readonly name = 'WaitAbortedError';
  constructor(readonly description: string) {
    super(`interrupted while waiting for ${description}`);
  }
}

/** Thrown by a check to end the wait at once with `cause` (e.g. the process being waited on died). */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A change notification: `subscribe(onChange)` returns an unsubscribe function. */
export type Subscribe = (onChange: () => void) => () => void;

/**
 * Resolves with the first non-undefined value `check` returns. `check` runs once at the start and
 * again after every notification; errors it throws are kept as the last error and it is retried.
 */
export function waitFor<T>(
  subscribe: Subscribe,
  check: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  let lastError: unknown;
  let running = false;
  let again = false;
  let settled = false;

  return new Promise<T>((resolve, reject) => {
    const cleanups: Array<() => void> = [];
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      action();
    };

    const evaluate = async (): Promise<void> => {
      if (settled) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          attempts++;
          try {
            const value = await check();
            if (value !== undefined) return finish(() => resolve(value));
          } catch (error) {
            if (error instanceof StopWaiting) return finish(() => reject(error.cause));
            lastError = error;
          }
        } while (again && !settled);
      } finally {
        running = false;
      }
    };

    const timer = setTimeout(async () => {
      let diagnostics = '';
      try {
        diagnostics = (await options.diagnostics?.()) ?? '';
      } catch (error) {
        diagnostics = `(diagnostics failed: ${String(error)})`;
      }
      finish(() =>
        reject(
          new WaitTimeoutError(options.description, Date.now() - started, attempts, lastError, diagnostics),
        ),
      );
    }, options.timeoutMs);
    cleanups.push(() => clearTimeout(timer));

    if (options.signal) {
      const onAbort = () => finish(() => reject(new WaitAbortedError(options.description)));
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
    }

    cleanups.push(subscribe(() => void evaluate()));
    void evaluate();
  });
}

/** A change source that fires every `intervalMs`. */
export function every(intervalMs: number): Subscribe {
  return (onChange) => {
    const timer = setInterval(onChange, intervalMs);
    return () => clearInterval(timer);
  };
}

/** `waitFor` for sources that cannot notify: re-checks every `intervalMs`. */
export function poll<T>(
  check: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions & { intervalMs: number },
): Promise<T> {
  return waitFor(every(options.intervalMs), check, options);
}

/** Resolves after `ms` unless aborted: for observation windows, not for waiting on conditions. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WaitAbortedError(`a ${ms} ms observation window`));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects when `timeoutMs` passes or `signal` aborts first: for calls
 * that take no AbortSignal of their own (a generated API client's request).
 */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no answer within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const onAbort = () => finish(() => reject(new WaitAbortedError('an answer')));
    function finish(action: () => void) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
