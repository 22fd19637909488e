import { basename, resolve } from 'node:path';
import { loadWorkloads } from '../apply/workload.js';
import { usageError } from '../errors.js';
import { parseTolerance, runSettings } from '../run/settings.js';
import { chooseImage } from '../run/session.js';
import { workloadScenarios, type ImageReplacement } from '../scenarios/workload.js';
import { clusterOptions, parseFlags } from './flags.js';
import { REPO_ROOT, runJob } from './job.js';
import { usesLocalImages } from '../run/local-images.js';
import { clusterChoice } from './session-flags.js';

export async function checkCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('check', args, {
    ...clusterOptions,
    timeout: { type: 'string' },
    tolerance: { type: 'string' },
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
  const manifest = await loadWorkloads(path);
  const settings = runSettings({
    shutdownToleranceMs: parseTolerance(values.tolerance),
    ...(timeoutS ? { podTimeoutMs: timeoutS * 1000 } : {}),
  });
  const choice = await clusterChoice(values);
  // The same default as `run`: on a provider without a registry (local) every image is replaced by
  // the local test image; --image reference runs them as written, --image REF replaces them by REF.
  const providerName = choice.provider?.providerName ?? 'kubeconfig';
  const asWrittenImages = `the images as written in ${basename(path)}`;
  const image = chooseImage(values.image, providerName, asWrittenImages);
  const asWritten = values.image === 'reference' || (values.image === undefined && !image.substituted);
  const replaceImages: ImageReplacement | undefined = asWritten
    ? undefined
    : {
        image: image.used,
        why:
          values.image === undefined
            ? `the ${providerName} provider has no registry; --image reference runs them as written`
            : `--image ${values.image}`,
      };
  const scenarios = workloadScenarios(manifest, replaceImages ? { replaceImages } : {});
  return runJob({
    choice: {
      ...choice,
      image: values.image,
      referenceImage: asWrittenImages,
      localImages: usesLocalImages(scenarios, image, REPO_ROOT),
      reportsRoot: values.reports ?? resolve(REPO_ROOT, 'reports'),
    },
    scenarios,
    settings,
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}
