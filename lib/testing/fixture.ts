import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PodShape } from '../timeline/pod-shape.js';
import type { ScenarioResult } from '../run/result.js';
import { gapToJson, type ObservationGapJson } from '../timeline/gaps.js';
import type { TimelineRecordJson } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';

/**
 * A timeline recorded from a live run, kept small, for unit tests of the rules: they must pass on
 * it and fail on mutated copies. Written by the live suite when SIDECAR_RECORD_FIXTURES names a folder.
 */
export interface TimelineFixture {
  scenario: string;
  recordedFrom: { kubernetesVersion: string; image: string; runId: string };
  shape: PodShape;
  records: TimelineRecordJson[];
  /** Where the recorded run was blind (absent: it never was). */
  gaps?: ObservationGapJson[];
}

export async function saveFixture(
  path: string,
  result: ScenarioResult,
  recordedFrom: TimelineFixture['recordedFrom'],
): Promise<void> {
  const fixture: TimelineFixture = {
    scenario: result.name,
    recordedFrom,
    shape: result.shape,
    // Event messages and log lines are what the rules read; nothing else is trimmed.
    records: result.timeline.toJSON(),
    ...(result.timeline.gaps.length ? { gaps: result.timeline.gaps.map(gapToJson) } : {}),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(fixture, null, 1)}\n`);
}

export async function loadFixture(path: string): Promise<{ fixture: TimelineFixture; timeline: Timeline }> {
  const fixture = JSON.parse(await readFile(path, 'utf8')) as TimelineFixture;
  return { fixture, timeline: Timeline.fromJSON(fixture.records, fixture.gaps) };
}
