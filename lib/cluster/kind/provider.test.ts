import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGNHOST_IMAGE, KIND_NODE_IMAGE, TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { ExitCode, UserError } from '../../errors.js';
import { FakeKindHost } from '../../testing/fake-kind.js';
import { clusterFacts, nodeOperationsOf } from '../../run/node.js';
import { notApplicable } from '../../scenarios/requirements.js';
import type { ClusterProvider } from '../provider.js';
import { KindProvider, type KindProviderOptions } from './provider.js';

let root: string;
let host: FakeKindHost;
let kindBinary: string;
const NAME = 'sc-test';
const IMAGE = KIND_NODE_IMAGE('1.37.2');
const ARCHIVES = [
  { reference: TEST_IMAGE, archive: '/cache/images/busybox-1.oci.tar' },
  { reference: TEST_IMAGE_B, archive: '/cache/images/busybox-b-1.oci.tar' },
  { reference: AGNHOST_IMAGE('1.37.2'), archive: '/cache/images/agnhost-v1.37.2-1.oci.tar' },
];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sc-kind-'));
  kindBinary = join(root, 'cache', 'bin', 'kind-v0.32.0', 'kind');
  await mkdir(join(kindBinary, '..'), { recursive: true });
  await writeFile(kindBinary, '#!/bin/sh\nexit 99\n');
  await chmod(kindBinary, 0o755);
  host = new FakeKindHost();
  host.nodeImages.add(IMAGE);
  for (const { reference, archive } of ARCHIVES) host.archiveRefs.set(archive, reference);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function provider(options: Partial<KindProviderOptions> = {}): KindProvider {
  return new KindProvider({
    name: NAME,
    kubernetesVersion: '1.37.2',
    runner: host.runner,
    stateRoot: join(root, 'state'),
    cacheRoot: join(root, 'cache'),
    env: { PATH: '' },
    waitReady: async () => undefined,
    imageArchives: async () => ARCHIVES,
    ...options,
  });
}

