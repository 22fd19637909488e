import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseTimeNs } from '../timeline/time.js';
import { containerOfFieldPath, eventRecords } from './events.js';

// Watches deliver times as strings (JSON.parse); the typed client's list calls deliver Dates.
const asWatched = (raw: string) => raw as unknown as Date;

/** A kubelet (legacy core/v1) Event about one container: whole-second timestamps, no eventTime. */
function kubeletEvent(fields: Partial<CoreV1Event> = {}): CoreV1Event {
  return {
    metadata: {
      name: 'sidecar-container-liveness-fail-example.1850',
      creationTimestamp: new Date('2025-07-13T23:47:00Z'),
    },
    involvedObject: {
      kind: 'Pod',
      name: 'sidecar-container-liveness-fail-example',
      fieldPath: 'spec.initContainers{sidecar}',
    },
    reason: 'Unhealthy',
    message: 'Liveness probe failed:',
    type: 'Warning',
    count: 1,
    eventTime: null as unknown as undefined,
    firstTimestamp: asWatched('2025-07-13T23:47:41Z'),
    lastTimestamp: asWatched('2025-07-13T23:47:41Z'),
    ...fields,
  };
}

describe('eventRecords', () => {
  it('gives one record per new occurrence of an aggregated Event', () => {
    const first = eventRecords(kubeletEvent(), 0, 10n);
    expect(first).toEqual([
      {
        source: 'event',
        kind: 'unhealthy',
        container: 'sidecar',
        time: '2025-07-13T23:47:41Z',
        ns: parseTimeNs('2025-07-13T23:47:41Z'),
        precision: 'second',
        observedNs: 10n,
        reason: 'Unhealthy',
        message: 'Liveness probe failed:',
      },
    ]);
    // The kubelet folds the next two failures into the same Event: count 1 → 3.
    const grown = kubeletEvent({ count: 3, lastTimestamp: asWatched('2025-07-13T23:47:51Z') });
    const more = eventRecords(grown, 1, 20n);
    expect(more).toHaveLength(2);
    for (const record of more) {
      expect(record).toMatchObject({
        kind: 'unhealthy',
        time: '2025-07-13T23:47:51Z',
        precision: 'second',
        observedNs: 20n,
      });
    }
    expect(more[0]).not.toBe(more[1]);
  });

  it('gives nothing for an Event whose count was already recorded', () => {
    expect(eventRecords(kubeletEvent({ count: 3 }), 3, 1n)).toEqual([]);
    expect(eventRecords(kubeletEvent({ count: 2 }), 3, 1n)).toEqual([]);
  });

  it('counts an Event without count as one occurrence', () => {
    expect(eventRecords(kubeletEvent({ count: undefined }), 0, 1n)).toHaveLength(1);
    expect(eventRecords(kubeletEvent({ count: undefined }), 1, 1n)).toEqual([]);
  });

  it('takes lastTimestamp as a Date like a string, at second precision', () => {
    const fromDate = eventRecords(kubeletEvent({ lastTimestamp: new Date('2025-07-13T23:47:41Z') }), 0, 1n);
    expect(fromDate).toEqual(eventRecords(kubeletEvent(), 0, 1n));
  });

  it('prefers eventTime with microseconds and marks it exact, keeping every digit', () => {
    const scheduled = kubeletEvent({
      reason: 'Scheduled',
      involvedObject: { kind: 'Pod', name: 'p' },
      eventTime: asWatched('2025-07-13T23:47:30.705697Z'),
      firstTimestamp: undefined,
      lastTimestamp: undefined,
    });
    const [record] = eventRecords(scheduled, 0, 1n);
    expect(record).toMatchObject({
      kind: 'scheduled',
      container: undefined,
      time: '2025-07-13T23:47:30.705697Z',
      ns: parseTimeNs('2025-07-13T23:47:30Z') + 705_697_000n,
      precision: 'exact',
    });
    // eventTime wins over the legacy whole-second timestamps when both are there.
    const both = kubeletEvent({ eventTime: asWatched('2025-07-13T23:47:41.123456Z') });
    expect(eventRecords(both, 0, 1n)[0]).toMatchObject({
      time: '2025-07-13T23:47:41.123456Z',
      precision: 'exact',
    });
  });

  it('marks an eventTime Date with milliseconds exact', () => {
    const event = kubeletEvent({ eventTime: new Date('2025-07-13T23:47:41.250Z') });
    expect(eventRecords(event, 0, 1n)[0]).toMatchObject({
      time: '2025-07-13T23:47:41.250Z',
      precision: 'exact',
    });
  });

  it('falls back to firstTimestamp, then the creation time, and gives nothing without any time', () => {
    const first = kubeletEvent({
      lastTimestamp: undefined,
      firstTimestamp: asWatched('2025-07-13T23:47:40Z'),
    });
    expect(eventRecords(first, 0, 1n)[0]?.time).toBe('2025-07-13T23:47:40Z');
    const created = kubeletEvent({ lastTimestamp: undefined, firstTimestamp: undefined });
    expect(eventRecords(created, 0, 1n)[0]).toMatchObject({
      time: '2025-07-13T23:47:00Z',
      precision: 'second',
    });
    const timeless = kubeletEvent({ lastTimestamp: undefined, firstTimestamp: undefined, metadata: {} });
    expect(eventRecords(timeless, 0, 1n)).toEqual([]);
  });

  it('maps the kubelet and scheduler reasons to record kinds; others stay events', () => {
    const kinds = [
      'Scheduled',
      'Created',
      'Started',
      'Killing',
      'Unhealthy',
      'BackOff',
      'Pulled',
      'FailedScheduling',
      undefined,
    ].map((reason) => eventRecords(kubeletEvent({ reason }), 0, 1n)[0]?.kind);
    expect(kinds).toEqual([
      'scheduled',
      'created',
      'started',
      'killing',
      'unhealthy',
      'backoff',
      'event',
      'event',
      'event',
    ]);
  });
});

describe('containerOfFieldPath', () => {
  it('names the container of an init or app container field path', () => {
    expect(containerOfFieldPath('spec.initContainers{first-sidecar}')).toBe('first-sidecar');
    expect(containerOfFieldPath('spec.containers{app}')).toBe('app');
  });

  it('names no container for Pod-level Events', () => {
    expect(containerOfFieldPath(undefined)).toBeUndefined();
    expect(containerOfFieldPath('')).toBeUndefined();
    expect(containerOfFieldPath('spec')).toBeUndefined();
  });
});
