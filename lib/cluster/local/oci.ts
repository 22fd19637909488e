import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { writeTar, type TarEntry } from './tar.js';

/**
 * Writes a single-platform image as an OCI image-layout tar (`oci-layout`, `index.json`,
 * `blobs/sha256/…`) that `ctr images import` takes without any registry. No timestamps anywhere,
 * so the same spec always yields the same digests.
 */

export interface ImageSpec {
  /** Full reference with a registry host and a tag, e.g. `localhost/sidecar-conformance/pause:1.0`. */
  reference: string;
  /** The one layer's contents. */
  entries: TarEntry[];
  entrypoint?: string[];
  cmd?: string[];
  /** `KEY=value` lines; defaults to the usual Linux PATH. */
  env?: string[];
}

export interface OciArchive {
  archive: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
}

export const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/**
 * containerd names an imported image after this annotation, verbatim (1.6 client import and 2.x
 * transfer service alike); without it a tag-only ref.name becomes `import-<date>:<tag>`.
 */
export const CONTAINERD_IMAGE_NAME = 'io.containerd.image.name';
/** OCI's own name annotation; containerd's exporter writes only the tag here, and so do we. */
export const OCI_REF_NAME = 'org.opencontainers.image.ref.name';

const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

const GOARCH: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** The OCI platform of this machine (Go's architecture names, as containerd matches them). */
export function ociPlatform(arch: NodeJS.Architecture = process.arch): { architecture: string; os: 'linux' } {
  const architecture = GOARCH[arch];
  if (!architecture) throw new Error(`no OCI architecture name known for Node's ${arch}`);
  return { architecture, os: 'linux' };
}

/**
 * Splits `host[:port]/path:tag` into repository and tag. The host must look like one (a dot, a
 * port or `localhost`): otherwise containerd and the kubelet would read the name as Docker Hub's.
 */
export function parseReference(reference: string): { repository: string; tag: string } {
  const match =
    /^((?:[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::\d+)?)\/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*):(\w[\w.-]{0,127})$/.exec(
      reference,
    );
  const host = match?.[1] ?? '';
  if (!match || !(host === 'localhost' || host.includes('.') || host.includes(':'))) {
    throw new Error(
      `image reference ${JSON.stringify(reference)} is not of the form host/path:tag with a registry host (e.g. localhost/name:1.0)`,
    );
  }
  return { repository: `${host}/${match[2]}`, tag: match[3] ?? '' };
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function blob(data: Buffer): { digest: string; size: number; data: Buffer } {
  return { digest: sha256(data), size: data.length, data };
}

/** The archive's bytes and digests, in memory (images here are a few MB). */
export function buildOciArchive(image: ImageSpec): OciArchive {
  const { tag } = parseReference(image.reference);
  const platform = ociPlatform();

  // Uncompressed, so the layer digest is also its diff_id.
  const layer = blob(writeTar(image.entries));
  const imageConfig: Record<string, unknown> = { Env: image.env ?? DEFAULT_ENV };
  if (image.entrypoint) imageConfig.Entrypoint = image.entrypoint;
  if (image.cmd) imageConfig.Cmd = image.cmd;
  const config = blob(
    json({
      architecture: platform.architecture,
      os: platform.os,
      config: imageConfig,
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const manifest = blob(
    json({
      schemaVersion: 2,
      mediaType: mediaTypes.manifest,
      config: { mediaType: mediaTypes.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: mediaTypes.layer, digest: layer.digest, size: layer.size }],
    }),
  );
  const index = json({
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [
      {
        mediaType: mediaTypes.manifest,
        digest: manifest.digest,
        size: manifest.size,
        platform,
        annotations: { [CONTAINERD_IMAGE_NAME]: image.reference, [OCI_REF_NAME]: tag },
      },
    ],
  });

  const blobEntries = new Map<string, Buffer>();
  for (const { digest, data } of [layer, config, manifest]) blobEntries.set(digest, data);
  const archive = writeTar([
    { type: 'file', path: 'oci-layout', mode: 0o644, content: json({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', mode: 0o644, content: index },
    ...[...blobEntries].map(([digest, data]): TarEntry => ({
      type: 'file',
      path: `blobs/sha256/${digest.slice('sha256:'.length)}`,
      mode: 0o644,
      content: data,
    })),
  ]);
  return { archive, manifestDigest: manifest.digest, configDigest: config.digest, layerDigest: layer.digest };
}

/** Writes the archive to `outPath` (through a temporary name, so a cut-off write is never found there). */
export async function writeOciArchive(
  image: ImageSpec,
  outPath: string,
): Promise<{ manifestDigest: string; configDigest: string }> {
  const { archive, manifestDigest, configDigest } = buildOciArchive(image);
  const partial = `${outPath}.partial-${process.pid}`;
  try {
    await writeFile(partial, archive);
    await rename(partial, outPath);
  } finally {
    await rm(partial, { force: true });
  }
  return { manifestDigest, configDigest };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
