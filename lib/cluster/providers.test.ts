import { describe, expect, it } from 'vitest';
import { KUBERNETES_VERSION, parseKubernetesVersion, providerFor } from './providers.js';
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
