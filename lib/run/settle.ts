import type { PodObserver } from '../observe/observer.js';
import type { Timeline } from '../timeline/timeline.js';

/**
 * Evidence settles before it is judged: the kubelet's Events and the runtime's finish times trail
 * the status update a scenario waits for (a Pod turns Ready before its app's `Started` Event is in).
 * What the rules read and has not arrived yet, by name.
 */
export function evidenceInFlight(timeline: Timeline, options: { runtime: boolean }): string[] {
  const missing: string[] = [];
  const deleted = timeline.first({ kind: 'delete-requested' });
  for (const container of timeline.containers()) {
    const started = timeline.first({ kind: 'started', container, source: 'status' });
    if (started && !timeline.first({ kind: 'started', container, source: 'event' }))
      missing.push(`the Started event of ${container}`);
    const terminated = timeline.find({ kind: 'terminated', container, source: 'status' });
    if (
      options.runtime &&
      terminated.length > timeline.find({ kind: 'terminated', container, source: 'runtime' }).length
    )
      missing.push(`the runtime's finish time of ${container}`);
    // After a delete, the kubelet announces each stop of a container still running then: one whose
    // exit (the runtime's ns, else the status's whole second) lies after the request.
    const exits = timeline.find({ kind: 'terminated', container, source: 'runtime' });
    const stoppedAfterDelete = deleted && (exits.length ? exits : terminated).some((t) => t.ns > deleted.ns);
    if (
      stoppedAfterDelete &&
      !timeline.find({ kind: 'killing', container }).some((k) => k.ns >= deleted.ns - 1_000_000_000n)
    )
      missing.push(`the Killing event of ${container}`);
  }
  return missing;
}

/** Keeps observing until nothing the rules read is in flight, or `timeoutMs` passes; says what never came. */
export async function settleEvidence(
  observer: PodObserver,
  options: { runtime: boolean; timeoutMs: number; signal?: AbortSignal; progress: (line: string) => void },
): Promise<void> {
  const inFlight = () => evidenceInFlight(observer.timeline, options);
  if (inFlight().length === 0) return;
  try {
    await observer.waitFor(() => (inFlight().length === 0 ? true : undefined), {
      description: 'the evidence in flight',
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch {
    options.progress(`note: still missing after ${options.timeoutMs} ms: ${inFlight().join(', ')}`);
  }
}
