import type { ScenarioResult } from '../run/result.js';
import type { TimelineRecord } from '../timeline/record.js';
import { displayTime, nsToMs } from '../timeline/time.js';
import { drawGaps, gapBrackets } from './chart-gaps.js';
import { COLORS, LANE_COLORS, drawLegend, marker } from './chart-marks.js';
import { POD_KINDS, containerRole, lastLogLine, laneOrder, runSegments } from './lanes.js';
import { HALO, element, group, line, polygon, rect, text, textWidth } from './svg.js';

const WIDTH = 1100;
const PLOT_LEFT = 170;
const PLOT_RIGHT = WIDTH - 40;
const TOP = 6;
const POD_LANE = 56;
const LANE = 46;
const GAP_ROW = 30;
const AXIS = 44;

export interface TimeScale {
  t0: bigint;
  endNs: bigint;
  spanMs: number;
  x: (ns: bigint) => number;
}

export function timeScale(records: TimelineRecord[]): TimeScale {
  const t0 = records[0]?.ns ?? 0n;
  const endNs = records.at(-1)?.ns ?? t0;
  const spanMs = Math.max(nsToMs(endNs - t0), 1);
  const x = (ns: bigint) => PLOT_LEFT + (nsToMs(ns - t0) / spanMs) * (PLOT_RIGHT - PLOT_LEFT);
  return { t0, endNs, spanMs, x };
}

/** A 1-2-5 step giving at most `maxTicks` intervals over `spanMs`. */
export function tickStep(spanMs: number, maxTicks = 10): number {
  const raw = spanMs / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? 10 * power;
}

function laneLabel(y: number, name: string, swatch: string, role?: string): string {
  const shown = name.length > 22 ? `${name.slice(0, 21)}…` : name;
  const parts = [
    rect(8, y - 6, 12, 12, { fill: swatch, rx: 2 }),
    text(26, y + 4, shown, { 'font-size': 13, 'font-weight': 'bold', fill: '#1F2328' }),
  ];
  // A role equal to the name (`app`) says nothing new.
  if (role && role !== name)
    parts.push(text(26, y + 17, role, { 'font-size': 10, fill: '#57606A', class: 'lane-role' }));
  return group({ class: 'lane-label' }, parts, role ? `${name} (${role})` : name);
}

const POD_LABELS: Partial<Record<TimelineRecord['kind'], string>> = {
  applied: 'applied',
  'pod-ready': 'ready',
  'pod-not-ready': 'not ready',
  'delete-requested': 'delete',
  'pod-gone': 'gone',
};

function podLane(records: TimelineRecord[], scale: TimeScale, top: number): string {
  const baseline = top + POD_LANE - 18;
  const podRecords = records.filter((r) => r.container === undefined && POD_KINDS.includes(r.kind));
  const rowsEnd = [-Infinity, -Infinity];
  const labels: string[] = [];
  // Milestones get their labels first; ready/not-ready only where room is left.
  const byPriority = [...podRecords].sort(
    (a, b) =>
      Number(a.kind in POD_LABELS && a.kind !== 'delete-requested') -
      Number(b.kind in POD_LABELS && b.kind !== 'delete-requested'),
  );
  for (const record of byPriority) {
    const label =
      record.kind === 'pod-phase' ? (record.reason ?? record.message ?? 'phase') : POD_LABELS[record.kind];
    if (!label) continue;
    const x = scale.x(record.ns);
    const width = textWidth(label, 11);
    // Near the right edge the label hangs to the left of its leader line instead.
    const leftward = x + width + 4 > WIDTH;
    const left = leftward ? x - width - 2 : x;
    const row = rowsEnd.findIndex((end) => end < left - 2);
    if (row === -1) continue;
    rowsEnd[row] = leftward ? x + 8 : x + width + 8;
    const y = baseline - 14 - row * 14;
    labels.push(line(x, y + 2, x, baseline - 6, { stroke: '#8C959F', 'stroke-width': 1 }));
    labels.push(
      text(leftward ? x - 2 : x + 2, y, label, {
        'font-size': 11,
        fill: '#424A53',
        'text-anchor': leftward ? 'end' : 'start',
        ...HALO,
      }),
    );
  }
  return group({ class: 'lane lane-pod', 'data-lane': 'pod' }, [
    laneLabel(baseline, 'pod', '#57606A'),
    line(PLOT_LEFT, baseline, PLOT_RIGHT, baseline, { stroke: '#8C959F', 'stroke-width': 2 }),
    ...labels,
    ...podRecords.map((r) => marker(r, scale.x(r.ns), baseline)),
  ]);
}

