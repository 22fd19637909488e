import { parseFeatureGates } from '../cluster/feature-gates.js';
import { providerFor, resolveVersion } from '../cluster/providers.js';
import { ExitCode, usageError } from '../errors.js';
import { parseFlags } from './flags.js';
import { progressPrinter } from './progress.js';

export async function clusterCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('cluster', args, {
    name: { type: 'string' },
    version: { type: 'string' },
    provider: { type: 'string' },
    'feature-gates': { type: 'string' },
  });
  const [action, ...extra] = positionals;
  if (!action || !['up', 'down', 'status'].includes(action) || extra.length) {
    throw usageError('cluster needs one of up, down, status (see `sidecar-conformance cluster --help`).');
  }
  const progress = progressPrinter();
  const { 'feature-gates': gates, ...options } = values;
  const provider = providerFor({
    ...(await resolveVersion(options, progress)),
    ...(gates !== undefined ? { featureGates: parseFeatureGates(gates) } : {}),
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
