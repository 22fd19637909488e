/**
 * A container's CPU and memory, as one line both the observer (a status's `resources`) and the rules
 * (what a resize asked for) write the same way: `requests cpu=25m memory=35Mi; limits cpu=25m
 * memory=35Mi`. Quantities are compared as the API server writes them (`25m`, `35Mi`), so a
 * resize's expected values are given in that canonical form.
 */
export interface ContainerResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

const part = (label: string, values: Record<string, string> | undefined): string[] => {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? [`${label} ${entries.map(([k, v]) => `${k}=${v}`).join(' ')}`] : [];
};

/** `requests cpu=25m memory=35Mi; limits cpu=25m memory=35Mi`; empty when neither is set. */
export function describeResources(resources: ContainerResources | undefined): string {
  return [...part('requests', resources?.requests), ...part('limits', resources?.limits)].join('; ');
}