async function thrown(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const kindCalls = () => host.lines().filter((l) => l.startsWith('kind '));

describe('KindProvider up', () => {
  it('creates a missing cluster from kind-config.yaml and the version’s node image, marks it, writes its kubeconfig and loads the local images', async () => {
    const p = provider({ featureGates: { RestartAllContainersOnContainerExits: true } });
    const lines: string[] = [];
    const kubeconfig = await p.up({ onProgress: (l) => lines.push(l) });
    expect(kubeconfig).toBe(join(root, 'state', 'kind', NAME, 'kubeconfig'));
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);
    expect(await readFile(kubeconfig, 'utf8')).toContain('server: https://127.0.0.1:40000');
    const config = join(root, 'state', 'kind', NAME, 'kind-config.yaml');
    expect(kindCalls()).toContain(
      `kind create cluster --name ${NAME} --config ${config} --image ${IMAGE} --kubeconfig ${kubeconfig} --retain`,
    );
    const written = await readFile(config, 'utf8');
    expect(written).toContain(`name: ${NAME}`);
    expect(written).toMatch(/featureGates:\n {2}RestartAllContainersOnContainerExits: true/);
    expect(written).toContain('role: control-plane');
    const marker = JSON.parse(await readFile(p.paths.marker, 'utf8'));
    expect(marker).toMatchObject({ nodeImage: IMAGE, kubernetesVersion: '1.37.2' });
    expect(kindCalls().filter((l) => l.startsWith('kind load image-archive'))).toEqual(
      ARCHIVES.map((a) => `kind load image-archive ${a.archive} --name ${NAME}`),
    );
    expect(lines.join('\n')).toMatch(
      /creating kind cluster sc-test from localhost\/sidecar-conformance\/kind-node:v1\.37\.2 \(docker, feature gates RestartAllContainersOnContainerExits=true\)/,
    );
    expect(lines.at(-1)).toMatch(/^kind cluster sc-test is up \(created from /);
    expect(await p.status()).toMatchObject({ running: true, provider: 'kind' });
  });

  it('takes --node-image over the version’s tag', async () => {
    host.nodeImages.add('kindest/node:v1.36.1');
    await provider({ nodeImage: 'kindest/node:v1.36.1' }).up();
    expect(kindCalls().find((l) => l.startsWith('kind create'))).toContain('--image kindest/node:v1.36.1 ');
  });

  it('reuses a cluster it did not create, and never deletes it: not at down, not when its up fails', async () => {
    host.clusters.add(NAME);
    host.nodeImagesIn.set(NAME, new Set(ARCHIVES.map((a) => a.reference)));
    const p = provider();
    const lines: string[] = [];
    await p.up({ onProgress: (l) => lines.push(l) });
    expect(kindCalls().some((l) => l.startsWith('kind create'))).toBe(false);
    expect(lines[0]).toBe(
      `reusing kind cluster ${NAME}, which sidecar-conformance did not create (it never deletes it)`,
    );
    // Images of those names were there, but not loaded by this harness: its own are loaded over them, once.
    expect(kindCalls().filter((l) => l.startsWith('kind load')).length).toBe(3);
    await p.up();
    expect(kindCalls().filter((l) => l.startsWith('kind load')).length).toBe(3);
    const refused = await thrown(p.down());
    expect(refused.exitCode).toBe(ExitCode.usage);
    expect(refused.message).toBe(
      `Kind cluster ${NAME} was not created by sidecar-conformance (no marker in ${p.paths.dir}), so it is left running; \`kind delete cluster --name ${NAME}\` deletes it.`,
    );
    const failing = provider({
      waitReady: async () =>
        Promise.reject(new Error('timed out after 180000 ms waiting for the kind node to be Ready')),
    });
    const failed = await thrown(failing.up({ diagnosticsDir: join(root, 'reports', 'run-1') }));
    expect(failed.exitCode).toBe(ExitCode.clusterStartFailed);
    expect(failed.message).toContain('(it existed before this up and is left running)');
    expect(kindCalls().some((l) => l.startsWith('kind delete'))).toBe(false);
    expect(host.clusters.has(NAME)).toBe(true);
  });

  it('reuses a cluster it created earlier (kept with --keep-cluster), and down deletes it then', async () => {
    const p = provider();
    await p.up();
    const creates = () => kindCalls().filter((l) => l.startsWith('kind create')).length;
    expect(creates()).toBe(1);
    const lines: string[] = [];
    await provider().up({ onProgress: (l) => lines.push(l) });
    expect(creates()).toBe(1);
    expect(lines[0]).toMatch(/^reusing kind cluster sc-test \(created by sidecar-conformance at \d{4}-/);
    await p.down();
    expect(kindCalls().at(-1)).toBe(`kind delete cluster --name ${NAME} --kubeconfig ${p.kubeconfigPath()}`);
    expect(host.clusters.has(NAME)).toBe(false);
    await expect(stat(p.paths.marker)).rejects.toThrow();
    // Down again: nothing there, nothing deleted.
    const again: string[] = [];
    await p.down({ onProgress: (l) => again.push(l) });
    expect(again).toEqual([`no kind cluster ${NAME}; nothing to take down`]);
  });

  it('refuses to reuse its own cluster of another version or without the gates asked for', async () => {
    await provider({ kubernetesVersion: '1.36.3', nodeImage: IMAGE }).up();
    const error = await thrown(provider().up());
    expect(error.exitCode).toBe(ExitCode.clusterStartFailed);
    expect(error.message).toBe(
      `Kind cluster ${NAME} already runs with Kubernetes 1.36.3, not 1.37.2; take it down first (sidecar-conformance cluster down --provider kind --name ${NAME}).`,
    );
  });

  it('names the command that builds a missing node image (exit 5), and creates nothing', async () => {
    host.nodeImages.clear();
    const error = await thrown(provider().up());
    expect(error.exitCode).toBe(ExitCode.missingDependency);
    expect(error.message).toBe(
      `Node image ${IMAGE} is not in docker's images; build it with \`sidecar-conformance node-image build --version 1.37.2\`, or pass --node-image REF (or use --provider local).`,
    );
    expect(kindCalls().some((l) => l.startsWith('kind create'))).toBe(false);
    await expect(stat(provider().paths.marker)).rejects.toThrow();
  });

  it('exports kind’s logs into the run’s reports when create fails, names them, and deletes what it created', async () => {
    host.createFails =
      'failed to init node with kubeadm: command "docker exec --privileged sc-test-control-plane kubeadm init" failed with error: exit status 1';
    const reports = join(root, 'reports', 'run-1');
    const error = await thrown(provider().up({ diagnosticsDir: reports }));
    const logs = join(reports, `kind-logs-${NAME}`);
    expect(error.exitCode).toBe(ExitCode.clusterStartFailed);
    expect(error.message).toMatch(
      /^Kind cluster sc-test did not come up: `kind create cluster .*` exited 1: ERROR: failed to create cluster: failed to init node with kubeadm: .*; kind export logs wrote the node's logs to /,
    );
    expect(error.message.endsWith(`${logs}.`)).toBe(true);
    expect(error.message.split('. ').length).toBe(1);
    expect(await readdir(join(logs, `${NAME}-control-plane`))).toEqual(['kubelet.log']);
    const order = kindCalls().map((l) => l.split(' ').slice(0, 3).join(' '));
    expect(order.indexOf('kind export logs')).toBeLessThan(order.indexOf('kind delete cluster'));
    expect(host.clusters.has(NAME)).toBe(false);
    await expect(stat(provider().paths.marker)).rejects.toThrow();
  });

  it('puts the logs under its state directory when no reports directory is known', async () => {
    const error = await thrown(
      provider({
        waitReady: async () => Promise.reject(new Error('node sc-test-control-plane is not Ready')),
      }).up(),
    );
    const dir = /logs to (\S+)\.$/.exec(error.message)?.[1] ?? '';
    expect(dir.startsWith(join(root, 'state', 'kind', NAME, 'logs'))).toBe(true);
    expect(error.message).toContain('did not come up: node sc-test-control-plane is not Ready;');
    expect(host.clusters.has(NAME)).toBe(false);
  });

  it('deletes the cluster it was creating on Ctrl-C (the signal), without exporting logs', async () => {
    host.createHangs = true;
    const controller = new AbortController();
    const up = provider().up({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(up).rejects.toThrow(/was interrupted/);
    expect(kindCalls().at(-1)).toMatch(/^kind delete cluster --name sc-test /);
    expect(kindCalls().some((l) => l.startsWith('kind export'))).toBe(false);
    expect(host.clusters.has(NAME)).toBe(false);
  });

  it('deletes what it created when interrupted while waiting for the node', async () => {
    const controller = new AbortController();
    const waitReady = (_k: string, _p: unknown, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) =>
        signal?.addEventListener(
          'abort',
          () => reject(new Error('interrupted while waiting for the kind node')),
          { once: true },
        ),
      );
    const up = provider({ waitReady }).up({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(up).rejects.toThrow('interrupted while waiting for the kind node');
    expect(host.clusters.has(NAME)).toBe(false);
  });

  it('loads only images the node lacks or whose archive changed, and none when the run uses no local image', async () => {
    const p = provider();
    await p.up();
    const loads = () => kindCalls().filter((l) => l.startsWith('kind load')).length;
    expect(loads()).toBe(3);
    await provider().up();
    expect(loads()).toBe(3);
    const changed = ARCHIVES.map((a, i) =>
      i === 0 ? { ...a, archive: '/cache/images/busybox-2.oci.tar' } : a,
    );
    host.archiveRefs.set('/cache/images/busybox-2.oci.tar', TEST_IMAGE);
    await provider({ imageArchives: async () => changed }).up();
    expect(
      kindCalls()
        .filter((l) => l.startsWith('kind load'))
        .at(-1),
    ).toBe(`kind load image-archive /cache/images/busybox-2.oci.tar --name ${NAME}`);
    const before = loads();
    await provider({ imageArchives: async () => Promise.reject(new Error('not called')) }).up({
      localImages: false,
    });
    expect(loads()).toBe(before);
  });

  it('drives podman when docker does not answer, telling kind so', async () => {
    host.engines = { podman: '4.3.1' };
    host.deadEngines.add('docker');
    await provider().up();
    const create = host.calls.find((c) => c.line.startsWith('kind create'));
    expect(create?.env).toEqual({ KIND_EXPERIMENTAL_PROVIDER: 'podman' });
    expect(provider().runtime()?.source).toBe(
      `crictl inspect (podman exec ${NAME}-control-plane, unix:///run/containerd/containerd.sock)`,
    );
  });
});

describe('KindProvider without kind or an engine', () => {
  it('is one sentence naming setup --kind (exit 5) when no kind binary is found', async () => {
    await rm(join(root, 'cache', 'bin'), { recursive: true });
    const error = await thrown(provider().up());
    expect(error.exitCode).toBe(ExitCode.missingDependency);
    expect(error.message).toBe(
      `The kind provider needs a kind binary (none on PATH or in ${join(root, 'cache', 'bin', 'kind-v*')}); run \`sidecar-conformance setup --kind\` as root to install them.`,
    );
    expect((await provider().status()).running).toBe(false);
  });

  it('is one sentence naming what each engine said when none answers', async () => {
    host.engines = {};
    host.deadEngines.add('docker');
    const error = await thrown(provider().down());
    expect(error.exitCode).toBe(ExitCode.missingDependency);
    expect(error.message).toBe(
      'The kind provider needs a working container engine (`docker info` failed (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); podman is not installed); run `sidecar-conformance setup --kind` as root to install them.',
    );
  });
});

describe('KindProvider runtime and node operations', () => {
  it('reads container times through crictl in the node once an up has found it; none before', async () => {
    const p = provider();
    expect(p.runtime()).toBeUndefined();
    await p.up();
    expect(p.runtime()?.source).toBe(
      `crictl inspect (docker exec ${NAME}-control-plane, unix:///run/containerd/containerd.sock)`,
    );
    // A provider rebuilt from plain settings (as the live suites do) finds it too.
    expect(provider().runtime()?.source).toBe(p.runtime()?.source);
  });

  it('makes no node operations, so the scenarios that need one are not applicable, with the reason', () => {
    const node = nodeOperationsOf(provider() as ClusterProvider, () => undefined);
    expect(node).toBeUndefined();
    const facts = clusterFacts('v1.37.2', undefined, node);
    expect(facts.nodeOperations).toEqual([]);
    expect(notApplicable({ nodeOperations: ['reboot-node'] }, facts)).toMatch(
      /^not applicable on this cluster: it needs .*reboot/,
    );
  });
});
