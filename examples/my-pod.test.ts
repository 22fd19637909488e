import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import {
  applyPod,
  connect,
  createNamespace,
  deleteNamespace,
  deletePod,
  loadPodManifest,
  PodObserver,
  substituteImage,
} from 'sidecar-conformance';
import 'sidecar-conformance/vitest'; // registers expect(timeline).toStartBefore(…) and friends
import '../suites/session-context.js'; // types inject('liveSession')

/**
 * A template: test your own Pod's sidecars on the cluster the live suites run against. Copy this file
 * and my-pod.yaml, then change MANIFEST, the container names and the expectations at the bottom.
 */
const MANIFEST = resolve(import.meta.dirname, 'my-pod.yaml');
const IMAGE = 'busybox:1.35'; // the image my-pod.yaml names
const TIMEOUT_MS = 120_000;

// The cluster globalSetup brought up or was given (SIDECAR_KUBECONFIG / SIDECAR_CONTEXT).
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
// A namespace of our own, labelled with the run id so leftovers can be found and removed.
const namespace = `example-my-pod-${live.runId}`;

beforeAll(() => createNamespace(kube, namespace, live.runId, 'example-my-pod'));
afterAll(() => deleteNamespace(kube, namespace, live.runId));

test('my-pod: sidecars start before the app and stop after it, in reverse order', async () => {
  const { pod, shape } = await loadPodManifest(MANIFEST);
  const name = pod.metadata?.name as string;
  // Where no registry is reachable (the local cluster) the session runs a local busybox instead.
  const applied = live.image.substituted ? substituteImage(pod, IMAGE, live.image.used) : pod;

  // Observe first, so nothing that happens to the Pod is missed; then apply it.
  const observer = new PodObserver({ kube, namespace, podName: name, silenceMs: 90_000 });
  observer.start();
  try {
    observer.mark('applied');
    await applyPod(kube, applied, namespace);
    await observer.waitFor(() => (observer.pod?.status?.phase === 'Running' ? true : undefined), {
      description: `${name} Running`,
      timeoutMs: TIMEOUT_MS,
    });

    // Delete it with its own grace period: that is the shutdown under test.
    observer.mark('delete-requested');
    await deletePod(kube, namespace, name);
    await observer.waitFor(() => (observer.gone ? true : undefined), {
      description: `${name} gone`,
      timeoutMs: TIMEOUT_MS,
    });
    await observer.drainLogs(5_000);
  } finally {
    observer.mark('observed-until');
    await observer.stop();
  }

  // The rules, over everything observed. A failure prints the records that broke the rule, with times.
  const timeline = observer.timeline;
  expect(timeline).toStartBefore('proxy', 'log-shipper');
  expect(timeline).toStartBefore('log-shipper', 'app');
  expect(timeline).toRunTogether('proxy', 'app');
  expect(timeline).toStopInReverseOrder(shape); // app, then log-shipper, then proxy
  expect(timeline).toStopWithin('log-shipper', 'proxy', { minMs: 1000, maxMs: 10_000 });
});
