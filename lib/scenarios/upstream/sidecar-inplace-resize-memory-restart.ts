import {
  cgroupAfterResize,
  hasEvent,
  podStaysIn,
  resourcesAfterResize,
  restartsAfterPatch,
  type CgroupLimits,
} from '../../assert/vocabulary.js';
import type { ContainerResources } from '../../timeline/resources.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import {
  RESIZE_REQUIREMENTS,
  resizeContainers,
  waitLogged,
  waitResourcesActuated,
} from './mutation-steps.js';
import { observeFor } from './probe-steps.js';

const CONTAINERS = ['c1-init', 'c1'];
/** Upstream's original and increased values (pod_resize.go), canonical as the API server writes them. */
export const ORIGINAL: ContainerResources = {
  requests: { cpu: '20m', memory: '35Mi' },
  limits: { cpu: '20m', memory: '35Mi' },
};
export const RESIZED: ContainerResources = {
  requests: { cpu: '20m', memory: '40Mi' },
  limits: { cpu: '20m', memory: '40Mi' },
};
/** The same, as the containers read their cgroup: CFS quota per 100 ms period, memory limit in bytes. */
export const ORIGINAL_CGROUP: CgroupLimits = { cpu: '2000 100000', memory: '36700160' };
export const RESIZED_CGROUP: CgroupLimits = { cpu: '2000 100000', memory: '41943040' };
/** After the status shows the resize, keep watching this long for a second restart that must not come. */
export const WATCH_AFTER_MS = 5000;

/**
 * Upstream R1, Guaranteed Pod, resizePolicy RestartContainer: raising the sidecar's (and the app's)
 * memory in place restarts each exactly once (the kubelet says the resize requires it), and their
 * status and the cgroup each new instance reads show the new memory.
 */
export const sidecarInplaceResizeMemoryRestart: Scenario = {
  name: 'sidecar-inplace-resize-memory-restart',
  suite: 'upstream',
  title:
    'A Guaranteed Pod’s sidecar and app, resizePolicy RestartContainer, get 35Mi → 40Mi memory in place through the resize subresource: each restarts once, its status and its new instance’s cgroup show it',
  manifest: 'manifests/upstream/sidecar-inplace-resize-memory-restart.yaml',
  requires: RESIZE_REQUIREMENTS,
  upstream: {
    row: 'R1',
    file: 'test/e2e/common/node/pod_resize.go',
    test: 'guaranteed qos - 1 container with resize policy [cpu & mem restart + resize initContainers]: resizing mem',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    // Upstream checks the cgroup values before it resizes: each container has read them once.
    await waitLogged(context, CONTAINERS, / cgroup cpu\.max=/);
    const targets = CONTAINERS.map((container) => ({ container, resources: RESIZED }));
    await resizeContainers(context, targets);
    await waitResourcesActuated(context, targets, 1);
    await observeFor(context, WATCH_AFTER_MS, 'one restart per container, not two');
  },
  rules(timeline) {
    return [
      ...CONTAINERS.map((container) =>
        resourcesAfterResize(timeline, { container, before: ORIGINAL, after: RESIZED }),
      ),
      ...CONTAINERS.map((container) =>
        cgroupAfterResize(timeline, { container, before: ORIGINAL_CGROUP, after: RESIZED_CGROUP }),
      ),
      ...CONTAINERS.map((container) =>
        restartsAfterPatch(timeline, { container, patch: 'resize', times: 1 }),
      ),
      ...CONTAINERS.map((container) =>
        hasEvent(timeline, { reason: 'Killing', container, message: /resize requires restart/ }),
      ),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
