import { escapeAttribute, escapeText } from './escape.js';

/** Small builders for SVG markup; every text and attribute value passes through the escapers. */

type Attributes = Record<string, string | number | undefined>;

const coordinate = (value: number): string => String(Math.round(value * 10) / 10);

function attributes(values: Attributes): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        ` ${key}="${escapeAttribute(typeof value === 'number' ? coordinate(value) : String(value))}"`,
    )
    .join('');
}

export function element(name: string, values: Attributes, children = ''): string {
  return children ? `<${name}${attributes(values)}>${children}</${name}>` : `<${name}${attributes(values)}/>`;
}

/** A hover tooltip; browsers show it for the enclosing shape. */
export const tooltip = (text: string): string => `<title>${escapeText(text)}</title>`;

export function group(values: Attributes, children: string[], title?: string): string {
  return element('g', values, (title === undefined ? '' : tooltip(title)) + children.join(''));
}

export function text(x: number, y: number, content: string, values: Attributes = {}): string {
  return `<text${attributes({ x, y, ...values })}>${escapeText(content)}</text>`;
}

export const line = (x1: number, y1: number, x2: number, y2: number, values: Attributes = {}): string =>
  element('line', { x1, y1, x2, y2, ...values });

export const rect = (x: number, y: number, width: number, height: number, values: Attributes = {}): string =>
  element('rect', { x, y, width, height, ...values });

export const circle = (cx: number, cy: number, r: number, values: Attributes = {}): string =>
  element('circle', { cx, cy, r, ...values });

export const polygon = (points: [number, number][], values: Attributes = {}): string =>
  element('polygon', {
    points: points.map(([x, y]) => `${coordinate(x)},${coordinate(y)}`).join(' '),
    ...values,
  });

/** Width of `content` in px at `fontSize`, close enough for placing labels without a layout engine. */
export const textWidth = (content: string, fontSize = 11, bold = false): number =>
  content.length * fontSize * (bold ? 0.62 : 0.58);

/** A white outline under text so labels stay legible where they cross bars and grid lines. */
export const HALO = {
  'paint-order': 'stroke',
  stroke: '#FFFFFF',
  'stroke-width': 3,
  'stroke-linejoin': 'round',
};
