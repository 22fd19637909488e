import { defaults } from '../config.js';
import type { RuleSettings } from '../scenarios/scenario.js';

export function ruleSettings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  return {
    shutdownToleranceMs: defaults.shutdownToleranceMs,
    sigtermDelayMs: defaults.sigtermDelayMs,
    appRunMs: defaults.appRunMs,
    livenessRestarts: defaults.livenessRestarts,
    livenessKillWithinMs: (defaults.livenessFailureThreshold + 1) * defaults.probePeriodSeconds * 1000,
    readinessWindowMs: defaults.readinessWindowPeriods * defaults.probePeriodSeconds * 1000,
    podTimeoutMs: defaults.podTimeoutMs,
    ...overrides,
  };
}
