import type { AssertionResult, Measurement, Verdict } from '../assert/result.js';
import type { TimelineRecord } from '../timeline/record.js';
import { displayTime } from '../timeline/time.js';
import { HALO, group, line, text, textWidth } from './svg.js';

/** A measured time between two records, as a bracket under the lanes. */
export interface GapBracket {
  rule: string;
  verdict: Verdict;
  label: string;
  from: TimelineRecord;
  to: TimelineRecord;
  fromContainer: string;
  toContainer: string;
  detail: string;
}

function wanted(measurement: Measurement): string {
  const { min, max } = measurement;
  if (min !== undefined && max !== undefined) return ` (want ${min}–${max})`;
  if (min !== undefined) return ` (want ≥ ${min})`;
  if (max !== undefined) return ` (want ≤ ${max})`;
  return '';
}

/** Rules that measured a time between two named records (their `span`) between two containers. */
export function gapBrackets(assertions: AssertionResult[]): GapBracket[] {
  const brackets: GapBracket[] = [];
  for (const assertion of assertions) {
    const { measurement, span } = assertion;
    if (measurement?.unit !== 'ms' || !span) continue;
    const { from, to } = span;
    if (!from.container || !to.container || from.container === to.container) continue;
    const mark = assertion.verdict === 'pass' ? '' : assertion.verdict === 'fail' ? ' ✗' : ' ?';
    brackets.push({
      rule: assertion.rule,
      verdict: assertion.verdict,
      label: `${Math.round(measurement.value)} ms${mark}${assertion.verdict === 'pass' ? '' : wanted(measurement)}`,
      from,
      to,
      fromContainer: from.container,
      toContainer: to.container,
      detail: `${assertion.rule}: ${assertion.actual} (expected ${assertion.expected}); ${displayTime(from.ns)} → ${displayTime(to.ns)}`,
    });
  }
  return brackets;
}

export interface GapLayout {
  x: (ns: bigint) => number;
  laneCenter: (container: string) => number | undefined;
  top: number;
  rowHeight: number;
  width: number;
}

const PASS_COLOR = '#1A7F37';
const FAIL_COLOR = '#CF222E';
const UNDECIDED_COLOR = '#9A6700';
const COLORS: Record<Verdict, string> = { pass: PASS_COLOR, fail: FAIL_COLOR, undecided: UNDECIDED_COLOR };
const FONT_SIZE = 12;

interface Placed {
  bracket: GapBracket;
  x1: number;
  x2: number;
  labelX: number;
  anchor: 'start' | 'middle' | 'end';
  row: number;
}

/** Puts each bracket on the first row where it and its label overlap nothing else. */
function place(brackets: GapBracket[], layout: GapLayout): Placed[] {
  const rowsEnd: number[] = [];
  const placed: Placed[] = [];
  const ordered = [...brackets].sort((a, b) => (a.from.ns < b.from.ns ? -1 : a.from.ns > b.from.ns ? 1 : 0));
  for (const bracket of ordered) {
    const x1 = layout.x(bracket.from.ns);
    const x2 = Math.max(layout.x(bracket.to.ns), x1 + 1);
    const width = textWidth(bracket.label, FONT_SIZE, true);
    let labelX = (x1 + x2) / 2;
    let anchor: Placed['anchor'] = 'middle';
    let left = labelX - width / 2;
    let right = labelX + width / 2;
    if (x2 - x1 < width + 12) {
      // Too narrow to hold its label: write it beside the bracket, right if there is room.
      anchor = x2 + 8 + width <= layout.width - 4 ? 'start' : 'end';
      labelX = anchor === 'start' ? x2 + 8 : x1 - 8;
      left = anchor === 'start' ? x1 : labelX - width;
      right = anchor === 'start' ? labelX + width : x2;
    }
    const start = Math.min(left, x1) - 8;
    let row = rowsEnd.findIndex((end) => end < start);
    if (row === -1) row = rowsEnd.push(0) - 1;
    rowsEnd[row] = Math.max(right, x2) + 8;
    placed.push({ bracket, x1, x2, labelX, anchor, row });
  }
  return placed;
}

/** The bracket rows and the dashed connectors up to the two evidence records. */
export function drawGaps(brackets: GapBracket[], layout: GapLayout): { svg: string; rows: number } {
  const placed = place(brackets, layout);
  const svg = placed.map(({ bracket, x1, x2, labelX, anchor, row }) => {
    const color = COLORS[bracket.verdict];
    const y = layout.top + row * layout.rowHeight + layout.rowHeight - 9;
    const connector = (x: number, container: string) => {
      const from = layout.laneCenter(container);
      return from === undefined
        ? ''
        : line(x, from + 8, x, y - 5, {
            stroke: color,
            'stroke-width': 1,
            'stroke-dasharray': '3 3',
            opacity: 0.75,
          });
    };
    return group(
      {
        class: `gap gap-${bracket.verdict}`,
        'data-rule': bracket.rule,
        'data-from': bracket.fromContainer,
        'data-to': bracket.toContainer,
      },
      [
        connector(x1, bracket.fromContainer),
        connector(x2, bracket.toContainer),
        line(x1, y, x2, y, { stroke: color, 'stroke-width': 2 }),
        line(x1, y - 5, x1, y + 5, { stroke: color, 'stroke-width': 2 }),
        line(x2, y - 5, x2, y + 5, { stroke: color, 'stroke-width': 2 }),
        text(labelX, anchor === 'middle' ? y - 5 : y + 4, bracket.label, {
          'text-anchor': anchor,
          'font-size': FONT_SIZE,
          'font-weight': 'bold',
          fill: color,
          class: 'gap-label',
          ...HALO,
        }),
      ],
      bracket.detail,
    );
  });
  return { svg: svg.join(''), rows: placed.reduce((max, p) => Math.max(max, p.row + 1), 0) };
}
