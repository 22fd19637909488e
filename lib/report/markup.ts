import { escapeText } from './escape.js';

/** Markup that is already safe: the only thing `html` inserts without escaping. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string): Markup => new Markup(value);

function render(value: unknown): string {
  if (value instanceof Markup) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeText(String(value));
}

/**
 * Template tag for HTML: every interpolated value is escaped (quotes too, so values can sit inside
 * attributes) unless it is `Markup`; arrays are joined; `undefined`, `null` and `false` vanish.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}
