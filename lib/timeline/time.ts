import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC3339 or RFC3339Nano time into nanoseconds since the epoch, keeping every digit. */
export function parseTimeNs(raw: string): bigint {
  const match = RFC3339.exec(raw);
  if (!match) throw new Error(`not an RFC3339 time: ${JSON.stringify(raw)}`);
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  let ms = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    ms -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

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
