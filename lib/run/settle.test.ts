import { describe, expect, it } from 'vitest';
import { dropRecords, where } from '../testing/mutate.js';
import { recordedRun } from '../testing/scenario-check.js';
import { evidenceInFlight } from './settle.js';

describe('evidenceInFlight', () => {
  it('is nothing on the recorded runs', async () => {
    for (const name of ['basic', 'order', 'exit', 'liveness', 'readiness']) {
      const { timeline } = await recordedRun(name);
      expect(evidenceInFlight(timeline, { runtime: true }), name).toEqual([]);
    }
  });

  it("names the app's Started event when observation would end at the Ready update (the soak's flake)", async () => {
    const { timeline } = await recordedRun('basic');
    const early = dropRecords(timeline, where({ kind: 'started', source: 'event', container: 'app' }));
    expect(evidenceInFlight(early, { runtime: true })).toEqual(['the Started event of app']);
  });

  it('names a Killing event and a runtime finish time that have not come after a delete', async () => {
    const { timeline } = await recordedRun('order');
    const early = dropRecords(
      timeline,
      (r) =>
        r.container === 'first-sidecar' &&
        (r.kind === 'killing' || (r.kind === 'terminated' && r.source === 'runtime')),
    );
    expect(evidenceInFlight(early, { runtime: true })).toEqual([
      "the runtime's finish time of first-sidecar",
      'the Killing event of first-sidecar',
    ]);
    expect(evidenceInFlight(early, { runtime: false })).toEqual(['the Killing event of first-sidecar']);
  });
});
