import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC3339 or RFC3339Nano time into nanoseconds since the epoch, keeping every digit. */
export function parseTimeNs(raw: string): bigint {
  const match = RFC3339.exec(raw);
  if (!match) throw new Error(`not an RFC3339 time: ${JSON.stringify(raw)}`);
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const [y, mo, d, h, mi, sec] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  // RFC3339 §5.7 bounds each field; Date.UTC would silently roll 2025-02-30 over to March.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 60) {
    throw new Error(`not an RFC3339 time: ${JSON.stringify(raw)} (a field is out of range)`);
  }
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, sec));
  date.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  let ms = date.getTime();
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    ms -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Nanoseconds since the epoch as RFC3339Nano in UTC. */
export function formatTimeNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** The local clock in nanoseconds since the epoch (millisecond resolution, sub-ms from hrtime). */
const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export function nowNs(): bigint {
  return originNs + process.hrtime.bigint();
}

/** For people: `23:47:31.060`. */
export function displayTime(ns: bigint): string {
  return dayjs.utc(Number(ns / 1_000_000n)).format('HH:mm:ss.SSS');
}

export const nsToMs = (ns: bigint): number => Number(ns / 1000n) / 1000;
export const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1_000_000));
