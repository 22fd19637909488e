import type { TestProject } from 'vitest/node';
import type { FeatureGates } from '../lib/cluster/feature-gates.js';
import { chooseProvider, providerFor, resolveVersion } from '../lib/cluster/providers.js';
import { defaults } from '../lib/config.js';
import { SCENARIOS } from '../lib/scenarios/registry.js';
import { gatesNeeded } from '../lib/scenarios/requirements.js';
import { describeError, UserError } from '../lib/errors.js';
import { openSession } from '../lib/run/session.js';
import './session-context.js';

/**
 * Live suites run against the cluster the user names (SIDECAR_KUBECONFIG and SIDECAR_CONTEXT), or
 * bring up a cluster with SIDECAR_PROVIDER (local unless it says kind or auto: the suites, and CI,
 * never change provider because docker happens to run) and take down what they brought up.
 * Reachability is checked once, here, first: without a cluster the live suites fail with one clear
 * message.
 */
export default async function setup(project: TestProject) {
  const kubeconfig = process.env.SIDECAR_KUBECONFIG;
  const progress = (line: string) => process.stderr.write(`[live setup] ${line}\n`);
  let session;
  let provider;
  let featureGates: FeatureGates;
  try {
    const options = kubeconfig
      ? undefined
      : await resolveVersion(
          { version: process.env.SIDECAR_K8S_VERSION, name: process.env.SIDECAR_CLUSTER_NAME },
          progress,
        );
    // The local cluster starts with the gates the registered scenarios need on its version.
    featureGates = options
      ? gatesNeeded(
          SCENARIOS.map((s) => s.requires),
          options.version ?? defaults.kubernetesVersion,
        )
      : {};
    const chosen = options ? await chooseProvider(process.env.SIDECAR_PROVIDER ?? 'local') : undefined;
    if (chosen)
      progress(
        `cluster: ${chosen.because}${process.env.SIDECAR_PROVIDER ? ' (SIDECAR_PROVIDER)' : ' (the live suites’ default)'}`,
      );
    provider =
      options && chosen
        ? providerFor({
            ...options,
            provider: chosen.provider,
            featureGates,
            ...(process.env.SIDECAR_NODE_IMAGE ? { nodeImage: process.env.SIDECAR_NODE_IMAGE } : {}),
          })
        : undefined;
    session = await openSession(
      kubeconfig || !provider
        ? { kubeconfig, context: process.env.SIDECAR_CONTEXT, image: process.env.SIDECAR_IMAGE }
        : {
            provider,
            keepCluster: process.env.SIDECAR_KEEP_CLUSTER === '1',
            image: process.env.SIDECAR_IMAGE,
          },
      progress,
    );
  } catch (error) {
    const message = error instanceof UserError ? error.message : describeError(error);
    throw new Error(`Live suites need a cluster and have none: ${message}`, { cause: error });
  }
  project.provide('liveSession', {
    runId: session.runId,
    kubeconfigPath: session.kube.kubeconfigPath,
    context: kubeconfig ? session.kube.context : undefined,
    cluster: session.cluster,
    image: session.image,
    ...(provider && session.runtime
      ? {
          providerCluster: {
            provider: provider.providerName,
            name: provider.clusterName,
            version: session.cluster.kubernetesVersion.replace(/^v/, ''),
            featureGates,
          },
        }
      : {}),
  });
  progress(
    `cluster ${session.cluster.server} Kubernetes ${session.cluster.kubernetesVersion}, image ${session.image.used}`,
  );
  return async () => {
    await session.close();
  };
}
