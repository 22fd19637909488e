/**
 * Escaping for text that goes into XML (JUnit) and HTML/SVG (the report page).
 *
 * Log lines and Event messages come from the cluster and can hold anything: markup characters,
 * quotes, terminal escape sequences. XML 1.0 forbids most C0 control characters outright (a parser
 * rejects the whole file), so those are rewritten as visible `\xNN` text instead of being dropped.
 */

// C0 controls other than tab, newline and carriage return, plus the two non-characters and lone surrogates.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase()}`;
}

/** Escapes text for an element body or an attribute value (quotes are always escaped). */
export function escapeText(text: string): string {
  return text.replace(FORBIDDEN, visible).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * Escapes text for an XML attribute value. Parsers normalize raw tabs and newlines in attributes to
 * spaces, so they are written as character references to survive.
 */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/[\t\n\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}
