import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import {
  phaseWhenRestartSeen,
  startOrderAfterNode,
  startsAgainAfterNode,
  statusHeldAcross,
  type NodeOperationName,
} from './node-operations.js';

const T = (s: string) => `2026-12-01T12:40:${s}Z`;
const mark = (kind: 'kubelet-stopped' | 'kubelet-answered', at: string, reason: NodeOperationName) => {
  const { container: _container, ...pod } = record(kind, '', T(at), 'harness', { reason });
  return { ...pod, precision: 'observed' as const };
};
/** A status change seen at `at`, as diffPod records what has no server time of its own. */
const seen = (
  kind: TimelineRecord['kind'],
  container: string,
  at: string,
  extra: Partial<TimelineRecord> = {},
) => ({
  ...record(kind, container, T(at), 'status', extra),
  precision: 'observed' as const,
});
const phase = (reason: string, at: string) => {
  const { container: _container, ...pod } = seen('pod-phase', '', at, { reason });
  return pod;
};
const reboot = [
  mark('kubelet-stopped', '15.582', 'node reboot'),
  mark('kubelet-answered', '19.085', 'node reboot'),
];
const start = (container: string, at: string, restartCount: number) =>
  record('started', container, T(at), 'runtime', { restartCount });

describe('startsAgainAfterNode', () => {
  const first = start('init-1', '03.462', 0);
  it('measures from the kubelet answering to the first start after its stop', () => {
    const result = startsAgainAfterNode(new Timeline([first, ...reboot, start('init-1', '20.571', 1)]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 60_000,
    });
    expect(result.verdict).toBe('pass');
    expect(result.rule).toBe(
      'init-1 starts again after the node reboot, within 60000 ms of the kubelet answering',
    );
    expect(result.measurement?.value).toBe(1486);
  });

  it('fails when nothing started after the stop, naming the container and the stop', () => {
    const result = startsAgainAfterNode(new Timeline([first, ...reboot]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 60_000,
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['a start of init-1 after the node reboot']);
    expect(explainAssertion(result)).toContain('12:40:15.582');
  });

  it('fails when the start comes later than the bound', () => {
    const result = startsAgainAfterNode(new Timeline([first, ...reboot, start('init-1', '50.000', 1)]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 10_000,
    });
    expect(result.verdict).toBe('fail');
    expect(result.measurement?.value).toBe(30_915);
  });

  it('is undecided when only a whole-second status start in the stop’s own second is there', () => {
    const statusStart = record('started', 'init-1', T('15'), 'status', { restartCount: 1 });
    const result = startsAgainAfterNode(new Timeline([...reboot, statusStart]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 60_000,
    });
    expect(result.verdict).toBe('undecided');
  });

  it('ignores a status start of an instance the runtime said started before the stop', () => {
    const statusFirst = record('started', 'init-1', T('15'), 'status', { restartCount: 0 });
    const runtimeFirst = start('init-1', '15.100', 0);
    const result = startsAgainAfterNode(new Timeline([runtimeFirst, statusFirst, ...reboot]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 60_000,
    });
    expect(result.verdict).toBe('fail');
  });

  it('fails naming the marks when the operation was not recorded, or was the other one', () => {
    const restart = [
      mark('kubelet-stopped', '15.582', 'kubelet restart'),
      mark('kubelet-answered', '17', 'kubelet restart'),
    ];
    const result = startsAgainAfterNode(new Timeline([first, ...restart, start('init-1', '20.571', 1)]), {
      container: 'init-1',
      operation: 'node reboot',
      withinMs: 60_000,
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual([
      "the kubelet's stop for the node reboot",
      'the kubelet answering after the node reboot',
    ]);
  });
});

describe('startOrderAfterNode', () => {
  const timeline = (sidecarAt: string) =>
    new Timeline([
      start('init-1', '03.462', 0),
      start('restartable-init-2', '09.303', 0),
      ...reboot,
      start('init-1', '20.571', 1),
      start('restartable-init-2', sidecarAt, 1),
    ]);
  it('orders the first starts after the stop, not the first starts', () => {
    const [result] = startOrderAfterNode(timeline('26.319'), {
      order: ['init-1', 'restartable-init-2'],
      operation: 'node reboot',
    });
    expect(result?.verdict).toBe('pass');
    expect(result?.rule).toBe(
      "after the node reboot, init-1's new instance starts before restartable-init-2's",
    );
  });
  it('fails when the later container’s new instance starts first, naming both', () => {
    const [result] = startOrderAfterNode(timeline('20.000'), {
      order: ['init-1', 'restartable-init-2'],
      operation: 'node reboot',
    });
    expect(result?.verdict).toBe('fail');
    const text = explainAssertion(result!);
    expect(text).toContain('init-1');
    expect(text).toContain('restartable-init-2');
    expect(text).toContain('12:40:20.000');
  });
});

describe('phaseWhenRestartSeen', () => {
  const restarted = (at: string) => seen('restarted', 'init-1', at, { restartCount: 1 });
  it('reads the phase of the update that first showed the restart', () => {
    const result = phaseWhenRestartSeen(
      new Timeline([
        phase('Running', '15.463'),
        restarted('20.604'),
        phase('Pending', '20.604'),
        phase('Running', '26.040'),
      ]),
      { container: 'init-1', phase: 'Pending' },
    );
    expect(result.verdict).toBe('pass');
    expect(result.rule).toBe('the Pod is Pending in the status update that first shows init-1 restarted');
  });
  it('fails when the Pod read another phase then', () => {
    const result = phaseWhenRestartSeen(
      new Timeline([phase('Running', '15.463'), restarted('20.604'), phase('Pending', '21.000')]),
      { container: 'init-1', phase: 'Pending' },
    );
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('the Pod was Running then');
    expect(explainAssertion(result)).toContain('12:40:20.604');
  });
  it('fails when the container was never seen restarted', () => {
    const result = phaseWhenRestartSeen(new Timeline([phase('Running', '15.463')]), {
      container: 'init-1',
      phase: 'Pending',
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['a status of init-1 with restartCount ≥ 1']);
  });
});

describe('statusHeldAcross', () => {
  const restart = [
    mark('kubelet-stopped', '30.000', 'kubelet restart'),
    mark('kubelet-answered', '32.000', 'kubelet restart'),
  ];
  const before = [
    record('started', 'sidecar', T('10'), 'status', {
      restartCount: 0,
      observedNs: parseTimeNs(T('10.200')),
    }),
    seen('startup-passed', 'sidecar', '12.000', { restartCount: 0 }),
    seen('ready', 'sidecar', '13.000', { restartCount: 0 }),
    phase('Running', '14.000'),
  ];
  const rule =
    "sidecar's status stays started, ready and at restartCount 0, and the Pod Running, in every update from the kubelet restart to the end";
  const check = (...extra: TimelineRecord[]) =>
    statusHeldAcross(new Timeline([...before, ...restart, ...extra]), {
      container: 'sidecar',
      operation: 'kubelet restart',
    });

  it('passes when no update after the stop changed the status', () => {
    const result = check(seen('resources', 'sidecar', '33.000', { message: 'requests cpu=10m' }));
    expect(result.rule).toBe(rule);
    expect(result.verdict).toBe('pass');
    expect(result.claim).toBe('absence');
  });

  it.each([
    [
      'started turned false',
      seen('startup-reset', 'sidecar', '33.100', { restartCount: 0 }),
      'startup-reset',
    ],
    ['not ready', seen('not-ready', 'sidecar', '33.100', { restartCount: 0 }), 'not-ready'],
    ['ready again (it had lost it)', seen('ready', 'sidecar', '33.100', { restartCount: 0 }), 'ready'],
    ['restarted', seen('restarted', 'sidecar', '33.100', { restartCount: 1 }), 'restarted'],
    ['a Pod phase other than Running', phase('Pending', '33.100'), 'pod-phase Pending'],
  ])('fails on an update after the stop: %s, naming it and when it was seen', (_, broken, word) => {
    const result = check(broken);
    expect(result.verdict).toBe('fail');
    const text = explainAssertion(result);
    expect(text).toContain(word);
    expect(text).toContain('12:40:33.100');
  });

  it('ignores changes seen before the stop', () => {
    const result = statusHeldAcross(
      new Timeline([seen('not-ready', 'sidecar', '11.000'), ...before, ...restart]),
      { container: 'sidecar', operation: 'kubelet restart' },
    );
    expect(result.verdict).toBe('pass');
  });

  it('fails when the sidecar was not ready just before the stop', () => {
    const result = statusHeldAcross(
      new Timeline([...before, seen('not-ready', 'sidecar', '20.000'), ...restart]),
      { container: 'sidecar', operation: 'kubelet restart' },
    );
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('just before the kubelet restart: not ready (not-ready');
  });

  it('fails when the stop was not recorded', () => {
    const result = statusHeldAcross(new Timeline(before), {
      container: 'sidecar',
      operation: 'kubelet restart',
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(["the kubelet's stop for the kubelet restart"]);
  });
});
