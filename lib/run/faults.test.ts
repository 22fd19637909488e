import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FaultHappened,
  FaultOptions,
  PausableComponent,
  RestartableComponent,
} from '../cluster/provider.js';
import { ExitCode, UserError } from '../errors.js';
import { toHtml } from '../report/html.js';
import { toJsonReport } from '../report/json.js';
import { toJUnitXml } from '../report/junit.js';
import { exampleRun } from '../testing/example-run.js';
import { formatTimeNs, msToNs, nowNs, nsToMs, parseTimeNs } from '../timeline/time.js';
import { sleep } from '../wait.js';
import type { FaultRecord, ScenarioResult } from './result.js';
import {
  decideAcrossFaults,
  faultPlan,
  parseDuration,
  parseFault,
  parseFaults,
  scheduleFaults,
  type FaultSpec,
  type FaultTarget,
} from './faults.js';

describe('parseFault', () => {
  it.each([
    ['apiserver-restart@30s', { kind: 'apiserver-restart', atMs: 30_000 }],
    ['kubelet-restart@1500ms', { kind: 'kubelet-restart', atMs: 1500 }],
    ['apiserver-restart@0s', { kind: 'apiserver-restart', atMs: 0 }],
    ['kubelet-restart@1m', { kind: 'kubelet-restart', atMs: 60_000 }],
    ['apiserver-pause@30s:20s', { kind: 'apiserver-pause', atMs: 30_000, forMs: 20_000 }],
    ['apiserver-pause@2.5s:500ms', { kind: 'apiserver-pause', atMs: 2500, forMs: 500 }],
  ])('%s', (value, expected) => {
    expect(parseFault(value)).toEqual({ text: value, ...expected });
  });

  it.each([
    ['', 'is not KIND@TIME'],
    ['apiserver-restart', 'is not KIND@TIME'],
    ['etcd-restart@30s', 'names no known fault (known: apiserver-restart, apiserver-pause, kubelet-restart)'],
    ['APISERVER-RESTART@30s', 'names no known fault'],
    ['apiserver-restart@', 'has no time after @'],
    ['apiserver-restart@30', 'has no time after @'],
    ['apiserver-restart@30 s', 'has no time after @'],
    ['apiserver-restart@-1s', 'has no time after @'],
    ['apiserver-restart@1h', 'has no time after @'],
    ['apiserver-restart@30s@40s', 'has no time after @'],
    ['apiserver-restart@61m', 'starts more than 60 minutes after the run'],
    ['kubelet-restart@30s:5s', 'takes no duration'],
    ['kubelet-restart@30s:', 'takes no duration'],
    ['apiserver-pause@30s', 'needs how long to pause'],
    ['apiserver-pause@30s:', 'has no pause duration'],
    ['apiserver-pause@30s:0s', 'has no pause duration'],
    ['apiserver-pause@30s:20', 'has no pause duration'],
    ['apiserver-pause@30s:20s:5s', 'has no pause duration'],
    ['apiserver-pause@30s:6m', 'pauses for more than 5 minutes'],
  ])('refuses %j: %s', (value, why) => {
    let caught: unknown;
    try {
      parseFault(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    const { message, exitCode } = caught as UserError;
    expect(exitCode).toBe(ExitCode.usage);
    expect(message.startsWith(`--fault ${value} `)).toBe(true);
    expect(message).toContain(why);
    expect(message).toContain('apiserver-restart@30s, apiserver-pause@30s:20s or kubelet-restart@30s');
    // One sentence: no line break, one full stop, at the end.
    expect(message).not.toContain('\n');
    expect(message.match(/\.(\s|$)/g)).toHaveLength(1);
  });

  it('parses every repeated --fault in order', () => {
    expect(parseFaults(undefined)).toEqual([]);
    expect(parseFaults(['kubelet-restart@9s', 'apiserver-restart@3s']).map((f) => f.atMs)).toEqual([
      9000, 3000,
    ]);
  });

  it('reads durations strictly', () => {
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration('0.25s')).toBe(250);
    for (const bad of ['20', 's', '20S', ' 20s', '20s ', '1e3ms', '+5s', '.5s'])
      expect(parseDuration(bad)).toBeUndefined();
  });
});

/** A provider that records what it was asked and when, and pauses until its time is up or it is aborted. */
class FakeProvider implements FaultTarget {
  readonly providerName = 'local';
  readonly made: Array<{ what: string; atNs: bigint; untilNs: bigint }> = [];
  paused = false;
  failNext: string | undefined;

  constructor(private readonly restartMs = 20) {}

  async restartComponent(component: RestartableComponent, options?: FaultOptions): Promise<FaultHappened> {
    const atNs = nowNs();
    if (this.failNext) {
      const message = this.failNext;
      this.failNext = undefined;
      throw new Error(message);
    }
    await sleep(this.restartMs, options?.signal);
    const happened = {
      kind: component === 'kubelet' ? 'kubelet-restart' : 'apiserver-restart',
      component,
      atNs,
      untilNs: nowNs(),
      what: `${component} restarted`,
    } as const;
    this.made.push({ what: `restart ${component}`, atNs, untilNs: happened.untilNs });
    return happened;
  }

  async pauseComponent(
    component: PausableComponent,
    ms: number,
    options?: FaultOptions,
  ): Promise<FaultHappened> {
    const atNs = nowNs();
    let untilNs: bigint;
    this.paused = true;
    try {
      await sleep(ms, options?.signal);
    } finally {
      this.paused = false;
      untilNs = nowNs();
      this.made.push({ what: `pause ${component} ${ms}`, atNs, untilNs });
    }
    return { kind: 'apiserver-pause', component, atNs, untilNs, what: `${component} paused` };
  }
}

const specs = (...values: string[]): FaultSpec[] => values.map(parseFault);
const quiet = () => undefined;

describe('scheduleFaults', () => {
  it('makes faults in time order, one after another, each at its time after the start', async () => {
    const provider = new FakeProvider(20);
    const startedNs = nowNs();
    const schedule = scheduleFaults(
      {
        faults: specs('kubelet-restart@150ms', 'apiserver-restart@50ms', 'apiserver-pause@100ms:100ms'),
        target: provider,
      },
      { startedNs, signal: new AbortController().signal, progress: quiet },
    );
    await sleep(400);
    const records = await schedule.finish();
    expect(provider.made.map((m) => m.what)).toEqual([
      'restart kube-apiserver',
      'pause kube-apiserver 100',
      'restart kubelet',
    ]);
    const at = (i: number) => nsToMs((provider.made[i]?.atNs ?? 0n) - startedNs);
    // Never early; late only by timer slack (a loaded 2-core machine).
    expect(at(0)).toBeGreaterThanOrEqual(49);
    expect(at(0)).toBeLessThan(50 + 60);
    expect(at(1)).toBeGreaterThanOrEqual(99);
    expect(at(1)).toBeLessThan(100 + 60);
    // kubelet-restart was due at 150 ms, while the pause ran: it waits for the pause to end.
    expect(provider.made[2]?.atNs).toBeGreaterThanOrEqual(provider.made[1]?.untilNs ?? 0n);
    expect(at(2)).toBeLessThan(200 + 100);

    expect(records.map((r) => r.fault)).toEqual([
      'apiserver-restart@50ms',
      'apiserver-pause@100ms:100ms',
      'kubelet-restart@150ms',
    ]);
    for (const [i, record] of records.entries()) {
      expect(record.error).toBeUndefined();
      expect(parseTimeNs(record.startedAt ?? '')).toBe(provider.made[i]?.atNs);
      expect(parseTimeNs(record.endedAt ?? '')).toBe(provider.made[i]?.untilNs);
      expect(record.what).toContain(record.startedAt);
      expect(record.what).toContain(record.endedAt);
    }
    expect(records[1]).toMatchObject({ kind: 'apiserver-pause', plannedAtMs: 100 });
    expect(records[1]?.what).toMatch(
      /^kube-apiserver paused; from .* \(\+0\.1 s after the run's start, planned \+0\.1 s\)$/,
    );
  });

  it('does not make faults whose time has not come when the run ends, and says so', async () => {
    const provider = new FakeProvider();
    const schedule = scheduleFaults(
      { faults: specs('apiserver-restart@10ms', 'kubelet-restart@60s'), target: provider },
      { startedNs: nowNs(), signal: new AbortController().signal, progress: quiet },
    );
    await sleep(100);
    const before = Date.now();
    const records = await schedule.finish();
    expect(Date.now() - before).toBeLessThan(100);
    expect(provider.made.map((m) => m.what)).toEqual(['restart kube-apiserver']);
    expect(records[1]).toMatchObject({ fault: 'kubelet-restart@60s', error: 'the run ended first' });
    expect(records[1]?.startedAt).toBeUndefined();
    expect(records[1]?.what).toMatch(/^not made: the run ended at \+0\.\d s, before \+60\.0 s$/);
  });

  it('lets a pause under way last its full time when the run ends meanwhile', async () => {
    const provider = new FakeProvider();
    const schedule = scheduleFaults(
      { faults: specs('apiserver-pause@0s:150ms'), target: provider },
      { startedNs: nowNs(), signal: new AbortController().signal, progress: quiet },
    );
    await sleep(30);
    expect(provider.paused).toBe(true);
    const records = await schedule.finish();
    expect(provider.paused).toBe(false);
    const made = provider.made[0];
    expect(nsToMs((made?.untilNs ?? 0n) - (made?.atNs ?? 0n))).toBeGreaterThanOrEqual(149);
    expect(records[0]?.error).toBeUndefined();
  });

  it('resumes a paused component at once on abort (Ctrl-C) and drops the faults still to come', async () => {
    const provider = new FakeProvider();
    const controller = new AbortController();
    const schedule = scheduleFaults(
      { faults: specs('apiserver-pause@0s:60s', 'kubelet-restart@100ms'), target: provider },
      { startedNs: nowNs(), signal: controller.signal, progress: quiet },
    );
    await sleep(50);
    expect(provider.paused).toBe(true);
    const abortedAt = Date.now();
    controller.abort();
    const records = await schedule.finish();
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(provider.paused).toBe(false);
    expect(provider.made.map((m) => m.what)).toEqual(['pause kube-apiserver 60000']);
    expect(records[0]?.error).toMatch(/interrupted/);
    expect(records[0]?.what).toMatch(/^interrupted between /);
    expect(records[1]).toMatchObject({ error: 'the run was interrupted first' });
  });

  it('records a fault that failed with its times and goes on with the next', async () => {
    const provider = new FakeProvider();
    provider.failNext = 'kube-apiserver did not come up within 120 s';
    const lines: string[] = [];
    const schedule = scheduleFaults(
      { faults: specs('apiserver-restart@0s', 'kubelet-restart@20ms'), target: provider },
      { startedNs: nowNs(), signal: new AbortController().signal, progress: (line) => lines.push(line) },
    );
    await sleep(150);
    const records = await schedule.finish();
    expect(records[0]).toMatchObject({ error: 'kube-apiserver did not come up within 120 s' });
    expect(records[0]?.startedAt).toBeDefined();
    expect(records[0]?.what).toMatch(/^failed between .* and .*: kube-apiserver did not come up/);
    expect(records[1]?.error).toBeUndefined();
    expect(lines.some((l) => l.startsWith('[fault apiserver-restart@0s] failed: '))).toBe(true);
  });
});

describe('faultPlan', () => {
  const local = new FakeProvider();

  it('is undefined without faults', () => {
    expect(faultPlan([], { kubeconfig: '/some/kubeconfig' })).toBeUndefined();
  });

  it('takes the local provider', () => {
    expect(faultPlan(specs('apiserver-restart@1s'), { provider: local })?.target).toBe(local);
  });

  it('refuses a cluster named by --kubeconfig', () => {
    expect(() => faultPlan(specs('kubelet-restart@1s'), { kubeconfig: '/k' })).toThrow(
      /^--fault kubelet-restart@1s needs the local provider, which restarts and pauses its own components; a cluster named by --kubeconfig is never disturbed\.$/,
    );
  });

  it('refuses a provider that cannot restart or pause', () => {
    expect(() => faultPlan(specs('apiserver-pause@1s:1s'), { provider: { providerName: 'kind' } })).toThrow(
      '--fault apiserver-pause@1s:1s needs the local provider; the kind provider cannot restart or pause components.',
    );
  });
});

describe('run --fault on the command line', () => {
  const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
  let dir: string;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faults-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      "apiVersion: v1\nkind: Config\nclusters: [{name: n, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: n, context: {cluster: n, user: u}}]\ncurrent-context: n\n",
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // XDG dirs in the temp dir: no case can reach the local cluster's state.
  const cli = (...args: string[]) =>
    execa('node', [join(ROOT, 'bin/sidecar-conformance.js'), ...args], {
      reject: false,
      timeout: 60_000,
      env: { XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache') },
    });

  it.concurrent.each([
    [['--fault', 'apiserver-pause@30s'], '--fault apiserver-pause@30s needs how long to pause'],
    [['--fault', 'kubelet-restart@30s', '--fault', 'bogus@1s'], '--fault bogus@1s names no known fault'],
    [
      ['--fault', 'kubelet-restart@30s', '--kubeconfig', '<kubeconfig>'],
      'a cluster named by --kubeconfig is never disturbed',
    ],
  ])('run %j exits 2 with one line', { timeout: 70_000 }, async (args, mention) => {
    const result = await cli('run', ...args.map((a) => (a === '<kubeconfig>' ? kubeconfig : a)));
    expect(result.exitCode).toBe(ExitCode.usage);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(mention);
  });
});

describe('reports name each fault and when', () => {
  const faults: FaultRecord[] = [
    {
      fault: 'apiserver-pause@20s:20s',
      kind: 'apiserver-pause',
      plannedAtMs: 20_000,
      startedAt: '2026-03-14T23:47:50.000000001Z',
      endedAt: '2026-03-14T23:48:10.000000002Z',
      what: "kube-apiserver paused: SIGSTOP to pid 6745, SIGCONT 20.0 s later; from 2026-03-14T23:47:50.000000001Z to 2026-03-14T23:48:10.000000002Z (+20.0 s after the run's start, planned +20.0 s)",
    },
    {
      fault: 'kubelet-restart@5m',
      kind: 'kubelet-restart',
      plannedAtMs: 300_000,
      what: 'not made: the run ended at +118.0 s, before +300.0 s',
      error: 'the run ended first',
    },
  ];

  it('JSON: every record as is; none without faults', async () => {
    const run = await exampleRun();
    expect(toJsonReport({ ...run, faults }).faults).toEqual(faults);
    expect(toJsonReport(run).faults).toEqual([]);
  });

  it('JUnit: one property `faults`, absent without faults', async () => {
    const run = await exampleRun();
    const xml = toJUnitXml({ ...run, faults });
    const property = /<property name="faults" value="([^"]*)"\/>/.exec(xml)?.[1];
    expect(property).toContain('apiserver-pause@20s:20s: kube-apiserver paused: SIGSTOP to pid 6745');
    expect(property).toContain('from 2026-03-14T23:47:50.000000001Z to 2026-03-14T23:48:10.000000002Z');
    expect(property).toContain('; kubelet-restart@5m: not made: the run ended');
    expect(toJUnitXml(run)).not.toContain('name="faults"');
  });

  it('HTML: one header line, absent without faults', async () => {
    const run = await exampleRun();
    const page = toHtml({ ...run, faults });
    const line = /<dd data-fact="faults">([^<]*)<\/dd>/.exec(page)?.[1];
    expect(line).toContain('apiserver-pause@20s:20s: kube-apiserver paused');
    expect(line).toContain('2026-03-14T23:47:50.000000001Z');
    expect(line).toContain('kubelet-restart@5m: not made');
    expect(toHtml(run)).not.toContain('data-fact="faults"');
  });
});

describe('decideAcrossFaults', () => {
  /** The recorded liveness run, its timed first-kill rule made to fail as a kubelet restart made it fail live. */
  async function livenessWithBrokenKill(): Promise<{
    scenario: ScenarioResult;
    fromNs: bigint;
    toNs: bigint;
  }> {
    const liveness = (await exampleRun()).scenarios.find((s) => s.name === 'liveness');
    const index = liveness?.assertions.findIndex((a) => a.span && /first Killing event/.test(a.rule)) ?? -1;
    const timed = liveness?.assertions[index];
    if (!liveness || !timed?.span) throw new Error('fixtures/liveness.json has no timed first-kill rule');
    const assertions = [...liveness.assertions];
    assertions[index] = { ...timed, verdict: 'fail', actual: '43962 ms' };
    return {
      scenario: { ...liveness, assertions, verdict: 'fail' },
      fromNs: timed.span.from.ns,
      toNs: timed.span.to.ns,
    };
  }
  const restartAt = (kind: FaultRecord['kind'], fromNs: bigint): FaultRecord => ({
    fault: `${kind}@20s`,
    kind,
    plannedAtMs: 20_000,
    startedAt: formatTimeNs(fromNs),
    endedAt: formatTimeNs(fromNs + msToNs(2200)),
    what: `${kind} made`,
  });

  it('makes a timed rule that failed across a kubelet restart undecided, saying why', async () => {
    const { scenario, fromNs } = await livenessWithBrokenKill();
    const judged = decideAcrossFaults(scenario, [restartAt('kubelet-restart', fromNs + msToNs(18_000))]);
    const kill = judged.assertions.find((a) => /first Killing event/.test(a.rule));
    expect(kill?.verdict).toBe('undecided');
    expect(kill?.actual).toMatch(
      /^43962 ms; the run restarted the kubelet inside the measured span \(kubelet-restart@20s, \d\d:\d\d:\d\d\.\d{3}–\d\d:\d\d:\d\d\.\d{3}\), and a restarted kubelet starts its probes and timers over$/,
    );
    expect(judged.verdict).toBe('undecided');
    // Every other rule as it was.
    expect(judged.assertions.filter((a) => a !== kill)).toEqual(
      scenario.assertions.filter((a) => a.verdict !== 'fail'),
    );
  });

  it('leaves a failure alone when the restart is outside its span, or the fault is not a kubelet restart', async () => {
    const { scenario, toNs } = await livenessWithBrokenKill();
    expect(decideAcrossFaults(scenario, [restartAt('kubelet-restart', toNs + msToNs(1000))])).toBe(scenario);
    expect(decideAcrossFaults(scenario, [restartAt('apiserver-restart', toNs - msToNs(5000))]).verdict).toBe(
      'fail',
    );
    // A restart that was never made (the run ended first) disturbed nothing.
    const notMade: FaultRecord = {
      fault: 'kubelet-restart@20s',
      kind: 'kubelet-restart',
      plannedAtMs: 20_000,
      what: 'not made',
      error: 'the run ended first',
    };
    expect(decideAcrossFaults(scenario, [notMade]).verdict).toBe('fail');
  });

  it('keeps passes across a kubelet restart, and a scenario that errored fails', async () => {
    const liveness = (await exampleRun()).scenarios.find((s) => s.name === 'liveness') as ScenarioResult;
    const from = liveness.assertions.find((a) => a.span)?.span?.from.ns ?? 0n;
    const restart = restartAt('kubelet-restart', from + msToNs(1000));
    expect(decideAcrossFaults(liveness, [restart]).verdict).toBe(liveness.verdict);
    const { scenario, fromNs } = await livenessWithBrokenKill();
    const errored = { ...scenario, error: 'timed out after 240 s waiting for sidecar to restart 2 time(s)' };
    expect(decideAcrossFaults(errored, [restartAt('kubelet-restart', fromNs + msToNs(1000))]).verdict).toBe(
      'fail',
    );
  });
});
