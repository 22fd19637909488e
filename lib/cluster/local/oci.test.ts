import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTAINERD_IMAGE_NAME,
  OCI_REF_NAME,
  buildOciArchive,
  mediaTypes,
  ociPlatform,
  parseReference,
  writeOciArchive,
  type ImageSpec,
} from './oci.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

const spec: ImageSpec = {
  reference: 'localhost/sidecar-conformance/example:1.0',
  entries: [
    { type: 'file', path: 'pause', mode: 0o755, content: Buffer.from('not really a binary') },
    { type: 'directory', path: 'tmp', mode: 0o1777 },
  ],
  entrypoint: ['/pause'],
  cmd: ['--flag'],
  env: ['PATH=/bin'],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oci-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Unpacks with system tar, so the layout is checked independently of our own tar writer. */
async function unpack(archivePath: string) {
  const root = join(dir, 'layout');
  await mkdir(root);
  await execa('tar', ['-xf', archivePath, '-C', root]);
  const readBlob = (digest: string) =>
    readFile(join(root, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
  const readJson = async (path: string) => JSON.parse(await readFile(join(root, path), 'utf8')) as unknown;
  return { root, readBlob, readJson };
}

describe('writeOciArchive', () => {
  it('writes an image layout whose descriptors match the blobs they point to', async () => {
    const out = join(dir, 'image.oci.tar');
    const { manifestDigest, configDigest } = await writeOciArchive(spec, out);
    const { root, readBlob, readJson } = await unpack(out);

    expect(await readJson('oci-layout')).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = (await readJson('index.json')) as { mediaType: string; manifests: Descriptor[] };
    expect(index.mediaType).toBe(mediaTypes.index);
    expect(index.manifests).toHaveLength(1);
    const [entry] = index.manifests as [Descriptor];
    expect(entry.mediaType).toBe(mediaTypes.manifest);
    expect(entry.digest).toBe(manifestDigest);
    expect(entry.platform).toEqual({ architecture: ociPlatform().architecture, os: 'linux' });
    expect(entry.annotations).toEqual({
      [CONTAINERD_IMAGE_NAME]: 'localhost/sidecar-conformance/example:1.0',
      [OCI_REF_NAME]: '1.0',
    });

    const manifestBytes = await readBlob(entry.digest);
    expect(sha256(manifestBytes)).toBe(entry.digest);
    expect(manifestBytes.length).toBe(entry.size);
    const manifest = JSON.parse(manifestBytes.toString()) as { config: Descriptor; layers: Descriptor[] };
    expect(manifest.config.digest).toBe(configDigest);
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([mediaTypes.layer]);

    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const bytes = await readBlob(descriptor.digest);
      expect(sha256(bytes)).toBe(descriptor.digest);
      expect(bytes.length).toBe(descriptor.size);
    }
    // Exactly the three blobs, nothing stray.
    expect((await readdir(join(root, 'blobs', 'sha256'))).sort()).toEqual(
      [entry.digest, manifest.config.digest, manifest.layers[0]?.digest]
        .map((digest) => digest?.replace('sha256:', ''))
        .sort(),
    );
  });

  it('records the uncompressed layer digest as diff_id and the run settings in the config', async () => {
    const out = join(dir, 'image.oci.tar');
    const { configDigest } = await writeOciArchive(spec, out);
    const { readBlob } = await unpack(out);
    const config = JSON.parse((await readBlob(configDigest)).toString()) as {
      architecture: string;
      os: string;
      config: Record<string, unknown>;
      rootfs: { type: string; diff_ids: string[] };
    };
    const { layerDigest } = buildOciArchive(spec);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [layerDigest] });
    expect(sha256(await readBlob(layerDigest))).toBe(config.rootfs.diff_ids[0]);
    expect(config.os).toBe('linux');
    expect(config.architecture).toBe(ociPlatform().architecture);
    expect(config.config).toEqual({ Env: ['PATH=/bin'], Entrypoint: ['/pause'], Cmd: ['--flag'] });

    const layer = join(dir, 'layer.tar');
    await copyFile(join(dir, 'layout', 'blobs', 'sha256', layerDigest.replace('sha256:', '')), layer);
    const { stdout } = await execa('tar', ['-tf', layer]);
    expect(stdout.split('\n')).toEqual(['pause', 'tmp/']);
  });

  it('leaves Entrypoint and Cmd out when not given', () => {
    const { archive, configDigest } = buildOciArchive({ reference: spec.reference, entries: spec.entries });
    const hex = configDigest.replace('sha256:', '');
    expect(archive.includes(Buffer.from(hex))).toBe(true);
    expect(archive.includes(Buffer.from('"Entrypoint"'))).toBe(false);
    expect(archive.includes(Buffer.from('"Cmd"'))).toBe(false);
  });

  it('gives the same digests and bytes for the same spec', async () => {
    const first = await writeOciArchive(spec, join(dir, 'a.tar'));
    const second = await writeOciArchive(
      { ...spec, entries: [...spec.entries].reverse() },
      join(dir, 'b.tar'),
    );
    expect(second).toEqual(first);
    expect(await readFile(join(dir, 'a.tar'))).toEqual(await readFile(join(dir, 'b.tar')));
    const other = buildOciArchive({ ...spec, reference: 'localhost/sidecar-conformance/example:2.0' });
    expect(other.manifestDigest).toBe(first.manifestDigest); // the name lives in index.json only
  });
});

describe('parseReference', () => {
  it('splits a full reference into repository and tag', () => {
    expect(parseReference('localhost/sidecar-conformance/busybox:1.35')).toEqual({
      repository: 'localhost/sidecar-conformance/busybox',
      tag: '1.35',
    });
    expect(parseReference('registry.example:5000/a/b-c:v1')).toEqual({
      repository: 'registry.example:5000/a/b-c',
      tag: 'v1',
    });
  });

  it('refuses names containerd would read as Docker Hub images, and untagged ones', () => {
    for (const bad of ['busybox:1.35', 'library/busybox:1.35', 'localhost/busybox', 'localhost/Busybox:1']) {
      expect(() => parseReference(bad), bad).toThrow('registry host');
    }
  });
});

describe('ociPlatform', () => {
  it("maps Node's architecture names to Go's", () => {
    expect(ociPlatform('x64')).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(ociPlatform('arm64')).toEqual({ architecture: 'arm64', os: 'linux' });
    expect(() => ociPlatform('mips')).toThrow('mips');
  });
});
