import type { V1Pod } from '@kubernetes/client-node';
import { podCompletes } from '../assert/vocabulary.js';
import { deleteAndWaitGone, waitCompleted, waitRunning } from './drive.js';
import type { Scenario } from './scenario.js';
import { podShape } from '../timeline/pod-shape.js';
import { reverseShutdownRules, sidecarStartRules } from './sidecar-rules.js';

/**
 * A scenario for any user's Pod with sidecars: the rules that hold for every such Pod. A
 * restartPolicy Always Pod is deleted to watch the shutdown; a Never/OnFailure Pod runs to completion.
 * Stop gaps are measured and reported; they are only bounded by the Pod's grace period, since a
 * sidecar's own SIGTERM delay is the user's business.
 */
export function userPodScenario(manifestPath: string, pod: V1Pod): Scenario {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const runsToCompletion = restartPolicy !== 'Always';
  const graceMs = (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
  const { sidecars, apps } = podShape(pod);
  return {
    name: 'check',
    suite: 'check',
    title: `${pod.metadata?.name}: sidecars start in order; ${runsToCompletion ? 'after the app exits, sidecars stop in reverse order and the Pod completes' : 'on delete, the app stops first and sidecars in reverse order'}`,
    manifest: manifestPath,
    async drive(context) {
      if (runsToCompletion) {
        await waitCompleted(context);
      } else {
        await waitRunning(context, { running: [...sidecars, ...apps] });
        await deleteAndWaitGone(context);
      }
    },
    rules(timeline, shape) {
      return [
        ...sidecarStartRules(timeline, shape),
        ...reverseShutdownRules(timeline, shape, { minMs: 0, maxMs: graceMs }),
        ...(runsToCompletion ? [podCompletes(timeline)] : []),
      ];
    },
  };
}
