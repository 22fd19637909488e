import { defaults } from '../../config.js';
import { waitForDefaultServiceAccount } from '../../apply/apply.js';
import { connect } from '../../kube/client.js';
import { poll } from '../../wait.js';

/** How often the kind provider asks whether the node is Ready (one list of nodes each time). */
const READY_POLL_MS = 1_000;

/**
 * Waits until every node of the cluster is Ready and the default ServiceAccount exists (the API
 * server refuses Pods in a namespace until it does), with the one way to wait; throws the wait's
 * timeout naming what was still missing.
 */
export async function waitForKindCluster(
  kubeconfig: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
  timeoutMs: number = defaults.kindReadyTimeoutMs,
): Promise<void> {
  const kube = connect(kubeconfig);
  const { core } = kube;
  const started = Date.now();
  let said = '';
  const say = (line: string) => {
    if (line !== said) progress(line);
    said = line;
  };
  await poll(
    async () => {
      const nodes = (await core.listNode()).items;
      const notReady = nodes
        .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
        .map((n) => n.metadata?.name ?? '?');
      if (nodes.length === 0 || notReady.length > 0) {
        say(`waiting for node ${notReady.join(', ') || '(none registered yet)'} to be Ready`);
        throw new Error(
          nodes.length === 0 ? 'no node has registered' : `node ${notReady.join(', ')} is not Ready`,
        );
      }
      return true;
    },
    {
      description: 'the kind node to be Ready',
      timeoutMs,
      intervalMs: READY_POLL_MS,
      ...(signal ? { signal } : {}),
    },
  );
  await waitForDefaultServiceAccount(kube, 'default', {
    timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
    ...(signal ? { signal } : {}),
  });
}
