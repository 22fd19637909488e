import { resolve } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { explainScenario } from '../lib/report/explain.js';
import { LocalProvider } from '../lib/cluster/local/local.js';
import { defaults } from '../lib/config.js';
import { connect } from '../lib/kube/client.js';
import { runSettings } from '../lib/run/settings.js';
import { runScenario } from '../lib/run/runner.js';
import { basic } from '../lib/scenarios/seed/basic.js';
import './session-context.js';

/**
 * The local provider's whole life on the cluster the live run uses: down leaves nothing behind,
 * up gives a Ready node at the chosen version on which File 1 runs 2/2, down again, up again.
 * Only for the local provider: a cluster the user named is never taken down.
 */
const live = inject('liveSession');
const root = resolve(import.meta.dirname, '..');
const progress = (line: string) => process.stderr.write(`[lifecycle] ${line}\n`);

describe.skipIf(live.cluster.provider !== 'local')('local provider lifecycle', () => {
  test(
    'up → File 1 Running 2/2 → down leaves nothing → up again',
    async ({ signal }) => {
      const provider = new LocalProvider({
        name: live.cluster.name,
        kubernetesVersion: live.cluster.kubernetesVersion.replace(/^v/, ''),
      });

      const kube = connect(provider.kubeconfigPath());
      const node = await kube.core.readNode({ name: provider.layout.nodeName });
      expect(node.status?.nodeInfo?.kubeletVersion).toBe(live.cluster.kubernetesVersion);
      // The Pod stays running into `down`, so down has containers, mounts and veths to remove.
      const result = await runScenario(basic, {
        kube,
        runId: `${live.runId}-lc`,
        image: live.image,
        ...(provider.runtime() ? { runtime: provider.runtime() } : {}),
        settings: runSettings(),
        watchSilenceMs: defaults.watchSilenceMs,
        root,
        signal,
        progress,
        keepPod: true,
      });
      expect(explainScenario(result), explainScenario(result)).toBeUndefined();

      await provider.down({ onProgress: progress });
      expect(await provider.leftovers()).toEqual([]);
      expect((await provider.status()).running).toBe(false);

      const startedUp = Date.now();
      await provider.up({ onProgress: progress, signal });
      progress(`up again took ${((Date.now() - startedUp) / 1000).toFixed(1)} s`);
      const again = connect(provider.kubeconfigPath());
      const nodeAgain = await again.core.readNode({ name: provider.layout.nodeName });
      expect(nodeAgain.status?.nodeInfo?.kubeletVersion).toBe(live.cluster.kubernetesVersion);
      expect(nodeAgain.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    },
    10 * 60_000,
  );
});
