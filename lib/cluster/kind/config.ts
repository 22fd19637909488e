import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import type { FeatureGates } from '../feature-gates.js';

/** The repository's kind config: clusters are created from it (name and feature gates added). */
export const KIND_CONFIG = fileURLToPath(new URL('../../../kind-config.yaml', import.meta.url));

/** Writes `from` with this cluster's name and the feature gates (merged over its own) to `to`. */
export async function writeKindConfig(options: {
  from: string;
  to: string;
  name: string;
  featureGates: FeatureGates;
}): Promise<void> {
  const config = (yaml.load(await readFile(options.from, 'utf8')) ?? {}) as Record<string, unknown>;
  config.name = options.name;
  if (Object.keys(options.featureGates).length > 0) {
    config.featureGates = {
      ...((config.featureGates as object | undefined) ?? {}),
      ...options.featureGates,
    };
  }
  await writeFile(
    options.to,
    `# Written by sidecar-conformance from ${options.from} for kind cluster ${options.name}.\n${yaml.dump(config, { lineWidth: -1 })}`,
  );
}
