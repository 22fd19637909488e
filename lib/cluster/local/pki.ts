import { X509Certificate, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { clusterStartError, describeError, missingDependencyError } from '../../errors.js';

/**
 * The local cluster's certificates and keys, made with the `openssl` command line tool.
 * EC P-256 keys, SHA-256 signatures, one year of validity: every component here accepts them
 * (Go's TLS stack, and the API server signs service account tokens with ES256).
 */

export interface CertKeyPair {
  cert: string;
  key: string;
}

/** Absolute paths of everything `ensurePki` writes. */
export interface PkiPaths {
  dir: string;
  ca: CertKeyPair;
  /** Serving certificate of kube-apiserver. */
  apiserver: CertKeyPair;
  /** kube-apiserver's client certificate towards the kubelet (logs, exec). */
  apiserverKubeletClient: CertKeyPair;
  /** The harness's own client (system:masters); goes into the admin kubeconfig. */
  admin: CertKeyPair;
  controllerManager: CertKeyPair;
  scheduler: CertKeyPair;
  /** The kubelet's client certificate towards the API server (system:node:<node>). */
  kubeletClient: CertKeyPair;
  /** Serving certificate of the kubelet's port 10250. */
  kubeletServing: CertKeyPair;
  /** Service account token signing key pair (private for the API server and controller-manager). */
  serviceAccount: { privateKey: string; publicKey: string };
}

export interface PkiOptions {
  /** Node name: the kubelet's client identity and a serving-certificate DNS name. */
  nodeName: string;
  /** First address of the service range (10.96.0.1): the in-cluster name of the API server. */
  serviceIp: string;
  /**
   * The node's InternalIP, where the API server reaches the kubelet. The kubelet refuses a loopback
   * node IP, so it is not 127.0.0.1 (see LocalClusterLayout.nodeIp).
   */
  nodeIp: string;
}

type LeafName = Exclude<keyof PkiPaths, 'dir' | 'ca' | 'serviceAccount'>;

interface LeafSpec {
  commonName: string;
  organization?: string;
  usage: 'serverAuth' | 'clientAuth';
  dnsNames: string[];
  ips: string[];
}

const VALIDITY_DAYS = 365;
/** A certificate that would expire within this time is made again. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
const CA_COMMON_NAME = 'sidecar-conformance-ca';
const EXTENDED_KEY_USAGE_OID = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** Where each file lives under `dir`; nothing is read or written. */
export function pkiPaths(dir: string): PkiPaths {
  const root = resolve(dir);
  const pair = (name: string): CertKeyPair => ({
    cert: join(root, `${name}.crt`),
    key: join(root, `${name}.key`),
  });
  return {
    dir: root,
    ca: pair('ca'),
    apiserver: pair('apiserver'),
    apiserverKubeletClient: pair('apiserver-kubelet-client'),
    admin: pair('admin'),
    controllerManager: pair('controller-manager'),
    scheduler: pair('scheduler'),
    kubeletClient: pair('kubelet-client'),
    kubeletServing: pair('kubelet-serving'),
    serviceAccount: { privateKey: join(root, 'sa.key'), publicKey: join(root, 'sa.pub') },
  };
}

function leafSpecs(opts: PkiOptions): Record<LeafName, LeafSpec> {
  const client = (commonName: string, organization?: string): LeafSpec => ({
    commonName,
    organization,
    usage: 'clientAuth',
    dnsNames: [],
    ips: [],
  });
  return {
    apiserver: {
      commonName: 'kube-apiserver',
      usage: 'serverAuth',
      dnsNames: [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ],
      ips: ['127.0.0.1', opts.serviceIp],
    },
    apiserverKubeletClient: client('kube-apiserver-kubelet-client', 'system:masters'),
    admin: client('sidecar-conformance-admin', 'system:masters'),
    controllerManager: client('system:kube-controller-manager'),
    scheduler: client('system:kube-scheduler'),
    kubeletClient: client(`system:node:${opts.nodeName}`, 'system:nodes'),
    kubeletServing: {
      commonName: opts.nodeName,
      usage: 'serverAuth',
      dnsNames: [opts.nodeName, 'localhost'],
      ips: ['127.0.0.1', opts.nodeIp],
    },
  };
}

/**
 * Makes the cluster's CA, certificates and keys in `dir` (mode 0700, keys 0600). Idempotent:
 * a file that is present, chains to the CA, matches its spec and has more than a day left is kept;
 * anything else is made again (a new CA makes every certificate new, since none chains to it).
 */
export async function ensurePki(dir: string, opts: PkiOptions): Promise<PkiPaths> {
  const paths = pkiPaths(dir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await chmod(paths.dir, 0o700);
  const openssl = await opensslRunner(paths.dir);
  const makeKey = async (path: string, what: string) =>
    writeKey(
      path,
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], what),
    );

  const work = await mkdtemp(join(paths.dir, '.tmp-'));
  try {
    let ca = await readValidCa(paths.ca);
    if (!ca) {
      await makeKey(paths.ca.key, 'the CA key');
      const config = await writeTemp(work, 'ca.cnf', caConfig());
      const args = ['req', '-new', '-x509', '-config', config, '-key', paths.ca.key, ...signingArgs()];
      const pem = await openssl(args, 'the CA certificate');
      await writeFile(paths.ca.cert, pem, { mode: 0o644 });
      ca = new X509Certificate(pem);
    }

    const signer = ['-CA', paths.ca.cert, '-CAkey', paths.ca.key];
    for (const [name, spec] of Object.entries(leafSpecs(opts)) as [LeafName, LeafSpec][]) {
      const pair = paths[name];
      if (await isValidLeaf(pair, spec, ca)) continue;
      await makeKey(pair.key, `the ${name} key`);
      const config = await writeTemp(work, `${name}.cnf`, leafConfig(spec));
      const csr = await openssl(['req', '-new', '-config', config, '-key', pair.key], `the ${name} request`);
      const args = ['x509', '-req', ...signer, '-extfile', config, '-extensions', 'ext', ...signingArgs()];
      await writeFile(pair.cert, await openssl(args, `the ${name} certificate`, csr), { mode: 0o644 });
    }

    const sa = paths.serviceAccount;
    if (!(await isValidKeyPair(sa))) {
      await makeKey(sa.privateKey, 'the service account key');
      const pub = await openssl(['pkey', '-in', sa.privateKey, '-pubout'], 'the service account public key');
      await writeFile(sa.publicKey, pub, { mode: 0o644 });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // Kept files too: a key left readable by an earlier run is tightened, not rewritten.
  for (const keyPath of privateKeyPaths(paths)) await chmod(keyPath, 0o600);
  return paths;
}

/** Every private key file of the set (each must stay mode 0600). */
export function privateKeyPaths(paths: PkiPaths): string[] {
  const pairs = Object.values(paths).filter(
    (entry): entry is CertKeyPair => typeof entry === 'object' && 'key' in entry,
  );
  return [...pairs.map((pair) => pair.key), paths.serviceAccount.privateKey];
}

function signingArgs(): string[] {
  // A random positive 127-bit serial: no serial file to keep, no reuse across regenerations.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  return ['-sha256', '-days', String(VALIDITY_DAYS), '-set_serial', `0x${serial.toString('hex')}`];
}

/** Our own minimal configs, so the host's openssl.cnf adds no extensions of its own. */
function caConfig(): string {
  return [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    'x509_extensions = ext',
    '[dn]',
    `CN = ${CA_COMMON_NAME}`,
    '[ext]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
    'subjectKeyIdentifier = hash',
    '',
  ].join('\n');
}

function leafConfig(spec: LeafSpec): string {
  const lines = ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]'];
  if (spec.organization) lines.push(`O = ${spec.organization}`);
  lines.push(
    `CN = ${spec.commonName}`,
    '[ext]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    `extendedKeyUsage = ${spec.usage}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
  );
  if (spec.dnsNames.length + spec.ips.length > 0) {
    lines.push('subjectAltName = @alt', '[alt]');
    spec.dnsNames.forEach((name, i) => lines.push(`DNS.${i + 1} = ${name}`));
    spec.ips.forEach((ip, i) => lines.push(`IP.${i + 1} = ${ip}`));
  }
  return `${lines.join('\n')}\n`;
}

type OpensslRunner = (args: string[], what: string, input?: string) => Promise<string>;

/** Checks that openssl is there, then runs it with one sentence per failure. */
async function opensslRunner(dir: string): Promise<OpensslRunner> {
  const run: OpensslRunner = async (args, what, input) => {
    try {
      const result = await execa('openssl', args, { input, stripFinalNewline: false });
      return result.stdout;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw missingDependencyError(
          'openssl is not on PATH; the local cluster needs it to make its certificates (apt-get install openssl).',
        );
      }
      const stderr = (error as { stderr?: unknown }).stderr;
      const detail =
        typeof stderr === 'string' && stderr.trim() ? stderr.trim().split('\n')[0] : describeError(error);
      throw clusterStartError(`openssl could not make ${what} in ${dir}: ${detail}`, error);
    }
  };
  await run(['version'], 'its version check');
  return run;
}

