import { describe, expect, it } from 'vitest';
import {
  blamedSubstitution,
  chooseServedVersion,
  compareModuleVersions,
  describeSubstitution,
  fallbackCandidates,
  isRefusal,
  markInBuild,
  refusedInOutput,
  parseDownloadJson,
  type ServedProbe,
} from './substitute.js';

/** A fake Go module proxy: serves exactly the listed module versions, refuses the rest, counts questions. */
function fakeProxy(served: Record<string, string[]>) {
  const asked: string[] = [];
  const probe: ServedProbe = async (module, version) => {
    asked.push(`${module}@${version}`);
    return served[module]?.includes(version) ? 'served' : 'refused';
  };
  return { probe, asked };
}

// What proxy.golang.org serves here (the .zip), checked by hand on 2026-12-01.
const endpointslice = ['v0.30.0', 'v0.30.3', 'v0.30.4', 'v0.32.11', 'v0.32.12', 'v0.33.13'];

describe('chooseServedVersion', () => {
  it('keeps the wanted version when the proxy serves it, asking once', async () => {
    const { probe, asked } = fakeProxy({ 'k8s.io/api': ['v0.32.13'] });
    const choice = await chooseServedVersion('k8s.io/api', 'v0.32.13', probe);
    expect(choice.used).toBe('v0.32.13');
    expect(asked).toEqual(['k8s.io/api@v0.32.13']);
  });

  it('takes the newest served patch of the same minor below the refused one (1.32.13)', async () => {
    const { probe, asked } = fakeProxy({ 'k8s.io/endpointslice': endpointslice });
    const choice = await chooseServedVersion('k8s.io/endpointslice', 'v0.32.13', probe);
    expect(choice.used).toBe('v0.32.12');
    expect(asked).toEqual(['k8s.io/endpointslice@v0.32.13', 'k8s.io/endpointslice@v0.32.12']);
    expect(choice.tried).toEqual([
      { version: 'v0.32.13', outcome: 'refused' },
      { version: 'v0.32.12', outcome: 'served' },
    ]);
  });

  it('skips refused patches on the way down, whatever the partial list says', async () => {
    const { probe } = fakeProxy({ m: ['v0.32.9'] });
    // The list names v0.32.11, but its zip is refused: the probe decides, not the list.
    const choice = await chooseServedVersion('m', 'v0.32.13', probe, ['v0.32.11', 'v0.32.13']);
    expect(choice.used).toBe('v0.32.9');
    expect(choice.tried.map((t) => t.version)).toEqual([
      'v0.32.13',
      'v0.32.12',
      'v0.32.11',
      'v0.32.10',
      'v0.32.9',
    ]);
  });

  it('falls back to the lowest served version of the next minor when the whole minor is refused (1.29.6)', async () => {
    const { probe, asked } = fakeProxy({ 'k8s.io/endpointslice': endpointslice });
    const choice = await chooseServedVersion('k8s.io/endpointslice', 'v0.29.6', probe);
    expect(choice.used).toBe('v0.30.0');
    // v0.29.6, then v0.29.5 … v0.29.0, then v0.30.0.
    expect(asked).toHaveLength(1 + 6 + 1);
    expect(asked.at(-1)).toBe('k8s.io/endpointslice@v0.30.0');
  });

  it('never goes up within the same minor, nor two minors up', async () => {
    const { probe } = fakeProxy({ m: ['v0.29.7', 'v0.31.0'] });
    const choice = await chooseServedVersion('m', 'v0.29.6', probe);
    expect(choice.used).toBeUndefined();
    expect(choice.tried.map((t) => t.version)).not.toContain('v0.29.7');
    expect(choice.tried.map((t) => t.version)).not.toContain('v0.31.0');
    expect(describeSubstitution(choice)).toBe(
      'm v0.29.6 not served, and no other version of it near that one is',
    );
  });

  it('finds a next-minor patch beyond the enumerated ones when the list names it', async () => {
    const { probe } = fakeProxy({ m: ['v0.30.25'] });
    const choice = await chooseServedVersion('m', 'v0.29.0', probe, ['v0.30.25']);
    expect(choice.used).toBe('v0.30.25');
  });

  it('for a pre-release, takes the nearest lower pre-release of the same version', async () => {
    const { probe } = fakeProxy({ m: ['v0.38.0-alpha.0', 'v0.38.0-alpha.3'] });
    const choice = await chooseServedVersion('m', 'v0.38.0-beta.0', probe);
    expect(choice.used).toBe('v0.38.0-alpha.3');
  });

  it('for a pre-release, never reaches for a next minor that cannot exist yet (1.38.0-beta.0)', async () => {
    // k8s.io/apiextensions-api: new in 1.38, served at no version at all.
    const { probe, asked } = fakeProxy({});
    const choice = await chooseServedVersion('k8s.io/apiextensions-api', 'v0.38.0-beta.0', probe);
    expect(choice.used).toBeUndefined();
    expect(asked.some((a) => a.includes('v0.39.'))).toBe(false);
    expect(asked).toHaveLength(1 + 4);
  });
});

