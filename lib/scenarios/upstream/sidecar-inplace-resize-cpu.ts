import {
  cgroupAfterResize,
  neverRestarted,
  podStaysIn,
  resourcesAfterResize,
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
  requests: { cpu: '25m', memory: '35Mi' },
  limits: { cpu: '25m', memory: '35Mi' },
};
/** The same, as the containers read their cgroup: CFS quota per 100 ms period, memory limit in bytes. */
export const ORIGINAL_CGROUP: CgroupLimits = { cpu: '2000 100000', memory: '36700160' };
export const RESIZED_CGROUP: CgroupLimits = { cpu: '2500 100000', memory: '36700160' };
/** After the status shows the resize, keep watching this long for a restart that must not come. */
export const WATCH_AFTER_MS = 5000;

/**
 * Upstream R1, Guaranteed Pod, resizePolicy NotRequired: raising the sidecar's (and the app's) CPU
 * in place shows in their status resources and in the cgroup each reads, and neither container
 * restarts.
 */
export const sidecarInplaceResizeCpu: Scenario = {
  name: 'sidecar-inplace-resize-cpu',
  suite: 'upstream',
  title:
    'A Guaranteed Pod’s sidecar and app, resizePolicy NotRequired, get 20m → 25m CPU in place through the resize subresource: their status and their own cgroup show it, neither restarts',
  manifest: 'manifests/upstream/sidecar-inplace-resize-cpu.yaml',
  requires: RESIZE_REQUIREMENTS,
  upstream: {
    row: 'R1',
    file: 'test/e2e/common/node/pod_resize.go',
    test: 'guaranteed qos - 1 container with resize policy [no restart + resize initContainers]: resizing cpu',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    // Upstream checks the cgroup values before it resizes: each container has read them once.
    await waitLogged(context, CONTAINERS, / cgroup cpu\.max=/);
    const targets = CONTAINERS.map((container) => ({ container, resources: RESIZED }));
    await resizeContainers(context, targets);
    await waitResourcesActuated(context, targets);
    await observeFor(context, WATCH_AFTER_MS, 'no restart may follow a NotRequired resize');
  },
  rules(timeline) {
    return [
      ...CONTAINERS.map((container) =>
        resourcesAfterResize(timeline, { container, before: ORIGINAL, after: RESIZED }),
      ),
      ...CONTAINERS.map((container) =>
        cgroupAfterResize(timeline, { container, before: ORIGINAL_CGROUP, after: RESIZED_CGROUP }),
      ),
      ...CONTAINERS.map((container) => neverRestarted(timeline, { container })),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
