import { dirname } from 'node:path';
import { clusterDir } from '../config.js';
import { parseFeatureGates } from '../cluster/feature-gates.js';
import { formatClusterList, localClusterRows } from '../cluster/local/list.js';
import { chooseProvider, providerFor, resolveVersion } from '../cluster/providers.js';
import { ExitCode, usageError } from '../errors.js';
import { parseFlags } from './flags.js';
import { progressPrinter } from './progress.js';

export async function clusterCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('cluster', args, {
    name: { type: 'string' },
    version: { type: 'string' },
    provider: { type: 'string' },
    'node-image': { type: 'string' },
    'feature-gates': { type: 'string' },
  });
  const [action, ...extra] = positionals;
  if (!action || !['up', 'down', 'status', 'list'].includes(action) || extra.length) {
    throw usageError(
      'cluster needs one of up, down, status, list (see `sidecar-conformance cluster --help`).',
    );
  }
  if (action === 'list') {
    if (values.name || values.version)
      throw usageError('cluster list takes no --name or --version: it lists every local cluster.');
    if (values.provider && values.provider !== 'local' && values.provider !== 'auto')
      throw usageError(
        `cluster list knows the local provider only, not ${values.provider} (\`kind get clusters\` lists kind's).`,
      );
    const root = dirname(clusterDir('x'));
    process.stdout.write(formatClusterList(await localClusterRows(root), root));
    return ExitCode.ok;
  }
  const progress = progressPrinter();
  const { 'feature-gates': gates, 'node-image': nodeImage, ...options } = values;
  const chosen = await chooseProvider(values.provider);
  progress(`cluster: ${chosen.because}`);
  const provider = providerFor({
    ...(await resolveVersion(options, progress)),
    provider: chosen.provider,
    ...(gates !== undefined ? { featureGates: parseFeatureGates(gates) } : {}),
    ...(nodeImage !== undefined ? { nodeImage } : {}),
  });
  if (action === 'up') {
    const kubeconfig = await provider.up({ onProgress: progress, signal });
    process.stdout.write(`cluster ${provider.clusterName} is up\nkubeconfig: ${kubeconfig}\n`);
    return ExitCode.ok;
  }
  if (action === 'down') {
    await provider.down({ onProgress: progress });
    process.stdout.write(`cluster ${provider.clusterName} is down\n`);
    return ExitCode.ok;
  }
  const status = await provider.status();
  process.stdout.write(
    [
      `cluster ${status.name} (${status.provider}): ${status.running ? 'running' : 'not running'}`,
      `kubeconfig: ${status.kubeconfigPath}`,
      ...status.components.map((c) => `  ${c}`),
      '',
    ].join('\n'),
  );
  return ExitCode.ok;
}