interface Lane {
  container: string;
  index: number;
  role?: string;
  top: number;
}

function containerLane(
  records: TimelineRecord[],
  { container, index, role, top }: Lane,
  scale: TimeScale,
): string {
  const [fill, ink] = LANE_COLORS[index % LANE_COLORS.length] ?? ['#0072B2', '#FFFFFF'];
  const barTop = top + 13;
  const center = barTop + 7;
  const segments = runSegments(records, container, scale.endNs);
  const bars = segments.map((segment, i) => {
    const x1 = scale.x(segment.startNs);
    const x2 = Math.max(scale.x(segment.endNs), x1 + 3);
    const restarts = segment.restartCount ?? 0;
    const until = segment.open ? 'still running when the timeline ends' : displayTime(segment.endNs);
    const parts = [rect(x1, barTop, x2 - x1, 14, { fill, rx: 3 })];
    if (segment.open)
      parts.push(
        polygon(
          [
            [x2, barTop - 2],
            [x2 + 8, center],
            [x2, barTop + 16],
          ],
          { fill },
        ),
      );
    if (restarts > 0 && x2 - x1 > 64) {
      parts.push(
        text(x1 + 5, center + 4, `restart ${restarts}`, {
          'font-size': 10,
          fill: ink,
          'font-weight': 'bold',
        }),
      );
    }
    return group(
      { class: 'bar', 'data-segment': i, 'data-open': String(segment.open) },
      parts,
      `${container} running ${displayTime(segment.startNs)} → ${until}${restarts > 0 ? ` (restartCount ${restarts})` : ''}`,
    );
  });
  const marks = records
    .filter((r) => r.container === container && r.kind !== 'started' && r.kind !== 'restarted')
    .filter((r) => r.kind !== 'killing' || r.source === 'event')
    .map((r) => marker(r, scale.x(r.ns), center));
  const lastLog = lastLogLine(records, container);
  if (lastLog) marks.push(marker(lastLog, scale.x(lastLog.ns), center, 'last-log'));
  return group({ class: 'lane lane-container', 'data-lane': container }, [
    laneLabel(center, container, fill, role),
    ...bars,
    ...marks,
  ]);
}

function axis(scale: TimeScale, gridTop: number, axisTop: number): { grid: string; axis: string } {
  const step = tickStep(scale.spanMs);
  const grid: string[] = [];
  const ticks: string[] = [];
  for (let ms = 0; ms <= scale.spanMs + step / 1000; ms += step) {
    const x = PLOT_LEFT + (ms / scale.spanMs) * (PLOT_RIGHT - PLOT_LEFT);
    if (x > PLOT_RIGHT + 0.5) break;
    const label = String(Number(ms.toFixed(3)));
    grid.push(line(x, gridTop, x, axisTop, { stroke: '#D0D7DE', 'stroke-width': 1 }));
    ticks.push(line(x, axisTop, x, axisTop + 5, { stroke: '#57606A' }));
    ticks.push(text(x, axisTop + 17, label, { 'font-size': 11, 'text-anchor': 'middle', fill: '#424A53' }));
  }
  const caption = `ms after the first record (${displayTime(scale.t0)} UTC)`;
  return {
    grid: group({ class: 'grid' }, grid),
    axis: group({ class: 'axis' }, [
      line(PLOT_LEFT, axisTop, PLOT_RIGHT, axisTop, { stroke: '#57606A' }),
      ...ticks,
      text(PLOT_LEFT, axisTop + 34, caption, { 'font-size': 11, fill: '#57606A' }),
    ]),
  };
}

