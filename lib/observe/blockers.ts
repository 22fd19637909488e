import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { Timeline } from '../timeline/timeline.js';

/**
 * What keeps a Pod from getting where a wait wants it, in one sentence: a container whose image
 * cannot be pulled, that cannot be created, that keeps crashing; an init container still running;
 * a sidecar whose startupProbe has not passed; a Pod not scheduled. Read from the Pod as last seen.
 */

/** Waiting reasons that do not go away by themselves: the kubelet only backs off and tries again. */
export const BLOCKING_REASONS = [
  'ErrImagePull',
  'ImagePullBackOff',
  'CrashLoopBackOff',
  'CreateContainerError',
  'CreateContainerConfigError',
  'InvalidImageName',
] as const;
export type BlockingReason = (typeof BLOCKING_REASONS)[number];

const isBlocking = (reason: string | undefined): reason is BlockingReason =>
  (BLOCKING_REASONS as readonly string[]).includes(reason ?? '');

/** The kubelet will never get past these on a retry: give up at once. */
const PERMANENT: readonly BlockingReason[] = ['InvalidImageName'];

export interface Blocker {
  container: string;
  image: string;
  reason: BlockingReason;
  /** The waiting state's message, trimmed to one line (the most telling one seen: a pull error beats "Back-off pulling"). */
  message?: string;
  /** The reason the message was given with, when an earlier state's (ErrImagePull before ImagePullBackOff). */
  messageReason?: BlockingReason;
  /** For CrashLoopBackOff: how the last instance ended. */
  lastExit?: { exitCode: number; reason?: string };
}

const MESSAGE_CHARS = 240;

