import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../testing/fixture.js';
import { displayTime, formatTimeNs, msToNs, nsToMs, parseTimeNs } from './time.js';

const SECOND = 1_000_000_000n;
/** 2025-07-13T23:47:31Z in nanoseconds, from the platform's own parser. */
const base = BigInt(Date.parse('2025-07-13T23:47:31Z')) * 1_000_000n;

describe('parseTimeNs', () => {
  it('keeps every nanosecond digit', () => {
    expect(parseTimeNs('2025-07-13T23:47:31.060123456Z')).toBe(base + 60_123_456n);
  });

  it('reads shorter fractions as the leading digits', () => {
    expect(parseTimeNs('2025-07-13T23:47:31.06Z')).toBe(base + 60_000_000n);
    // An Event's eventTime: microseconds.
    expect(parseTimeNs('2025-07-13T23:47:31.705697Z')).toBe(base + 705_697_000n);
    expect(parseTimeNs('2025-07-13T23:47:31.000000001Z')).toBe(base + 1n);
  });

  it('reads whole seconds (Events, container status)', () => {
    expect(parseTimeNs('2025-07-13T23:47:31Z')).toBe(base);
    expect(parseTimeNs('2025-07-13T23:47:31Z') % SECOND).toBe(0n);
  });

  it.each([
    ['2025-07-14T01:47:31.060123456+02:00'],
    ['2025-07-13T18:17:31.060123456-05:30'],
    ['2025-07-13T23:47:31.060123456+00:00'],
    ['2025-07-13T23:47:31.060123456-00:00'],
    ['2025-07-13 23:47:31.060123456Z'],
  ])('applies the offset in %s', (raw) => {
    expect(parseTimeNs(raw)).toBe(base + 60_123_456n);
  });

  it('crosses a day boundary with an offset', () => {
    expect(parseTimeNs('2025-07-14T00:17:31-00:30')).toBe(base + 3600n * SECOND);
  });

  it.each([
    '',
    'yesterday',
    '1752450451',
    '2025-07-13',
    '2025-07-13T23:47:31',
    '2025-07-13T23:47Z',
    '2025-07-13T23:47:31.Z',
    '2025-07-13T23:47:31.0601234567Z',
    '2025-07-13T23:47:31+0200',
    ' 2025-07-13T23:47:31Z',
  ])('rejects %j, quoting it', (raw) => {
    expect(() => parseTimeNs(raw)).toThrow(`not an RFC3339 time: ${JSON.stringify(raw)}`);
  });

  // RFC3339 §5.7 bounds every field; rolling 2025-02-30 over to 2025-03-02 would reorder a timeline silently.
  it('rejects out-of-range fields instead of rolling them over', () => {
    for (const raw of [
      '2025-13-01T00:00:00Z',
      '2025-02-30T00:00:00Z',
      '2025-07-13T24:00:00Z',
      '2025-07-13T23:61:00Z',
    ]) {
      expect(() => parseTimeNs(raw), raw).toThrow(`not an RFC3339 time: ${JSON.stringify(raw)}`);
    }
  });

  it('agrees with every time recorded in the fixtures', async () => {
    const dir = fileURLToPath(new URL('../../fixtures/', import.meta.url));
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
      const path = `${dir}${file}`;
      const { timeline } = await loadFixture(path);
      for (const record of timeline.records.filter((r) => r.time))
        expect(parseTimeNs(record.time)).toBe(record.ns);
    }
  });
});

describe('formatTimeNs', () => {
  it.each([
    '2025-07-13T23:47:31.060123456Z',
    '2026-11-28T20:41:57.952582040Z',
    '1970-01-01T00:00:00.000000000Z',
  ])('round-trips %s', (raw) => {
    expect(formatTimeNs(parseTimeNs(raw))).toBe(raw);
  });

  it('writes nine fraction digits in UTC', () => {
    expect(formatTimeNs(parseTimeNs('2025-07-13T23:47:31Z'))).toBe('2025-07-13T23:47:31.000000000Z');
    expect(formatTimeNs(parseTimeNs('2025-07-14T01:47:31.5+02:00'))).toBe('2025-07-13T23:47:31.500000000Z');
  });

  it('gives back the same nanoseconds', () => {
    for (const ns of [base, base + 1n, base + 999_999_999n, base + 60_123_456n]) {
      expect(parseTimeNs(formatTimeNs(ns))).toBe(ns);
    }
  });
});

describe('displayTime', () => {
  it('shows HH:mm:ss.SSS in UTC, cutting (not rounding) below the millisecond', () => {
    expect(displayTime(parseTimeNs('2025-07-13T23:47:31.060999999Z'))).toBe('23:47:31.060');
    expect(displayTime(parseTimeNs('2025-07-14T01:47:31+02:00'))).toBe('23:47:31.000');
  });
});

describe('nsToMs / msToNs', () => {
  it('convert between nanoseconds and (fractional) milliseconds', () => {
    expect(nsToMs(3_059_000_000n)).toBe(3059);
    expect(nsToMs(1_500n)).toBe(0.001);
    expect(nsToMs(-2_000_000n)).toBe(-2);
    expect(msToNs(2000)).toBe(2_000_000_000n);
    expect(msToNs(0.5)).toBe(500_000n);
  });
});
