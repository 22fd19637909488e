import { usageError } from '../errors.js';

/** Feature gates as `--feature-gates` takes them: name → on/off. */
export type FeatureGates = Readonly<Record<string, boolean>>;

const GATE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Reads `A=true,B=false` (the components' own syntax); a bare `A` means `A=true`. Throws a usage
 * error naming the first entry that is not a gate assignment.
 */
export function parseFeatureGates(text: string | undefined): FeatureGates {
  const gates: Record<string, boolean> = {};
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [name, value = 'true', ...rest] = entry.split('=');
    const on = value.toLowerCase();
    if (!name || !GATE_NAME.test(name) || rest.length > 0 || (on !== 'true' && on !== 'false')) {
      throw usageError(
        `--feature-gates entry "${entry}" is not a gate assignment like RestartAllContainersOnContainerExits=true.`,
      );
    }
    gates[name] = on === 'true';
  }
  return gates;
}

/** `A=true,B=false`, names sorted, for a command line; empty for no gates. */
export function formatFeatureGates(gates: FeatureGates): string {
  return Object.keys(gates)
    .sort()
    .map((name) => `${name}=${gates[name] ? 'true' : 'false'}`)
    .join(',');
}

/** Whether `running` sets every gate of `wanted` the same way (it may set more). */
export function includesFeatureGates(running: FeatureGates, wanted: FeatureGates): boolean {
  return Object.entries(wanted).every(([name, on]) => running[name] === on);
}
