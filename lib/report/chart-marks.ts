import type { TimelineRecord } from '../timeline/record.js';
import { formatRecord } from '../timeline/timeline.js';
import { circle, group, line, polygon, rect, text, textWidth } from './svg.js';

/** Semantic colors for markers; lane colors below avoid these greens and reds so they stay apart. */
export const COLORS = {
  ready: '#1A7F37',
  notReady: '#CF222E',
  sigterm: '#8250DF',
  unhealthy: '#CF222E',
  exit: '#1F2328',
  phase: '#57606A',
  applied: '#0969DA',
  delete: '#CF222E',
  gap: '#1A7F37',
} as const;

/** [bar fill, text on the bar]: Okabe–Ito hues, distinguishable with the common color-vision deficiencies. */
export const LANE_COLORS: readonly [string, string][] = [
  ['#0072B2', '#FFFFFF'],
  ['#E69F00', '#1F2328'],
  ['#56B4E9', '#1F2328'],
  ['#CC79A7', '#1F2328'],
  ['#8C6D31', '#FFFFFF'],
  ['#6E7781', '#FFFFFF'],
];

const WHITE_EDGE = { stroke: '#FFFFFF', 'stroke-width': 1.5 };

function cross(x: number, y: number, size: number, color: string): string[] {
  const arms = (stroke: string, width: number) => [
    line(x - size, y - size, x + size, y + size, {
      stroke,
      'stroke-width': width,
      'stroke-linecap': 'round',
    }),
    line(x - size, y + size, x + size, y - size, {
      stroke,
      'stroke-width': width,
      'stroke-linecap': 'round',
    }),
  ];
  return [...arms('#FFFFFF', 5), ...arms(color, 2.2)];
}

const diamond = (x: number, y: number, size: number, color: string) =>
  polygon(
    [
      [x, y - size],
      [x + size, y],
      [x, y + size],
      [x - size, y],
    ],
    { fill: color, ...WHITE_EDGE },
  );

/** The shapes for one record kind, centered on a lane's bar line `y`. Kinds without a shape draw nothing. */
function shapes(kind: TimelineRecord['kind'] | 'last-log', x: number, y: number): string[] {
  switch (kind) {
    case 'ready':
      return [circle(x, y - 14, 4.5, { fill: COLORS.ready, ...WHITE_EDGE })];
    case 'not-ready':
      return [circle(x, y - 14, 4, { fill: '#FFFFFF', stroke: COLORS.notReady, 'stroke-width': 2 })];
    case 'killing':
      return [
        polygon(
          [
            [x, y + 11],
            [x - 5.5, y + 21],
            [x + 5.5, y + 21],
          ],
          { fill: COLORS.sigterm, ...WHITE_EDGE },
        ),
      ];
    case 'unhealthy':
      return [line(x, y + 1, x, y + 10, { stroke: COLORS.unhealthy, 'stroke-width': 2.5 })];
    case 'terminated':
      return cross(x, y, 4.5, COLORS.exit);
    case 'last-log':
      return [diamond(x, y, 6, COLORS.exit)];
    // Under the Pod line, so a phase change at the same second does not hide them.
    case 'pod-ready':
      return [circle(x, y + 9, 4.5, { fill: COLORS.ready, ...WHITE_EDGE })];
    case 'pod-not-ready':
      return [circle(x, y + 9, 4, { fill: '#FFFFFF', stroke: COLORS.notReady, 'stroke-width': 2 })];
    case 'pod-phase':
      return [rect(x - 4, y - 4, 8, 8, { fill: COLORS.phase, ...WHITE_EDGE })];
    case 'applied':
      return [
        polygon(
          [
            [x - 4, y - 6],
            [x + 6, y],
            [x - 4, y + 6],
          ],
          { fill: COLORS.applied, ...WHITE_EDGE },
        ),
      ];
    case 'delete-requested':
      return [
        polygon(
          [
            [x - 6, y - 6],
            [x + 6, y - 6],
            [x, y + 4],
          ],
          { fill: COLORS.delete, ...WHITE_EDGE },
        ),
      ];
    case 'pod-gone':
      return cross(x, y, 5, COLORS.exit);
    default:
      return [];
  }
}

/** One record as a marker with its formatted line as tooltip; `last-log` marks the exact exit. */
export function marker(record: TimelineRecord, x: number, y: number, as?: 'last-log'): string {
  const kind = as ?? record.kind;
  const drawn = shapes(kind, x, y);
  if (drawn.length === 0) return '';
  const title =
    as === 'last-log' ? `last log line, the exact exit: ${formatRecord(record)}` : formatRecord(record);
  return group({ class: `mark mark-${kind}`, 'data-kind': kind }, drawn, title);
}

const LEGEND: [string, (x: number, y: number) => string[]][] = [
  ['running', (x, y) => [rect(x - 8, y - 5, 16, 10, { fill: LANE_COLORS[0]?.[0] ?? '#0072B2', rx: 2 })]],
  ['ready', (x, y) => shapes('ready', x, y + 14)],
  ['not ready', (x, y) => shapes('not-ready', x, y + 14)],
  ['SIGTERM (Killing event)', (x, y) => shapes('killing', x, y - 16)],
  ['probe failed (Unhealthy)', (x, y) => shapes('unhealthy', x, y - 5)],
  ['terminated (status, whole s)', (x, y) => shapes('terminated', x, y)],
  ['last log line (exact exit)', (x, y) => shapes('last-log', x, y)],
  ['Pod phase', (x, y) => shapes('pod-phase', x, y)],
  ['applied', (x, y) => shapes('applied', x, y)],
  [
    'delete requested',
    (x, y) => [line(x, y - 7, x, y + 7, { stroke: COLORS.delete, 'stroke-dasharray': '3 2' })],
  ],
  [
    'measured gap (red: rule broken)',
    (x, y) => [
      line(x - 8, y, x + 8, y, { stroke: COLORS.gap, 'stroke-width': 2 }),
      line(x - 8, y - 4, x - 8, y + 4, { stroke: COLORS.gap, 'stroke-width': 2 }),
      line(x + 8, y - 4, x + 8, y + 4, { stroke: COLORS.gap, 'stroke-width': 2 }),
    ],
  ],
];

const LEGEND_ROW = 20;

/** The key to the markers, wrapped onto as many rows as `width` needs. */
export function drawLegend(top: number, width: number): { svg: string; height: number } {
  const items: string[] = [];
  let x = 12;
  let row = 0;
  for (const [label, icon] of LEGEND) {
    const itemWidth = 24 + textWidth(label, 11) + 18;
    if (x + itemWidth > width - 8) {
      x = 12;
      row++;
    }
    const y = top + row * LEGEND_ROW + 10;
    items.push(...icon(x + 8, y), text(x + 22, y + 4, label, { 'font-size': 11, fill: '#424A53' }));
    x += itemWidth;
  }
  return { svg: group({ class: 'legend' }, items), height: (row + 1) * LEGEND_ROW };
}