/** One line, at most MESSAGE_CHARS, without a closing period (the sentence adds its own). */
export function trimMessage(message: string | undefined): string | undefined {
  const line = (message ?? '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  if (!line) return undefined;
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line;
}

const statusesOf = (pod: V1Pod | undefined): V1ContainerStatus[] => [
  ...(pod?.status?.initContainerStatuses ?? []),
  ...(pod?.status?.containerStatuses ?? []),
];

const specsOf = (pod: V1Pod | undefined): V1Container[] => [
  ...(pod?.spec?.initContainers ?? []),
  ...(pod?.spec?.containers ?? []),
];

/** The image a container runs: as the spec names it, else as its status does. */
function imageOf(pod: V1Pod | undefined, status: V1ContainerStatus): string {
  return specsOf(pod).find((c) => c.name === status.name)?.image ?? status.image ?? '';
}

/** The containers of the Pod waiting for a blocking reason right now, in manifest order. */
export function blockingStates(pod: V1Pod | undefined): Blocker[] {
  return statusesOf(pod).flatMap((status) => {
    const waiting = status.state?.waiting;
    if (!isBlocking(waiting?.reason)) return [];
    const last = status.lastState?.terminated;
    return [
      {
        container: status.name,
        image: imageOf(pod, status),
        reason: waiting.reason,
        ...(trimMessage(waiting.message) ? { message: trimMessage(waiting.message) } : {}),
        ...(waiting.reason === 'CrashLoopBackOff' && last
          ? { lastExit: { exitCode: last.exitCode, ...(last.reason ? { reason: last.reason } : {}) } }
          : {}),
      },
    ];
  });
}

/** "cannot start: ImagePullBackOff: Back-off pulling image …", "keeps crashing: CrashLoopBackOff: …; last exit 1 (Error)". */
function blockerTail(blocker: Blocker): string {
  const { reason, message, messageReason, lastExit } = blocker;
  const verb = reason === 'CrashLoopBackOff' ? 'keeps crashing' : 'cannot start';
  const exit = lastExit
    ? `; last exit ${lastExit.exitCode}${lastExit.reason ? ` (${lastExit.reason})` : ''}`
    : '';
  const said = messageReason && messageReason !== reason ? ` after ${messageReason}` : '';
  return `${verb}: ${reason}${message ? `${said}: ${message}` : ''}${exit}`;
}

/** "sidecar (image localhost/nope:1) cannot start: ImagePullBackOff: Back-off pulling image …". */
export function describeBlocker(blocker: Blocker): string {
  return `${blocker.container} (image ${blocker.image}) ${blockerTail(blocker)}`;
}

/** How many failed attempts the kubelet's Events report for the container (a pull, a create). */
function failedAttempts(timeline: Timeline | undefined, container: string, reason: BlockingReason): number {
  if (!timeline) return 0;
  const failures = timeline.find({ source: 'event', reason: 'Failed', container });
  const pull = reason === 'ErrImagePull' || reason === 'ImagePullBackOff';
  // One failed pull says "Failed to pull image …", then "Error: ErrImagePull"; a failed create says "Error: …".
  return failures.filter((r) => (pull ? /^Failed to pull image/ : /^Error: /).test(r.message ?? '')).length;
}

export interface BlockerTrackerOptions {
  /**
   * How many times a container may enter a blocking state (ErrImagePull and ImagePullBackOff each
   * count: one failed pull and its back-off are two) before it counts as hopeless.
   */
  maxEntries?: number;
  /**
   * How many failed attempts the kubelet's Events may report for a blocked container: 2 is one
   * back-off waited through and the retry failing too (an unpullable image: ~10 s).
   */
  maxFailures?: number;
  /** How long a container may stay blocked without ever running (a config error, a pull that hangs). */
  stuckMs?: number;
  now?: () => number;
}

interface Track {
  reason: string | undefined;
  entries: number;
  blockedSinceMs: number | undefined;
  /** The most telling message seen while blocked: a pull's own error, not the back-off's. */
  message: string | undefined;
  messageReason: BlockingReason | undefined;
}

/**
 * Follows a Pod's observations and says when a container has been blocked for long enough that
 * waiting longer is pointless: a permanent reason (InvalidImageName) at once; otherwise after
 * `maxFailures` failed attempts its Events report (a pull, back-off, a pull again: ~10 s with the
 * kubelet's 10 s first back-off), or `maxEntries` entries into blocking states seen in its status
 * (ErrImagePull → ImagePullBackOff → ErrImagePull; a crash loop's second back-off), or after
 * `stuckMs` blocked without running in between. Feed it every observation (repeats are free).
 */
export class BlockerTracker {
  private readonly tracks = new Map<string, Track>();
  private readonly maxEntries: number;
  private readonly maxFailures: number;
  private readonly stuckMs: number;
  private readonly now: () => number;

  constructor(options: BlockerTrackerOptions = {}) {
    this.maxEntries = options.maxEntries ?? 3;
    this.maxFailures = options.maxFailures ?? 2;
    this.stuckMs = options.stuckMs ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The first container (manifest order) that is hopelessly blocked, if any; `timeline` (the
   * observer's) adds the failed attempts its Events count.
   */
  see(pod: V1Pod | undefined, timeline?: Timeline): Blocker | undefined {
    const now = this.now();
    const blocked = new Map(blockingStates(pod).map((b) => [b.container, b]));
    let hopeless: Blocker | undefined;
    for (const status of statusesOf(pod)) {
      const track = this.tracks.get(status.name) ?? {
        reason: undefined,
        entries: 0,
        blockedSinceMs: undefined,
        message: undefined,
        messageReason: undefined,
      };
      this.tracks.set(status.name, track);
      const blocker = blocked.get(status.name);
      const reason = status.state?.waiting?.reason ?? (status.state?.running ? 'running' : undefined);
      if (!blocker) {
        // Running (or terminated, or creating) ends a stretch of being stuck; entries stay counted.
        track.blockedSinceMs = undefined;
        track.reason = reason;
        continue;
      }
      if (track.reason !== blocker.reason) track.entries++;
      track.reason = blocker.reason;
      track.blockedSinceMs ??= now;
      // "Back-off pulling image" says less than the failed pull before it.
      const telling = !(blocker.reason === 'ImagePullBackOff' && track.message);
      if (blocker.message && (telling || blocker.reason === 'ErrImagePull')) {
        track.message = blocker.message;
        track.messageReason = blocker.reason;
      }
      const done =
        PERMANENT.includes(blocker.reason) ||
        track.entries >= this.maxEntries ||
        failedAttempts(timeline, status.name, blocker.reason) >= this.maxFailures ||
        now - track.blockedSinceMs >= this.stuckMs;
      if (done && !hopeless) {
        hopeless = {
          ...blocker,
          ...(track.message ? { message: track.message, messageReason: track.messageReason } : {}),
        };
      }
    }
    return hopeless;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function startedAtMs(status: V1ContainerStatus): number | undefined {
  const at = status.state?.running?.startedAt as Date | string | undefined;
  if (at === undefined) return undefined;
  const ms = new Date(at).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * What each of `containers` is still waiting for, in one clause each, for a wait's timeout
 * message: "app waits for init container setup, still running after 120 s"; "app waits for sidecar
 * proxy, running but not started: its startupProbe has not passed after 30 s"; "proxy (image x) is waiting: ContainerCreating";
 * "the Pod is not scheduled: Unschedulable: 0/1 nodes are available …". Empty when nothing is seen
 * to block (the state was simply not reached yet).
 */
export function whatBlocks(
  pod: V1Pod | undefined,
  containers: string[],
  options: { nowMs?: number; waitedMs?: number } = {},
): string[] {
  const nowMs = options.nowMs ?? Date.now();
  if (!pod) return ['the Pod was never seen'];
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return [
      `the Pod is not scheduled${scheduled.reason ? `: ${scheduled.reason}` : ''}${
        trimMessage(scheduled.message) ? `: ${trimMessage(scheduled.message)}` : ''
      }`,
    ];
  }
  const statuses = new Map(statusesOf(pod).map((s) => [s.name, s]));
  const init = pod.spec?.initContainers ?? [];
  const apps = (pod.spec?.containers ?? []).map((c) => c.name);
  const clauses: string[] = [];
  for (const name of containers) {
    const status = statuses.get(name);
    const blocked = blockingStates(pod).find((b) => b.container === name);
    if (blocked) {
      clauses.push(describeBlocker(blocked));
      continue;
    }
    // The init containers the kubelet starts before this one.
    const index = init.findIndex((c) => c.name === name);
    const before = index >= 0 ? init.slice(0, index) : apps.includes(name) ? init : [];
    const holdUp = before
      .map((c) => ({ spec: c, status: statuses.get(c.name) }))
      .find(({ spec, status: s }) =>
        spec.restartPolicy === 'Always' ? s?.started !== true : s?.state?.terminated?.exitCode !== 0,
      );
    if (holdUp && !status?.state?.running && !status?.state?.terminated) {
      const s = holdUp.status;
      const what = holdUp.spec.restartPolicy === 'Always' ? 'sidecar' : 'init container';
      const stuck = blockingStates(pod).find((b) => b.container === holdUp.spec.name);
      let state: string;
      if (stuck) state = `(image ${stuck.image}), which ${blockerTail(stuck)}`;
      else if (s?.state?.running) {
        const since = startedAtMs(s);
        const ran = since !== undefined ? nowMs - since : options.waitedMs;
        const after = ran !== undefined ? ` after ${seconds(ran)}` : '';
        state =
          holdUp.spec.restartPolicy === 'Always'
            ? `running but not started: its startupProbe has not passed${after}`
            : `still running${after}`;
      } else if (s?.state?.terminated) {
        const t = s.state.terminated;
        state = `which exited ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`;
      } else {
        state = `not started yet${s?.state?.waiting?.reason ? ` (${s.state.waiting.reason})` : ''}`;
      }
      clauses.push(`${name} waits for ${what} ${holdUp.spec.name}${stuck ? ' ' : ', '}${state}`);
      continue;
    }
    const waiting = status?.state?.waiting;
    if (waiting?.reason) {
      const message = trimMessage(waiting.message);
      clauses.push(
        `${name} (image ${imageOf(pod, status as V1ContainerStatus)}) is waiting: ${waiting.reason}${message ? `: ${message}` : ''}`,
      );
    } else if (status?.state?.running && !status.ready) {
      clauses.push(`${name} is running but not ready`);
    } else if (!status) {
      clauses.push(`${name} has no status yet`);
    }
  }
  return clauses;
}
