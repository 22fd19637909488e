/**
 * Just enough YAML output for the kubeconfig and kubelet config files: block maps and lists of
 * strings, numbers, booleans. Strings are always double-quoted (JSON escapes are valid YAML), so no
 * value is ever read back as another type. Keys of undefined value are left out.
 */
export type YamlValue = string | number | boolean | YamlValue[] | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue | undefined;
}

export function toYaml(document: YamlMap): string {
  return mapLines(document, '').join('\n') + '\n';
}

function isMap(value: YamlValue): value is YamlMap {
  return typeof value === 'object' && !Array.isArray(value);
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function key(name: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(name) ? name : JSON.stringify(name);
}

function mapLines(map: YamlMap, indent: string): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (value === undefined) continue;
    lines.push(...entryLines(`${indent}${key(name)}:`, value, indent));
  }
  return lines;
}

function entryLines(head: string, value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${head} []`];
    return [head, ...value.flatMap((item) => itemLines(item, indent))];
  }
  if (isMap(value)) {
    const inner = mapLines(value, `${indent}  `);
    return inner.length === 0 ? [`${head} {}`] : [head, ...inner];
  }
  return [`${head} ${scalar(value)}`];
}

/** A list item: `- ` then the value, a map's later keys aligned under its first one. */
function itemLines(item: YamlValue, indent: string): string[] {
  if (Array.isArray(item)) throw new Error('toYaml: lists of lists are not needed here');
  if (!isMap(item)) return [`${indent}- ${scalar(item)}`];
  const inner = mapLines(item, `${indent}  `);
  if (inner.length === 0) return [`${indent}- {}`];
  const [first, ...rest] = inner;
  return [`${indent}- ${first!.slice(indent.length + 2)}`, ...rest];
}
