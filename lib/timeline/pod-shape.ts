import type { V1Pod } from '@kubernetes/client-node';

/** Which containers of the Pod are sidecars (init containers with restartPolicy Always), in manifest order. */
export function podShape(pod: V1Pod): PodShape {
  const init = pod.spec?.initContainers ?? [];
  return {
    name: pod.metadata?.name ?? '',
    restartPolicy: pod.spec?.restartPolicy ?? 'Always',
    sidecars: init.filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
    initContainers: init.filter((c) => c.restartPolicy !== 'Always').map((c) => c.name),
    apps: (pod.spec?.containers ?? []).map((c) => c.name),
  };
}

export interface PodShape {
  name: string;
  restartPolicy: string;
  sidecars: string[];
  initContainers: string[];
  apps: string[];
}
