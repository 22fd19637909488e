import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_IMAGE, TEST_IMAGE } from '../config.js';
import { ExitCode, UserError } from '../errors.js';
import { imagesOf, loadPodManifest, substituteImage } from './manifest.js';

const MANIFESTS = resolve(fileURLToPath(import.meta.url), '../../../manifests');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifest-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function manifestFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The UserError loading `path` throws, checked to be a bad-manifest error. */
async function loadError(path: string): Promise<UserError> {
  const error = await loadPodManifest(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(ExitCode.badManifest);
  expect((error as UserError).exitCode).toBe(3);
  return error as UserError;
}

const pod = (spec: string, metadata = 'metadata:\n  name: p\n') =>
  `apiVersion: v1\nkind: Pod\n${metadata}spec:\n${spec}`;
const SIDECAR = '  initContainers:\n  - name: sidecar\n    image: busybox\n    restartPolicy: Always\n';
const APP = '  containers:\n  - name: app\n    image: busybox\n';

describe('loadPodManifest on the reference manifests', () => {
  const expected = [
    ['file1-sidecar-container-example.yaml', 'sidecar-container-example', 'Always', ['sidecar']],
    [
      'file2-sidecar-container-order-example.yaml',
      'sidecar-container-order-example',
      'Always',
      ['first-sidecar', 'second-sidecar'],
    ],
    [
      'file3-sidecar-container-exit-example.yaml',
      'sidecar-container-exit-example',
      'Never',
      ['first-sidecar', 'second-sidecar'],
    ],
    [
      'file4-sidecar-container-liveness-fail-example.yaml',
      'sidecar-container-liveness-fail-example',
      'Always',
      ['sidecar'],
    ],
    [
      'file5-sidecar-container-readiness-fail-example.yaml',
      'sidecar-container-readiness-fail-example',
      'Always',
      ['sidecar'],
    ],
  ] as const;

  it.each(expected)('%s: one Pod with its sidecars in order', async (file, name, restartPolicy, sidecars) => {
    const path = join(MANIFESTS, file);
    const manifest = await loadPodManifest(path);
    expect(manifest.path).toBe(path);
    expect(manifest.pod.kind).toBe('Pod');
    expect(manifest.shape).toEqual({
      name,
      restartPolicy,
      sidecars: [...sidecars],
      initContainers: [],
      apps: ['app'],
    });
    expect(imagesOf(manifest.pod)).toEqual([...sidecars, 'app'].map(() => REFERENCE_IMAGE));
  });

  it('keeps the probes of File 4 as written', async () => {
    const { pod } = await loadPodManifest(
      join(MANIFESTS, 'file4-sidecar-container-liveness-fail-example.yaml'),
    );
    const sidecar = pod.spec?.initContainers?.[0];
    expect(sidecar?.livenessProbe?.exec?.command).toEqual(['sh', '-c', 'exit 1']);
    expect(sidecar?.readinessProbe?.exec?.command).toEqual(['sh', '-c', 'exit 0']);
  });
});

describe('loadPodManifest errors name the file and the problem', () => {
  it('a missing file', async () => {
    const path = join(dir, 'nowhere.yaml');
    expect((await loadError(path)).message).toBe(`Manifest ${path} does not exist.`);
  });

  it('a directory', async () => {
    expect((await loadError(dir)).message).toMatch(new RegExp(`^Cannot read manifest ${dir}: .*EISDIR`));
  });

  it('invalid YAML, with the first line of the parser message only', async () => {
    const path = await manifestFile('invalid.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p\n');
    const { message } = await loadError(path);
    expect(message).toMatch(new RegExp(`^Manifest ${path} is not valid YAML: .+\\.$`));
    expect(message).not.toContain('\n');
  });

  it('a Deployment instead of a Pod', async () => {
    const path = await manifestFile(
      'deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n' +
        '      containers:\n      - name: app\n        image: busybox\n',
    );
    expect((await loadError(path)).message).toBe(
      `Manifest ${path} holds no Pod (found: Deployment); give a file with one kind: Pod.`,
    );
  });

  it('an empty file', async () => {
    const path = await manifestFile('empty.yaml', '');
    expect((await loadError(path)).message).toBe(
      `Manifest ${path} holds no Pod (found: nothing); give a file with one kind: Pod.`,
    );
  });

  it('two Pods', async () => {
    const path = await manifestFile(
      'two.yaml',
      `${pod(SIDECAR + APP)}---\n${pod(SIDECAR + APP, 'metadata:\n  name: q\n')}`,
    );
    expect((await loadError(path)).message).toBe(`Manifest ${path} holds 2 Pods; give one Pod per file.`);
  });

  it('a Pod without sidecar: an init container without restartPolicy Always', async () => {
    const plainInit = '  initContainers:\n  - name: setup\n    image: busybox\n';
    const path = await manifestFile('no-sidecar.yaml', pod(plainInit + APP));
    expect((await loadError(path)).message).toBe(
      `Manifest ${path}: Pod p has no sidecar (an initContainer with restartPolicy: Always).`,
    );
  });

  it('a Pod without metadata.name', async () => {
    const path = await manifestFile('no-name.yaml', pod(SIDECAR + APP, 'metadata:\n  labels: {a: b}\n'));
    expect((await loadError(path)).message).toBe(`Manifest ${path}: the Pod has no metadata.name.`);
  });

  it('a Pod without containers', async () => {
    const path = await manifestFile('no-containers.yaml', pod(SIDECAR));
    expect((await loadError(path)).message).toBe(`Manifest ${path}: the Pod has no spec.containers.`);
  });

  it('a Pod of another apiVersion', async () => {
    const path = await manifestFile(
      'v2.yaml',
      pod(SIDECAR + APP).replace('apiVersion: v1', 'apiVersion: v2'),
    );
    expect((await loadError(path)).message).toBe(`Manifest ${path}: a Pod has apiVersion v1, not v2.`);
  });
});

describe('loadPodManifest on files shaped as people write them', () => {
  it('takes the one Pod among other objects', async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n';
    const path = await manifestFile('mixed.yaml', `${configMap}---\n${pod(SIDECAR + APP)}`);
    expect((await loadPodManifest(path)).shape.sidecars).toEqual(['sidecar']);
  });

  it('accepts a leading document separator', async () => {
    const path = await manifestFile('leading.yaml', `---\n${pod(SIDECAR + APP)}`);
    expect((await loadPodManifest(path)).shape.name).toBe('p');
  });

  // `kubectl apply` accepts these; the loader means to skip empty documents (it filters null).
  it('accepts a trailing document separator and empty documents', async () => {
    const path = await manifestFile('trailing.yaml', `${pod(SIDECAR + APP)}---\n`);
    expect((await loadPodManifest(path)).shape.name).toBe('p');
    const empty = await manifestFile('empty-doc.yaml', `---\n# the Pod\n---\n${pod(SIDECAR + APP)}`);
    expect((await loadPodManifest(empty)).shape.name).toBe('p');
  });
});

