import type { ContainerRuntimeTimes, RuntimeInspector } from '../observe/runtime.js';

/**
 * A container runtime in memory: `times` says what it knows of each CRI id (undefined: it does
 * not know it), `answer` can replace the whole reply (to throw, or to hold it back).
 */
export class FakeRuntime implements RuntimeInspector {
  readonly source = 'fake runtime';
  readonly times = new Map<string, ContainerRuntimeTimes>();
  readonly calls: string[] = [];
  /** In flight right now, per id: a test that sees 2 caught concurrent duplicates. */
  readonly inFlight = new Map<string, number>();
  maxInFlight = 0;
  answer: (containerId: string, signal?: AbortSignal) => Promise<ContainerRuntimeTimes | undefined> = async (
    id,
  ) => this.times.get(id);

  async inspect(containerId: string, signal?: AbortSignal): Promise<ContainerRuntimeTimes | undefined> {
    this.calls.push(containerId);
    const now = (this.inFlight.get(containerId) ?? 0) + 1;
    this.inFlight.set(containerId, now);
    this.maxInFlight = Math.max(this.maxInFlight, now);
    try {
      return await this.answer(containerId, signal);
    } finally {
      this.inFlight.set(containerId, (this.inFlight.get(containerId) ?? 1) - 1);
    }
  }

  callsFor(containerId: string): number {
    return this.calls.filter((c) => c === containerId).length;
  }
}
