import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../errors.js';
import { ensurePki, privateKeyPaths, type CertKeyPair, type PkiOptions, type PkiPaths } from './pki.js';

const options: PkiOptions = { nodeName: 'sc-node', serviceIp: '10.96.0.1', nodeIp: '10.244.0.1' };

interface CertFacts {
  subject: string;
  altNames: string;
  extendedKeyUsage: string;
  text: string;
}

/** What `openssl x509 -text` says about a certificate, line by line. */
async function describeCert(path: string): Promise<CertFacts> {
  const { stdout: text } = await execa('openssl', ['x509', '-noout', '-text', '-in', path]);
  const after = (heading: string) => {
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.trim().startsWith(heading));
    return at < 0 ? '' : (lines[at + 1] ?? '').trim();
  };
  const subject = /Subject: (.*)/.exec(text)?.[1]?.trim() ?? '';
  return {
    subject,
    altNames: after('X509v3 Subject Alternative Name'),
    extendedKeyUsage: after('X509v3 Extended Key Usage'),
    text,
  };
}

async function mtimes(paths: PkiPaths): Promise<Map<string, number>> {
  const files = [
    ...Object.values(paths).flatMap((entry) =>
      typeof entry === 'string' ? [] : Object.values(entry as CertKeyPair | PkiPaths['serviceAccount']),
    ),
  ];
  const entries = await Promise.all(files.map(async (file) => [file, (await stat(file)).mtimeMs] as const));
  return new Map(entries);
}

describe('ensurePki', () => {
  let dir: string;
  let paths: PkiPaths;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-pki-'));
    paths = await ensurePki(join(dir, 'pki'), options);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const leaves = [
    {
      name: 'apiserver',
      subject: 'CN = kube-apiserver',
      usage: 'TLS Web Server Authentication',
      altNames: [
        'DNS:localhost',
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
        'IP Address:127.0.0.1',
        'IP Address:10.96.0.1',
      ],
    },
    {
      name: 'apiserverKubeletClient',
      subject: 'O = system:masters, CN = kube-apiserver-kubelet-client',
      usage: 'TLS Web Client Authentication',
    },
    {
      name: 'admin',
      subject: 'O = system:masters, CN = sidecar-conformance-admin',
      usage: 'TLS Web Client Authentication',
    },
    {
      name: 'controllerManager',
      subject: 'CN = system:kube-controller-manager',
      usage: 'TLS Web Client Authentication',
    },
    { name: 'scheduler', subject: 'CN = system:kube-scheduler', usage: 'TLS Web Client Authentication' },
    {
      name: 'kubeletClient',
      subject: 'O = system:nodes, CN = system:node:sc-node',
      usage: 'TLS Web Client Authentication',
    },
    {
      name: 'kubeletServing',
      subject: 'CN = sc-node',
      usage: 'TLS Web Server Authentication',
      altNames: ['DNS:sc-node', 'DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:10.244.0.1'],
    },
  ] as const;

  it('returns absolute paths inside the directory', () => {
    expect(paths.dir).toBe(join(dir, 'pki'));
    expect(paths.ca.cert).toBe(join(dir, 'pki', 'ca.crt'));
    expect(paths.apiserverKubeletClient.key).toBe(join(dir, 'pki', 'apiserver-kubelet-client.key'));
    expect(paths.serviceAccount).toEqual({
      privateKey: join(dir, 'pki', 'sa.key'),
      publicKey: join(dir, 'pki', 'sa.pub'),
    });
  });

  it('makes a self-signed CA certificate', async () => {
    const ca = await describeCert(paths.ca.cert);
    expect(ca.subject).toBe('CN = sidecar-conformance-ca');
    expect(ca.text).toMatch(/CA:TRUE/);
    expect(ca.text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });

  it.each(leaves)('$name chains to the CA with its subject, SANs and usage', async (leaf) => {
    const pair = paths[leaf.name];
    const { stdout } = await execa('openssl', ['verify', '-CAfile', paths.ca.cert, pair.cert]);
    expect(stdout).toBe(`${pair.cert}: OK`);
    const facts = await describeCert(pair.cert);
    expect(facts.subject).toBe(leaf.subject);
    expect(facts.extendedKeyUsage).toBe(leaf.usage);
    const altNames = 'altNames' in leaf ? [...leaf.altNames] : [];
    expect(facts.altNames.split(', ').filter(Boolean).sort()).toEqual(altNames.sort());
    expect(facts.text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    // About a year of validity.
    const notAfter = /Not After : (.*)/.exec(facts.text)?.[1] ?? '';
    const days = (Date.parse(notAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
  });

  it('writes a service account key pair whose public half matches', async () => {
    const { stdout: derived } = await execa('openssl', [
      'pkey',
      '-in',
      paths.serviceAccount.privateKey,
      '-pubout',
    ]);
    const { stdout: stored } = await execa('openssl', [
      'pkey',
      '-pubin',
      '-in',
      paths.serviceAccount.publicKey,
    ]);
    expect(derived).toBe(stored);
  });

  it('keeps the directory 0700 and every private key 0600', async () => {
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
    for (const key of privateKeyPaths(paths))
      expect({ key, mode: (await stat(key)).mode & 0o777 }).toEqual({ key, mode: 0o600 });
  });

  it('rewrites nothing when called again', async () => {
    const before = await mtimes(paths);
    await ensurePki(paths.dir, options);
    expect(await mtimes(paths)).toEqual(before);
  });

  it('remakes only a certificate that went missing', async () => {
    const before = await mtimes(paths);
    await unlink(paths.scheduler.cert);
    await ensurePki(paths.dir, options);
    const after = await mtimes(paths);
    const changed = [...after].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file);
    expect(changed.sort()).toEqual([paths.scheduler.cert, paths.scheduler.key].sort());
  });

  it('remakes the kubelet certificates when the node name changes', async () => {
    await ensurePki(paths.dir, { ...options, nodeName: 'other-node' });
    expect((await describeCert(paths.kubeletClient.cert)).subject).toBe(
      'O = system:nodes, CN = system:node:other-node',
    );
    expect((await describeCert(paths.kubeletServing.cert)).altNames).toContain('DNS:other-node');
    await ensurePki(paths.dir, options);
  });

  it('says in one sentence that openssl is missing', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = join(dir, 'no-such-bin');
    try {
      const error = await ensurePki(join(dir, 'pki-without-openssl'), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(ExitCode.missingDependency);
      expect((error as UserError).message).toMatch(/^openssl is not on PATH; .*\.$/);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
