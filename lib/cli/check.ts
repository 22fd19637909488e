import { resolve } from 'node:path';
import { loadPodManifest } from '../apply/manifest.js';
import { usageError } from '../errors.js';
import { ruleSettings } from '../run/settings.js';
import { userPodScenario } from '../scenarios/user-pod.js';
import { clusterOptions, parseFlags } from './flags.js';
import { runJob } from './job.js';
import { clusterChoice } from './session-flags.js';

export async function checkCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('check', args, {
    ...clusterOptions,
    timeout: { type: 'string' },
    reports: { type: 'string' },
    'no-screenshot': { type: 'boolean' },
  });
  if (positionals.length !== 1)
    throw usageError('check takes one manifest file: sidecar-conformance check FILE.yaml.');
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && (!Number.isFinite(timeoutS) || timeoutS <= 0)) {
    throw usageError(`--timeout ${values.timeout} is not a positive number of seconds.`);
  }
  // Validate the manifest before touching any cluster.
  const path = resolve(positionals[0] as string);
  const manifest = await loadPodManifest(path);
  const scenario = userPodScenario(path, manifest.pod);
  const settings = ruleSettings(timeoutS ? { podTimeoutMs: timeoutS * 1000 } : {});
  const choice = await clusterChoice(values);
  return runJob({
    // A user's Pod runs its images as written unless --image says otherwise.
    choice: { ...choice, image: values.image ?? 'reference' },
    scenarios: [scenario],
    settings,
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}
