import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clusterChoice } from '../cli/session-flags.js';
import { ExitCode, UserError } from '../errors.js';
import { chooseProvider, KUBERNETES_VERSION, parseKubernetesVersion, providerFor } from './providers.js';
import type { KindProvider } from './kind/provider.js';
import type { LocalProvider } from './local/local.js';

describe('Kubernetes versions', () => {
  it('takes releases and the alpha, beta and rc pre-releases the Go proxy serves, with or without a v', () => {
    for (const version of ['1.37.2', '1.29.6', '1.38.0-alpha.2', '1.38.0-beta.0', '1.38.0-rc.1']) {
      expect(parseKubernetesVersion(version)).toBe(version);
      expect(parseKubernetesVersion(`v${version}`)).toBe(version);
      expect(KUBERNETES_VERSION.test(version)).toBe(true);
    }
  });

  it('refuses what is not a Kubernetes version, in one usage sentence', () => {
    for (const version of [
      '1.37',
      '2.0.0',
      '1.38.0-beta',
      '1.38.0-gamma.1',
      '1.38.0-beta.0+meta',
      'latest',
      '',
    ]) {
      expect(() => parseKubernetesVersion(version)).toThrow(
        /is not a Kubernetes version like 1\.37\.2 or 1\.38\.0-beta\.0/,
      );
    }
  });

  it('brings a pre-release up on the local provider like any release', () => {
    const provider = providerFor({ version: '1.38.0-beta.0', name: 'sc-test' });
    expect((provider as LocalProvider).kubernetesVersion).toBe('1.38.0-beta.0');
    expect(() => providerFor({ version: '1.38.0-beta' })).toThrow(/not a Kubernetes version/);
  });
});

describe('--provider auto', () => {
  const tools = {
    kind: '/root/.cache/sidecar-conformance/bin/kind-v0.32.0/kind',
    engine: 'docker' as const,
    engineVersion: '20.10.24',
  };
  const probe = (kind: { tools: typeof tools } | { missing: string }, root: boolean) => {
    const asked: string[] = [];
    return {
      asked,
      probe: {
        kind: async () => {
          asked.push('kind');
          return kind;
        },
        isRoot: () => {
          asked.push('root');
          return root;
        },
      },
    };
  };

  it('is kind when a kind binary and a container engine that answers are found, even as root, and says so', async () => {
    const { probe: p } = probe({ tools }, true);
    expect(await chooseProvider(undefined, p)).toEqual({
      provider: 'kind',
      because: `--provider auto: kind found (${tools.kind}, docker 20.10.24 answers); --provider local for the local cluster`,
    });
    expect((await chooseProvider('auto', p)).provider).toBe('kind');
  });

  it('is local as root when kind is not usable, naming what kind lacked', async () => {
    const { probe: p } = probe(
      { missing: 'a working container engine (`docker info` failed (Cannot connect to the Docker daemon))' },
      true,
    );
    expect(await chooseProvider(undefined, p)).toEqual({
      provider: 'local',
      because:
        '--provider auto: no kind (it needs a working container engine (`docker info` failed (Cannot connect to the Docker daemon))), running as root',
    });
  });

  it('is one sentence naming the three ways (exit 5) when there is neither kind nor root', async () => {
    const { probe: p } = probe({ missing: 'a kind binary (none on PATH or in /c/bin/kind-v*)' }, false);
    const error = await chooseProvider(undefined, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.missingDependency);
    expect((error as UserError).message).toBe(
      'No cluster to run on (kind needs a kind binary (none on PATH or in /c/bin/kind-v*), and this is not root): pass --kubeconfig PATH for an existing cluster, install kind with `sidecar-conformance setup --kind` (as root) for --provider kind, or run as root for the local provider.',
    );
  });

  it('takes local and kind as asked without probing anything, and refuses an unknown provider', async () => {
    const { probe: p, asked } = probe({ tools }, true);
    expect(await chooseProvider('local', p)).toEqual({ provider: 'local', because: '--provider local' });
    expect(await chooseProvider('kind', p)).toEqual({ provider: 'kind', because: '--provider kind' });
    expect(asked).toEqual([]);
    await expect(chooseProvider('minikube', p)).rejects.toThrow(
      '--provider minikube is not known; providers: auto, local, kind.',
    );
  });

  it('builds the kind provider with the version’s node image or --node-image, and refuses --node-image elsewhere', () => {
    const kind = providerFor({ provider: 'kind', name: 'sc-test', version: '1.36.3' }) as KindProvider;
    expect(kind.providerName).toBe('kind');
    expect(kind.nodeImage).toBe('localhost/sidecar-conformance/kind-node:v1.36.3');
    expect(
      (providerFor({ provider: 'kind', nodeImage: 'kindest/node:v1.36.1' }) as KindProvider).nodeImage,
    ).toBe('kindest/node:v1.36.1');
    expect(() => providerFor({ provider: 'local', nodeImage: 'kindest/node:v1.36.1' })).toThrow(
      '--node-image is a kind node image; it does not go with the local provider.',
    );
  });
});

describe('clusterChoice', () => {
  const kindFound = {
    kind: async () => ({
      tools: { kind: '/usr/local/bin/kind', engine: 'docker' as const, engineVersion: '28.2.2' },
    }),
    isRoot: () => true,
  };
  const noKind = {
    kind: async () => ({ missing: 'a kind binary (none on PATH or in /c)' }),
    isRoot: () => true,
  };

  it('takes a kubeconfig before any provider, also with --provider auto, and refuses it with another provider', async () => {
    const choice = await clusterChoice(
      { kubeconfig: fileURLToPath(import.meta.url), provider: 'auto' },
      undefined,
      kindFound,
    );
    expect(choice.provider).toBeUndefined();
    expect(choice.kubeconfig).toBe(fileURLToPath(import.meta.url));
    await expect(
      clusterChoice({ kubeconfig: fileURLToPath(import.meta.url), provider: 'kind' }, undefined, kindFound),
    ).rejects.toThrow(/^--kubeconfig names an existing cluster; it does not go with --provider/);
  });

  it('brings up kind where auto finds it and local where it does not, saying why', async () => {
    const kind = await clusterChoice({}, undefined, kindFound);
    expect(kind.provider?.providerName).toBe('kind');
    expect(kind.because).toMatch(/^--provider auto: kind found/);
    const local = await clusterChoice({}, undefined, noKind);
    expect(local.provider?.providerName).toBe('local');
    expect(local.because).toMatch(/^--provider auto: no kind/);
    expect((await clusterChoice({ provider: 'local' }, undefined, kindFound)).provider?.providerName).toBe(
      'local',
    );
  });

  it('refuses --node-image when auto chose local, naming the choice', async () => {
    await expect(clusterChoice({ 'node-image': 'kindest/node:v1.36.1' }, undefined, noKind)).rejects.toThrow(
      /^--node-image is a kind node image; the local provider was chosen \(--provider auto: no kind/,
    );
  });
});
