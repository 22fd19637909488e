import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { TimelineRecord } from '../timeline/record.js';
import { describeResources } from '../timeline/resources.js';
import { parseTimeNs } from '../timeline/time.js';

type NewRecord = Omit<TimelineRecord, 'seq'>;

/** Kubernetes timestamps arrive as Date objects from the client and as strings in recorded JSON. */
function rfc3339(value: Date | string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return value.toISOString().replace(/\.000Z$/, 'Z');
}

function statusesOf(pod: V1Pod | undefined): Map<string, V1ContainerStatus> {
  const all = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  return new Map(all.map((s) => [s.name, s]));
}

function podReady(pod: V1Pod | undefined): { ready: boolean; time?: string } | undefined {
  const condition = pod?.status?.conditions?.find((c) => c.type === 'Ready');
  if (!condition) return undefined;
  return { ready: condition.status === 'True', time: rfc3339(condition.lastTransitionTime) };
}

/**
 * The lifecycle facts that changed between two observations of one Pod: containers started,
 * passed their startupProbe (`started: true`), restarted, turned ready or not, terminated, had
 * their actuated resources changed; the Pod's phase and Ready condition.
 */
export function diffPod(previous: V1Pod | undefined, next: V1Pod, observedNs: bigint): NewRecord[] {
  const records: NewRecord[] = [];
  const observed = (
    fields: Omit<NewRecord, 'time' | 'ns' | 'precision' | 'observedNs' | 'source'>,
  ): NewRecord => ({
    source: 'status',
    time: '',
    ns: observedNs,
    precision: 'observed',
    observedNs,
    ...fields,
  });
  const atServerTime = (
    raw: string | undefined,
    fields: Omit<NewRecord, 'time' | 'ns' | 'precision' | 'observedNs' | 'source'>,
  ): NewRecord =>
    raw
      ? { source: 'status', time: raw, ns: parseTimeNs(raw), precision: 'second', observedNs, ...fields }
      : observed(fields);

  const before = statusesOf(previous);
  for (const [name, now] of statusesOf(next)) {
    const was = before.get(name);
    const restartCount = now.restartCount ?? 0;
    if (was && restartCount > (was.restartCount ?? 0)) {
      const last = now.lastState?.terminated;
      records.push(
        atServerTime(rfc3339(last?.finishedAt), {
          kind: 'restarted',
          container: name,
          restartCount,
          reason: last?.reason,
          exitCode: last?.exitCode,
        }),
      );
    }
    const running = now.state?.running;
    const newInstance = now.containerID && now.containerID !== was?.containerID;
    if (running && (newInstance || !was?.state?.running)) {
      records.push(
        atServerTime(rfc3339(running.startedAt), { kind: 'started', container: name, restartCount }),
      );
    }
    const terminated = now.state?.terminated;
    if (terminated && (!was?.state?.terminated || newInstance)) {
      records.push(
        atServerTime(rfc3339(terminated.finishedAt), {
          kind: 'terminated',
          container: name,
          restartCount,
          reason: terminated.reason,
          exitCode: terminated.exitCode,
        }),
      );
    }
    // `started` carries no time of its own: the kubelet sets it once the startupProbe passed (at once
    // for a container without one), so the record has the time this observation was seen.
    if (now.started === true && (was?.started !== true || newInstance)) {
      records.push(observed({ kind: 'startup-passed', container: name, restartCount }));
    }
    // The same instance, still running, losing `started` (a kubelet that restarts and forgets its
    // probe results); a container that stops loses it too, and its termination says so.
    if (running && now.started === false && was?.started === true && !newInstance) {
      records.push(observed({ kind: 'startup-reset', container: name, restartCount }));
    }
    if (now.ready !== (was?.ready ?? false)) {
      records.push(observed({ kind: now.ready ? 'ready' : 'not-ready', container: name, restartCount }));
    }
    // What the kubelet actuated (a resize shows here once applied); no server time of its own.
    const resources = describeResources(now.resources);
    if (resources && resources !== describeResources(was?.resources)) {
      records.push(observed({ kind: 'resources', container: name, restartCount, message: resources }));
    }
  }

  const phase = next.status?.phase;
  if (phase && phase !== previous?.status?.phase)
    records.push(observed({ kind: 'pod-phase', reason: phase }));

  const readyNow = podReady(next);
  const readyBefore = podReady(previous);
  if (readyNow && readyNow.ready !== readyBefore?.ready) {
    records.push(atServerTime(readyNow.time, { kind: readyNow.ready ? 'pod-ready' : 'pod-not-ready' }));
  }
  return records;
}
