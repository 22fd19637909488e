import { resolve } from 'node:path';
import { loadPodManifest } from '../apply/manifest.js';
import { ExitCode, usageError } from '../errors.js';
import { runScenarios, summarize } from '../run/conformance.js';
import { openSession } from '../run/session.js';
import { ruleSettings } from '../run/settings.js';
import { userPodScenario } from '../scenarios/user-pod.js';
import { clusterOptions, parseFlags } from './flags.js';
import { progressPrinter } from './progress.js';
import { publishReports } from './publish.js';
import { REPO_ROOT } from './run.js';
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
  const progress = progressPrinter();
  const choice = await clusterChoice(values);
  // A user's Pod runs its images as written unless --image says otherwise.
  const session = await openSession({ ...choice, image: values.image ?? 'reference' }, progress, signal);
  try {
    const run = await runScenarios(session, [scenario], settings, { root: REPO_ROOT, signal, progress });
    const paths = await publishReports(run, values.reports ?? resolve(REPO_ROOT, 'reports'), {
      screenshot: !values['no-screenshot'],
      progress,
    });
    process.stdout.write(`${summarize(run)}\nreports: ${paths.dir}\n`);
    return run.passed ? ExitCode.ok : ExitCode.scenarioFailed;
  } finally {
    await session.close();
  }
}