function errorCode(error: unknown): unknown {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return code ?? cause?.code;
}

async function writeKey(path: string, pem: string): Promise<void> {
  await writeFile(path, pem, { mode: 0o600 });
  await chmod(path, 0o600);
}

async function writeTemp(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

async function readIfFile(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function lastsLongEnough(cert: X509Certificate): boolean {
  const now = Date.now();
  return Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) - now > RENEW_BEFORE_MS;
}

function matchesKey(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

async function readValidCa(pair: CertKeyPair): Promise<X509Certificate | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfFile(pair.cert), readIfFile(pair.key)]);
  if (!certPem || !keyPem) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    const ok = cert.ca && cert.subject === `CN=${CA_COMMON_NAME}` && lastsLongEnough(cert);
    return ok && matchesKey(cert, keyPem) ? cert : undefined;
  } catch {
    return undefined;
  }
}

/** The subject as Node prints it: one `KEY=value` per line, in certificate order. */
function expectedSubject(spec: LeafSpec): string {
  return [spec.organization && `O=${spec.organization}`, `CN=${spec.commonName}`].filter(Boolean).join('\n');
}

function expectedAltNames(spec: LeafSpec): string[] {
  return [...spec.dnsNames.map((name) => `DNS:${name}`), ...spec.ips.map((ip) => `IP Address:${ip}`)].sort();
}

async function isValidLeaf(pair: CertKeyPair, spec: LeafSpec, ca: X509Certificate): Promise<boolean> {
  const [certPem, keyPem] = await Promise.all([readIfFile(pair.cert), readIfFile(pair.key)]);
  if (!certPem || !keyPem) return false;
  try {
    const cert = new X509Certificate(certPem);
    const altNames = (cert.subjectAltName ?? '').split(', ').filter(Boolean).sort();
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      lastsLongEnough(cert) &&
      cert.subject === expectedSubject(spec) &&
      JSON.stringify(altNames) === JSON.stringify(expectedAltNames(spec)) &&
      (cert.keyUsage ?? []).includes(EXTENDED_KEY_USAGE_OID[spec.usage]) &&
      matchesKey(cert, keyPem)
    );
  } catch {
    return false;
  }
}

async function isValidKeyPair(pair: PkiPaths['serviceAccount']): Promise<boolean> {
  const [privatePem, publicPem] = await Promise.all([
    readIfFile(pair.privateKey),
    readIfFile(pair.publicKey),
  ]);
  if (!privatePem || !publicPem) return false;
  try {
    const derived = createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'der' });
    const stored = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
    return derived.equals(stored);
  } catch {
    return false;
  }
}
