import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../errors.js';
import { nsToMs } from '../../timeline/time.js';
import { poll, sleep, WaitAbortedError } from '../../wait.js';
import { pauseDaemon, processState, restartDaemon } from './faults.js';
import { isAlive, runningPid, startDaemon, stopDaemon } from './processes.js';

// Real processes of our own (node children that idle), found by pid file as the local cluster's
// daemons are: stopped, restarted and frozen for real, never anything else on the machine.

const NODE = realpathSync(process.execPath);
const IDLE = 'setInterval(() => {}, 1000)';
const DEAF = "process.on('SIGTERM', () => {}); console.log('deaf to SIGTERM'); setInterval(() => {}, 1000)";

let dir: string;
const pidPaths: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-faults-'));
});

afterEach(async () => {
  for (const pidPath of pidPaths.splice(0)) {
    const pid = await runningPid(pidPath);
    if (pid) process.kill(pid, 'SIGCONT');
    await stopDaemon(pidPath, 1_000);
  }
  await rm(dir, { recursive: true, force: true });
});

function daemon(name: string, script = IDLE): { pidPath: string; start: (binary?: string) => number } {
  const pidPath = join(dir, `${name}.pid`);
  pidPaths.push(pidPath);
  const start = (binary = NODE) =>
    startDaemon({ name, binary, args: ['-e', script], logPath: join(dir, `${name}.log`), pidPath });
  return { pidPath, start };
}

