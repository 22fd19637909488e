import { afterAll, describe, expect, inject, test } from 'vitest';
import { applyPod, createNamespace, deleteNamespace } from '../lib/apply/apply.js';
import { providerFor } from '../lib/cluster/providers.js';
import { TEST_IMAGE } from '../lib/config.js';
import { connect } from '../lib/kube/client.js';
import { PodObserver } from '../lib/observe/observer.js';
import { namespaceFor } from '../lib/run/runner.js';
import { sleep } from '../lib/wait.js';
import { liveRuntime } from './session-context.js';

/**
 * A container logging a numbered line every 100 ms while the API server is restarted under it:
 * the observer's log stream breaks and resumes from its last line's time, and every line is on the
 * timeline exactly once. The local provider only (it restarts its own API server).
 */
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
const provider = live.providerCluster ? providerFor(live.providerCluster) : undefined;
const runId = `${live.runId}-logs`;
const namespace = namespaceFor('log-resume', runId);
const LINES = 200;

afterAll(async () => {
  await deleteNamespace(kube, namespace, runId).catch(() => undefined);
});

describe.skipIf(!provider?.restartComponent)(
  'log streams across an API server restart (local provider only)',
  () => {
    test('every line a container printed is on the timeline once, in order', async ({ signal }) => {
      await createNamespace(kube, namespace, runId, 'log-resume');
      const observer = new PodObserver({
        kube,
        namespace,
        podName: 'counter',
        silenceMs: 90_000,
        ...(liveRuntime(live) ? { runtime: liveRuntime(live) } : {}),
      });
      observer.start();
      const script = `i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); sleep 0.1; done`;
      await applyPod(
        kube,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'counter' },
          spec: {
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            initContainers: [
              {
                name: 'sidecar',
                image: TEST_IMAGE,
                restartPolicy: 'Always',
                command: ['sh', '-c', 'sleep infinity & wait'],
              },
            ],
            containers: [{ name: 'counter', image: TEST_IMAGE, command: ['sh', '-c', script] }],
          },
        },
        namespace,
      );
      await observer.waitFor(
        () => (observer.timeline.find({ kind: 'log', container: 'counter' }).length > 20 ? true : undefined),
        {
          description: 'the counter to print 20 lines',
          timeoutMs: 60_000,
          signal,
        },
      );
      await provider!.restartComponent!('kube-apiserver', { signal });
      await observer.waitFor(() => (observer.pod?.status?.phase === 'Succeeded' ? true : undefined), {
        description: 'the counter to finish',
        timeoutMs: 120_000,
        signal,
      });
      await sleep(2000, signal);
      await observer.stop();
      const lines = observer.timeline.find({ kind: 'log', container: 'counter' }).map((r) => r.message);
      expect(lines).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
      // The break is on the record: the counter's log stream broke and was resumed.
      const streams = observer.timeline.gaps.map((gap) => gap.stream);
      expect(streams, observer.problems.join('\n')).toContain('log of counter');
    });
  },
);
