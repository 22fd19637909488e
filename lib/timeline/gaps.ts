import { formatTimeNs } from './time.js';

/**
 * A stretch in which the harness could not see: a watch or log stream was down, or the API server
 * did not answer. From the last thing received to the first thing after it came back.
 */
export interface ObservationGap {
  /** What was blind: `api server`, `pods watch`, `events watch`, `log of app`. */
  stream: string;
  fromNs: bigint;
  toNs: bigint;
  why: string;
}

export interface ObservationGapJson {
  stream: string;
  from: string;
  to: string;
  fromNs: string;
  toNs: string;
  why: string;
}

export const gapToJson = (gap: ObservationGap): ObservationGapJson => ({
  stream: gap.stream,
  from: formatTimeNs(gap.fromNs),
  to: formatTimeNs(gap.toNs),
  fromNs: gap.fromNs.toString(),
  toNs: gap.toNs.toString(),
  why: gap.why,
});

export const gapFromJson = (json: ObservationGapJson): ObservationGap => ({
  stream: json.stream,
  fromNs: BigInt(json.fromNs),
  toNs: BigInt(json.toNs),
  why: json.why,
});

/** Whether a gap and the window [fromNs, toNs] share a moment. */
export const overlaps = (gap: ObservationGap, fromNs: bigint, toNs: bigint): boolean =>
  gap.fromNs <= toNs && gap.toNs >= fromNs;