describe('fallbackCandidates', () => {
  it('lists the same minor newest first, then the next minor lowest first', () => {
    const [same, next] = fallbackCandidates('v0.32.2', [
      'v0.31.9',
      'v0.32.1-rc.0',
      'v0.33.0-rc.1',
      'v0.34.0',
    ]);
    expect(same).toEqual(['v0.32.1', 'v0.32.0']);
    expect(next?.slice(0, 2)).toEqual(['v0.33.0', 'v0.33.1']);
    expect(next).not.toContain('v0.33.0-rc.1');
    expect(next).not.toContain('v0.34.0');
  });

  it('orders pre-releases rc > beta > alpha, below the release', () => {
    const [same] = fallbackCandidates('v0.38.0-rc.1');
    expect(same?.slice(0, 3)).toEqual(['v0.38.0-rc.0', 'v0.38.0-beta.3', 'v0.38.0-beta.2']);
    expect(same).not.toContain('v0.38.0');
    expect(same).not.toContain('v0.38.0-rc.1');
  });

  it('has nothing to offer for a version it cannot read', () => {
    expect(fallbackCandidates('master')).toEqual([[], []]);
  });
});

describe('compareModuleVersions', () => {
  it('sorts releases and pre-releases as semver does', () => {
    const sorted = [
      'v0.38.0',
      'v0.38.0-rc.1',
      'v0.37.10',
      'v0.38.0-alpha.2',
      'v0.37.9',
      'v0.38.0-beta.0',
    ].sort(compareModuleVersions);
    expect(sorted).toEqual([
      'v0.37.9',
      'v0.37.10',
      'v0.38.0-alpha.2',
      'v0.38.0-beta.0',
      'v0.38.0-rc.1',
      'v0.38.0',
    ]);
  });
});

describe('proxy answers', () => {
  it('tells a refusal from a network failure', () => {
    expect(
      isRefusal(
        'k8s.io/endpointslice@v0.32.13: reading https://proxy.golang.org/k8s.io/endpointslice/@v/v0.32.13.zip: 403 Forbidden\n\tserver response: This module version is not available.',
      ),
    ).toBe(true);
    expect(isRefusal('reading https://proxy.golang.org/m/@v/v1.0.0.zip: 404 Not Found')).toBe(true);
    expect(isRefusal('dial tcp: lookup proxy.golang.org: no such host')).toBe(false);
    expect(isRefusal('read: connection reset by peer')).toBe(false);
  });

  it('reads the back-to-back JSON objects of go mod download -json', () => {
    const stdout = `{
\t"Path": "k8s.io/api",
\t"Version": "v0.32.13",
\t"Dir": "/root/go/pkg/mod/k8s.io/api@v0.32.13"
}
{
\t"Path": "k8s.io/endpointslice",
\t"Version": "v0.32.13",
\t"Error": "403 Forbidden {not} \\"available\\"",
\t"Origin": {"VCS": "git"}
}
`;
    const records = parseDownloadJson(stdout);
    expect(records.map((r) => r.Path)).toEqual(['k8s.io/api', 'k8s.io/endpointslice']);
    expect(records[1]?.Error).toBe('403 Forbidden {not} "available"');
    expect(parseDownloadJson('')).toEqual([]);
  });
});