describe('pauseDaemon', () => {
  it('stops the process for the time asked, then lets it run again', async () => {
    const { pidPath, start } = daemon('kube-apiserver');
    const pid = start();
    await poll(async () => ((await processState(pid)) === 'S' ? true : undefined), {
      description: 'the child to idle',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    const exitListeners = process.listenerCount('exit');
    const lines: string[] = [];
    const pausing = pauseDaemon({ component: 'kube-apiserver', pidPath }, 300, {
      onProgress: (line) => lines.push(line),
    });
    await sleep(150);
    expect(await processState(pid)).toBe('T');
    // Resumed whatever happens, even if this process exits in the middle.
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    const happened = await pausing;
    expect(await processState(pid)).not.toBe('T');
    expect(process.listenerCount('exit')).toBe(exitListeners);
    expect(happened).toMatchObject({ kind: 'apiserver-pause', component: 'kube-apiserver' });
    expect(nsToMs(happened.untilNs - happened.atNs)).toBeGreaterThanOrEqual(299);
    expect(happened.what).toMatch(
      new RegExp(`^kube-apiserver paused: SIGSTOP to pid ${pid}, SIGCONT 0\\.3 s later$`),
    );
    expect(lines.some((l) => l.includes(`SIGSTOP to pid ${pid}`))).toBe(true);
  });

  it('resumes at once when aborted, and says it was interrupted', async () => {
    const { pidPath, start } = daemon('kube-apiserver');
    const pid = start();
    const controller = new AbortController();
    // Aborted once pauseDaemon itself has seen the stop (its progress line), not when /proc shows
    // 'T': between the two, an abort ends the wait for the stop, a different error (seen on Node 24).
    let paused = false;
    const pausing = pauseDaemon({ component: 'kube-apiserver', pidPath }, 60_000, {
      signal: controller.signal,
      onProgress: (line) => {
        if (line.includes('paused (SIGSTOP')) paused = true;
      },
    });
    await poll(async () => (paused ? true : undefined), {
      description: 'pauseDaemon to see the child stopped',
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    expect(await processState(pid)).toBe('T');
    const abortedAt = Date.now();
    controller.abort();
    await expect(pausing).rejects.toThrow(
      new WaitAbortedError('the end of the 60000 ms pause of kube-apiserver, which resumed at once'),
    );
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(await processState(pid)).not.toBe('T');
    expect(isAlive(pid)).toBe(true);
  });

  it('resumes the process when the pausing process exits in the middle (a second Ctrl-C)', async () => {
    const { pidPath, start } = daemon('kube-apiserver');
    const pid = start();
    const faults = join(import.meta.dirname, 'faults.ts');
    // A process of its own pauses our daemon for a minute and exits 200 ms into the pause.
    const script = [
      `const { pauseDaemon } = await import(${JSON.stringify(faults)});`,
      `void pauseDaemon({ component: 'kube-apiserver', pidPath: ${JSON.stringify(pidPath)} }, 60_000, {`,
      `  onProgress: () => setTimeout(() => process.exit(130), 200),`,
      `});`,
    ].join('\n');
    const child = await execa(NODE, ['--import', 'tsx', '--input-type=module', '-e', script], {
      reject: false,
    });
    expect(child.exitCode).toBe(130);
    expect(await processState(pid)).not.toBe('T');
    expect(isAlive(pid)).toBe(true);
  });

  it('refuses a component that does not run, in one sentence', async () => {
    const { pidPath } = daemon('kube-apiserver');
    const error = await pauseDaemon({ component: 'kube-apiserver', pidPath }, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.clusterStartFailed);
    expect((error as UserError).message).toBe(
      `kube-apiserver is not running (no live process in ${pidPath}), so it cannot be paused; bring the cluster up first (sidecar-conformance cluster up).`,
    );
  });
});

describe('restartDaemon', () => {
  it('stops the process and starts it again from the binary it ran, returning once started', async () => {
    const { pidPath, start } = daemon('kubelet');
    const oldPid = start();
    const started: string[] = [];
    let newPid = 0;
    const happened = await restartDaemon({
      component: 'kubelet',
      pidPath,
      start: async (binary) => {
        // The old one is gone and its pid file removed before the start, as `up` expects.
        expect(isAlive(oldPid)).toBe(false);
        expect(await runningPid(pidPath)).toBeUndefined();
        started.push(binary);
        newPid = start(binary);
      },
    });
    expect(started).toEqual([NODE]);
    expect(await runningPid(pidPath)).toBe(newPid);
    expect(newPid).not.toBe(oldPid);
    expect(happened).toMatchObject({ kind: 'kubelet-restart', component: 'kubelet' });
    expect(happened.untilNs).toBeGreaterThan(happened.atNs);
    expect(happened.what).toMatch(
      new RegExp(
        `^kubelet restarted: pid ${oldPid} stopped in [\\d.]+ s \\(SIGTERM\\), pid ${newPid} answered [\\d.]+ s later$`,
      ),
    );
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const { pidPath, start } = daemon('kube-apiserver', DEAF);
    const oldPid = start();
    // Until its handler is installed SIGTERM would kill it at once: wait for the line it logs after
    // (a fixed 300 ms was too short for a node child to start on a loaded machine).
    await poll(
      async () =>
        (await readFile(join(dir, 'kube-apiserver.log'), 'utf8').catch(() => '')).includes('deaf to SIGTERM')
          ? true
          : undefined,
      { description: 'the child to install its SIGTERM handler', timeoutMs: 10_000, intervalMs: 20 },
    );
    const happened = await restartDaemon({
      component: 'kube-apiserver',
      pidPath,
      graceMs: 300,
      start: async (binary) => void start(binary),
    });
    expect(isAlive(oldPid)).toBe(false);
    expect(nsToMs(happened.untilNs - happened.atNs)).toBeGreaterThanOrEqual(300);
    expect(happened.kind).toBe('apiserver-restart');
    expect(happened.what).toContain('(SIGTERM, SIGKILL after 0.3 s)');
  });

  it('hands the caller’s signal to the start (the wait for health), after starting', async () => {
    const { pidPath, start } = daemon('kubelet');
    start();
    const controller = new AbortController();
    controller.abort();
    let seen: AbortSignal | undefined;
    await expect(
      restartDaemon(
        {
          component: 'kubelet',
          pidPath,
          start: async (binary, signal) => {
            start(binary);
            seen = signal;
            if (signal?.aborted) throw new WaitAbortedError('kubelet to answer');
          },
        },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(WaitAbortedError);
    expect(seen).toBe(controller.signal);
    // Aborted or not, the component runs again.
    expect(await runningPid(pidPath)).toBeDefined();
  });

  it('refuses a component that does not run', async () => {
    const { pidPath } = daemon('kubelet');
    await expect(restartDaemon({ component: 'kubelet', pidPath, start: async () => {} })).rejects.toThrow(
      /^kubelet is not running .* so it cannot be restarted; bring the cluster up first/,
    );
  });
});