/** Vertical guides where the harness asked for the Pod's deletion: shutdown order is read from there. */
function deleteGuides(records: TimelineRecord[], scale: TimeScale, top: number, bottom: number): string {
  return records
    .filter((r) => r.kind === 'delete-requested')
    .map((r) =>
      line(scale.x(r.ns), top, scale.x(r.ns), bottom, {
        stroke: COLORS.delete,
        'stroke-width': 1.5,
        'stroke-dasharray': '6 4',
        opacity: 0.6,
      }),
    )
    .join('');
}

/** Where the harness was blind: hatched bands across every lane, each with what was down and why. */
function blindBands(
  scenario: ScenarioResult,
  scale: { x: (ns: bigint) => number },
  top: number,
  bottom: number,
): string {
  return scenario.timeline.gaps
    .map((gap) => {
      const x1 = scale.x(gap.fromNs);
      const x2 = Math.max(scale.x(gap.toNs), x1 + 2);
      return group(
        { class: 'blind', 'data-stream': gap.stream },
        [rect(x1, top, x2 - x1, bottom - top, { fill: '#9A6700', opacity: 0.14 })],
        `blind ${displayTime(gap.fromNs)}–${displayTime(gap.toNs)}: ${gap.stream}, ${gap.why}`,
      );
    })
    .join('');
}

/** The scenario's timeline as an SVG: a Pod lane, one lane per container, measured gaps, time axis, legend. */
export function timelineChart(scenario: ScenarioResult): string {
  const records = scenario.timeline.records;
  const scale = timeScale(records);
  const containers = laneOrder(records);
  const lanesTop = TOP + POD_LANE;
  const laneCenter = (container: string) => {
    const index = containers.indexOf(container);
    return index === -1 ? undefined : lanesTop + index * LANE + 20;
  };
  const gapsTop = lanesTop + containers.length * LANE;
  const gaps = drawGaps(gapBrackets(scenario.assertions), {
    x: scale.x,
    laneCenter,
    top: gapsTop,
    rowHeight: GAP_ROW,
    width: WIDTH,
  });
  const axisTop = gapsTop + gaps.rows * GAP_ROW + 8;
  const { grid, axis: axisMarks } = axis(scale, TOP, axisTop);
  const legend = drawLegend(axisTop + AXIS, WIDTH);
  const height = axisTop + AXIS + legend.height + 6;

  const backgrounds = [
    rect(0, TOP, WIDTH, POD_LANE, { fill: '#EEF1F4' }),
    ...containers.map((_, i) =>
      rect(0, lanesTop + i * LANE, WIDTH, LANE, { fill: i % 2 ? '#F6F8FA' : '#FFFFFF' }),
    ),
  ];
  const lanes =
    records.length === 0
      ? text(WIDTH / 2, 40, 'No records were observed for this scenario.', {
          'text-anchor': 'middle',
          'font-size': 14,
        })
      : [
          podLane(records, scale, TOP),
          ...containers.map((container, index) =>
            containerLane(
              records,
              {
                container,
                index,
                role: containerRole(scenario.shape, container),
                top: lanesTop + index * LANE,
              },
              scale,
            ),
          ),
        ].join('');
  return element(
    'svg',
    {
      class: 'timeline-chart',
      'data-scenario': scenario.name,
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${WIDTH} ${height}`,
      width: WIDTH,
      height,
      role: 'img',
      'aria-label': `Timeline of scenario ${scenario.name}: ${containers.join(', ')}`,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    },
    [
      ...backgrounds,
      grid,
      deleteGuides(records, scale, TOP, axisTop),
      blindBands(scenario, scale, TOP, gapsTop),
      lanes,
      gaps.svg,
      axisMarks,
      legend.svg,
    ].join(''),
  );
}