describe('substituteImage and imagesOf', () => {
  it('replaces only the matching image and leaves the input untouched', async () => {
    const text = pod(
      '  initContainers:\n  - name: setup\n    image: alpine:3\n  - name: sidecar\n    image: nicolaka/netshoot:v0.14\n' +
        '    restartPolicy: Always\n  containers:\n  - name: app\n    image: nicolaka/netshoot:v0.14\n' +
        '  - name: other\n    image: nicolaka/netshoot:v0.13\n',
    );
    const { pod: original } = await loadPodManifest(await manifestFile('images.yaml', text));
    const before = structuredClone(original);
    const swapped = substituteImage(original, REFERENCE_IMAGE, TEST_IMAGE);
    expect(imagesOf(swapped)).toEqual(['alpine:3', TEST_IMAGE, TEST_IMAGE, 'nicolaka/netshoot:v0.13']);
    expect(original).toEqual(before);
    expect(imagesOf(original)).toEqual([
      'alpine:3',
      REFERENCE_IMAGE,
      REFERENCE_IMAGE,
      'nicolaka/netshoot:v0.13',
    ]);
    expect(swapped.spec?.initContainers?.[1]?.restartPolicy).toBe('Always');
  });

  it('copies a Pod with no image to replace unchanged', async () => {
    const { pod: original } = await loadPodManifest(
      join(MANIFESTS, 'file2-sidecar-container-order-example.yaml'),
    );
    const copy = substituteImage(original, 'busybox', TEST_IMAGE);
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
  });

  it('lists no image for containers without one', () => {
    expect(imagesOf({ spec: { containers: [{ name: 'app' }] } })).toEqual([]);
    expect(imagesOf({})).toEqual([]);
  });
});

describe('agnhostFor', () => {
  it("runs the agnhost of the cluster's version in place of the default version's the manifests name", async () => {
    const { agnhostFor } = await import('./manifest.js');
    const { AGNHOST_IMAGE, defaults, TEST_IMAGE } = await import('../config.js');
    const pod = {
      spec: {
        initContainers: [{ name: 'web', image: AGNHOST_IMAGE(defaults.kubernetesVersion) }],
        containers: [{ name: 'main', image: TEST_IMAGE }],
      },
    };
    const on129 = agnhostFor(pod, 'v1.29.6');
    expect(on129.spec?.initContainers?.[0]?.image).toBe('localhost/sidecar-conformance/agnhost:v1.29.6');
    expect(on129.spec?.containers?.[0]?.image).toBe(TEST_IMAGE);
    expect(agnhostFor(pod, `v${defaults.kubernetesVersion}`)).toBe(pod);
    expect(agnhostFor(pod, undefined)).toBe(pod);
    expect(pod.spec.initContainers[0]?.image).toBe(AGNHOST_IMAGE(defaults.kubernetesVersion));
  });
});
