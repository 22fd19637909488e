import { defaults } from '../config.js';
import { usageError } from '../errors.js';
import type { RunSettings } from '../scenarios/scenario.js';

export function runSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    shutdownToleranceMs: defaults.shutdownToleranceMs,
    podTimeoutMs: defaults.podTimeoutMs,
    ...overrides,
  };
}

/** `--tolerance` / `SIDECAR_TOLERANCE_MS`: milliseconds, 0 to 60000; anything else is a usage error. */
export function parseTolerance(value: string | undefined): number {
  if (value === undefined) return defaults.shutdownToleranceMs;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 60_000) {
    throw usageError(`--tolerance ${value} is not a number of milliseconds between 0 and 60000.`);
  }
  return ms;
}