describe('blamedSubstitution', () => {
  const subs = [
    { module: 'k8s.io/endpointslice', wanted: 'v0.29.6', used: 'v0.30.0', tried: [] },
    { module: 'k8s.io/legacy-cloud-providers', wanted: 'v0.29.6', used: 'v0.30.0', tried: [] },
  ];

  it('names the substituted module a compile error points into', () => {
    const output = `k8s.io/api/core/v1
# k8s.io/legacy-cloud-providers/gce
k8s.io/legacy-cloud-providers@v0.30.0/gce/gce.go:42:2: undefined: cloudprovider.Foo
`;
    expect(blamedSubstitution(output, subs)?.module).toBe('k8s.io/legacy-cloud-providers');
  });

  it('blames nobody when the error is elsewhere or the module is only compiled', () => {
    const output = `k8s.io/endpointslice
k8s.io/kubernetes/pkg/foo/bar.go:1:1: undefined: x
`;
    expect(blamedSubstitution(output, subs)).toBeUndefined();
    expect(blamedSubstitution('', subs)).toBeUndefined();
  });
});

describe('describeSubstitution', () => {
  it('says what stood in for what, as reports quote it', () => {
    expect(
      describeSubstitution({ module: 'k8s.io/endpointslice', wanted: 'v0.32.13', used: 'v0.32.12' }),
    ).toBe('k8s.io/endpointslice v0.32.12 in place of v0.32.13, not served');
  });
});

describe('markInBuild', () => {
  it('tells the stand-ins the build uses from those no built package imports', () => {
    const subs = [
      { module: 'k8s.io/endpointslice', wanted: 'v0.32.13', used: 'v0.32.12', tried: [] },
      { module: 'k8s.io/sample-apiserver', wanted: 'v0.32.13', used: 'v0.32.5', tried: [] },
    ];
    const marked = markInBuild(subs, new Set(['k8s.io/api', 'k8s.io/endpointslice']));
    expect(marked.map((s) => [s.module, s.inBuild])).toEqual([
      ['k8s.io/endpointslice', true],
      ['k8s.io/sample-apiserver', false],
    ]);
  });
});

describe('refusedInOutput', () => {
  it('lists each module version go mod tidy says the proxy refused, once', () => {
    const output = `go: k8s.io/kubernetes/cmd/kube-apiserver imports
\tk8s.io/kubernetes/cmd/kube-apiserver/app imports
\tk8s.io/apiextensions-api/pkg/apis/apiextensions/v1: k8s.io/apiextensions-api@v0.38.0-beta.0: reading https://proxy.golang.org/k8s.io/apiextensions-api/@v/v0.38.0-beta.0.zip: 403 Forbidden
\tserver response: This module version is not available.
go: k8s.io/kubernetes/cmd/kube-apiserver imports
\tsigs.k8s.io/structured-merge-diff/v7/value: sigs.k8s.io/structured-merge-diff/v7@v7.0.1: reading https://proxy.golang.org/sigs.k8s.io/structured-merge-diff/v7/@v/v7.0.1.zip: 403 Forbidden
\tk8s.io/apiextensions-api/pkg/client: k8s.io/apiextensions-api@v0.38.0-beta.0: reading https://proxy.golang.org/k8s.io/apiextensions-api/@v/v0.38.0-beta.0.zip: 403 Forbidden
`;
    expect(refusedInOutput(output)).toEqual([
      { module: 'k8s.io/apiextensions-api', version: 'v0.38.0-beta.0' },
      { module: 'sigs.k8s.io/structured-merge-diff/v7', version: 'v7.0.1' },
    ]);
    expect(refusedInOutput('k8s.io/api\nok')).toEqual([]);
  });
});
