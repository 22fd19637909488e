import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  poll,
  sleep,
  StopWaiting,
  waitFor,
  WaitAbortedError,
  WaitTimeoutError,
  type Subscribe,
} from './wait.js';

/** A change source the test fires by hand, counting subscriptions. */
function source() {
  const listeners = new Set<() => void>();
  const subscribe: Subscribe = (onChange) => {
    listeners.add(onChange);
    return () => listeners.delete(onChange);
  };
  return { subscribe, listeners, fire: () => listeners.forEach((l) => l()) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('waitFor', () => {
  it('resolves when a notification makes the check pass, then unsubscribes and clears its deadline', async () => {
    const changes = source();
    let phase = 'Pending';
    const check = vi.fn(() => (phase === 'Running' ? phase : undefined));
    const waiting = waitFor(changes.subscribe, check, { description: 'the Pod to run', timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
    changes.fire();
    phase = 'Running';
    changes.fire();
    await expect(waiting).resolves.toBe('Running');
    expect(check).toHaveBeenCalledTimes(3);
    expect(changes.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves on the first check when the condition already holds', async () => {
    const changes = source();
    await expect(
      waitFor(changes.subscribe, () => 'now', { description: 'x', timeoutMs: 1000 }),
    ).resolves.toBe('now');
    expect(changes.listeners.size).toBe(0);
  });

  it('treats only undefined as not yet: 0, false and null are answers', async () => {
    const { subscribe } = source();
    const options = { description: 'x', timeoutMs: 1000 };
    await expect(waitFor(subscribe, () => 0, options)).resolves.toBe(0);
    await expect(waitFor(subscribe, () => false, options)).resolves.toBe(false);
    await expect(waitFor(subscribe, () => null, options)).resolves.toBeNull();
  });

  it('re-checks once after notifications that came while an async check ran', async () => {
    const changes = source();
    const answers: Array<(value: string | undefined) => void> = [];
    const check = vi.fn(() => new Promise<string | undefined>((resolve) => answers.push(resolve)));
    const waiting = waitFor(changes.subscribe, check, { description: 'x', timeoutMs: 1000 });
    changes.fire();
    changes.fire();
    expect(check).toHaveBeenCalledTimes(1);
    answers[0]?.(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(2);
    answers[1]?.('done');
    await expect(waiting).resolves.toBe('done');
  });

  it('keeps the last thrown error and reports it with elapsed time, attempts and diagnostics', async () => {
    const changes = source();
    let attempt = 0;
    const check = () => {
      attempt++;
      throw new Error(`pods "p" not found (attempt ${attempt})`);
    };
    const waiting = waitFor(changes.subscribe, check, {
      description: 'Pod p to run',
      timeoutMs: 5000,
      diagnostics: async () => 'app: waiting ContainerCreating',
    });
    const outcome = expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    changes.fire();
    await vi.advanceTimersByTimeAsync(2000);
    changes.fire();
    await vi.advanceTimersByTimeAsync(3000);
    await outcome;
    const error = (await waiting.catch((e: unknown) => e)) as WaitTimeoutError;
    expect(error).toMatchObject({
      name: 'WaitTimeoutError',
      description: 'Pod p to run',
      elapsedMs: 5000,
      attempts: 3,
      diagnostics: 'app: waiting ContainerCreating',
    });
    expect((error.lastError as Error).message).toBe('pods "p" not found (attempt 3)');
    expect(error.message).toBe(
      'timed out after 5000 ms waiting for Pod p to run (3 checks; last error: pods "p" not found (attempt 3))\n' +
        'app: waiting ContainerCreating',
    );
    expect(changes.listeners.size).toBe(0);
  });

  it('still times out, naming the failure, when the diagnostics throw', async () => {
    const { subscribe } = source();
    const waiting = waitFor(subscribe, () => undefined, {
      description: 'x',
      timeoutMs: 100,
      diagnostics: () => {
        throw new Error('API server gone');
      },
    });
    const outcome = expect(waiting).rejects.toThrow(
      'timed out after 100 ms waiting for x (1 checks)\n(diagnostics failed: Error: API server gone)',
    );
    await vi.advanceTimersByTimeAsync(100);
    await outcome;
  });

  it('does not time out before the deadline', async () => {
    const { subscribe } = source();
    const settled = vi.fn();
    waitFor(subscribe, () => undefined, { description: 'x', timeoutMs: 1000 }).catch(settled);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toHaveBeenCalledOnce();
  });

  it('rejects with WaitAbortedError when the caller aborts, and cleans up', async () => {
    const changes = source();
    const controller = new AbortController();
    const waiting = waitFor(changes.subscribe, () => undefined, {
      description: 'Pod p to run',
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(waiting).rejects.toThrow(new WaitAbortedError('Pod p to run'));
    await expect(waiting).rejects.toThrow('interrupted while waiting for Pod p to run');
    expect(changes.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once, without checking, when the signal is already aborted', async () => {
    const changes = source();
    const check = vi.fn(() => 'never');
    const waiting = waitFor(changes.subscribe, check, {
      description: 'x',
      timeoutMs: 60_000,
      signal: AbortSignal.abort(),
    });
    await expect(waiting).rejects.toBeInstanceOf(WaitAbortedError);
    expect(check).not.toHaveBeenCalled();
    expect(changes.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('poll', () => {
  it('re-checks every interval until the check passes, then stops its timers', async () => {
    let calls = 0;
    const waiting = poll(() => (++calls === 4 ? 'healthy' : undefined), {
      description: 'kube-apiserver /readyz',
      timeoutMs: 10_000,
      intervalMs: 500,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(500);
    await expect(waiting).resolves.toBe('healthy');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out with the number of checks made', async () => {
    const waiting = poll(() => undefined, { description: 'etcd health', timeoutMs: 1000, intervalMs: 300 });
    const outcome = expect(waiting).rejects.toThrow(
      'timed out after 1000 ms waiting for etcd health (4 checks)',
    );
    await vi.advanceTimersByTimeAsync(1000);
    await outcome;
  });
});

describe('sleep', () => {
  it('resolves after the given time', async () => {
    const done = vi.fn();
    void sleep(3000).then(done);
    await vi.advanceTimersByTimeAsync(2999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledOnce();
  });

  it('rejects with WaitAbortedError naming the window when aborted', async () => {
    const controller = new AbortController();
    const sleeping = sleep(30_000, controller.signal);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await expect(sleeping).rejects.toThrow(new WaitAbortedError('a 30000 ms observation window'));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(sleep(1000, AbortSignal.abort())).rejects.toBeInstanceOf(WaitAbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores an abort after it resolved', async () => {
    const controller = new AbortController();
    const sleeping = sleep(10, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await expect(sleeping).resolves.toBeUndefined();
    expect(() => controller.abort()).not.toThrow();
  });
});

describe('StopWaiting', () => {
  it('ends the wait at once with its cause, without waiting for the deadline', async () => {
    const died = new Error('kube-apiserver exited while starting');
    let checks = 0;
    const started = Date.now();
    await expect(
      waitFor(
        () => () => {},
        () => {
          checks++;
          throw new StopWaiting(died);
        },
        { description: 'kube-apiserver', timeoutMs: 60_000 },
      ),
    ).rejects.toBe(died);
    expect(checks).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
