import { nowNs, nsToMs } from '../../timeline/time.js';
import type { DriveContext, NodeOperations } from '../scenario.js';

/**
 * Steps of the rows that disturb the node itself: restart its kubelet, or reboot it (kubelet
 * stopped, every pod sandbox stopped through the CRI, kubelet started). Each is marked on the
 * timeline: `kubelet-stopped` just before the kubelet is stopped and `kubelet-answered` once it
 * answers its health check again (reason `kubelet restart` or `node reboot`), so rules can split
 * what was seen at those instants. Both marks are the harness's clock, the node's own on the local
 * provider (the only one that makes these operations).
 */

export type NodeDisturbance = 'kubelet restart' | 'node reboot';

function operationsOf(context: DriveContext, what: NodeDisturbance): NodeOperations {
  const operation = what === 'kubelet restart' ? 'restart-kubelet' : 'reboot-node';
  if (!context.node || !context.node.operations.includes(operation)) {
    throw new Error(
      `${context.podName}: this scenario needs a ${what}, and the harness was given no way to make one on this cluster (the local provider makes it; a cluster named by a kubeconfig is never disturbed).`,
    );
  }
  return context.node;
}

async function disturb(
  context: DriveContext,
  what: NodeDisturbance,
  make: (node: NodeOperations) => Promise<void>,
): Promise<void> {
  const node = operationsOf(context, what);
  context.progress(`${context.podName}: ${what}`);
  const startNs = nowNs();
  context.observer.mark('kubelet-stopped', what);
  await make(node);
  context.observer.mark('kubelet-answered', what);
  const ms = Math.round(nsToMs(nowNs() - startNs));
  context.progress(`${context.podName}: ${what} done, the kubelet answers again ${ms} ms after its stop`);
}

/** Stops the kubelet and starts it again, marking both instants on the timeline. */
export function restartKubelet(context: DriveContext): Promise<void> {
  return disturb(context, 'kubelet restart', (node) => node.restartKubelet());
}

/** Stops the kubelet, every pod sandbox, starts the kubelet, marking both instants on the timeline. */
export function rebootNode(context: DriveContext): Promise<void> {
  return disturb(context, 'node reboot', (node) => node.rebootNode());
}
