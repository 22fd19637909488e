import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Scenario } from '../scenarios/scenario.js';
import type { ImageChoice } from './result.js';

/** Every image this harness builds itself (busybox, agnhost, pause) is named under this prefix. */
export const LOCAL_IMAGE_PREFIX = 'localhost/sidecar-conformance/';

/**
 * Whether a run's Pods use the local test images: the image they run is one (`--image local`, the
 * default where the provider loads them), or a scenario's manifest names one (the upstream suite's
 * do). A kind node gets them loaded only then.
 */
export function usesLocalImages(scenarios: readonly Scenario[], image: ImageChoice, root: string): boolean {
  if (image.substituted && image.used.startsWith(LOCAL_IMAGE_PREFIX)) return true;
  return scenarios.some((scenario) => {
    try {
      const text = scenario.pod
        ? JSON.stringify(scenario.pod)
        : readFileSync(resolve(root, scenario.manifest), 'utf8');
      return text.includes(LOCAL_IMAGE_PREFIX);
    } catch {
      return true; // unreadable here: the runner will say so; loading the images costs little
    }
  });
}
