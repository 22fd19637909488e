import { lstat, open, readdir, readFile, readlink } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, inject, test } from 'vitest';
import { clusterDir } from '../lib/config.js';
import { layoutOf } from '../lib/cluster/local/clusters.js';
import type { LocalComponent } from '../lib/cluster/local/configs/layout.js';
import { runningPid } from '../lib/cluster/local/processes.js';
import './session-context.js';

/**
 * What the README promises of the local cluster, checked on the running one: the control plane
 * listens on loopback only, nobody gets in without a certificate, keys and kubeconfigs are 0600.
 * These are promises of the local provider: on a cluster you name they are not ours to check, and
 * the suite says so in its title and is left out (the run still checks that cluster's behaviour).
 */
const live = inject('liveSession');
const layout = layoutOf(clusterDir(live.cluster.name), live.cluster.name);

function requireLocal(): void {
  expect(
    live.cluster.provider,
    `these tests check the local provider's promises; this session's cluster is provider ${live.cluster.provider}, not local`,
  ).toBe('local');
}

interface Listener {
  address: string;
  port: number;
  inode: string;
}

/** /proc/net/tcp prints an IPv4 address as one 32-bit word in host (little-endian) byte order. */
function ipv4(hex: string): string {
  return [hex.slice(6, 8), hex.slice(4, 6), hex.slice(2, 4), hex.slice(0, 2)]
    .map((byte) => parseInt(byte, 16))
    .join('.');
}

/** /proc/net/tcp6 prints an IPv6 address as four 32-bit words, each in host byte order. */
function ipv6(hex: string): string {
  const bytes: string[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.toLowerCase().slice(word * 8, word * 8 + 8);
    bytes.push(w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2));
  }
  // An IPv4-mapped address (::ffff:a.b.c.d) is written dotted, so the loopback test can read it.
  if (bytes.slice(0, 10).every((b) => b === '00') && bytes[10] === 'ff' && bytes[11] === 'ff') {
    return `::ffff:${bytes
      .slice(12)
      .map((b) => parseInt(b, 16))
      .join('.')}`;
  }
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`);
  // URL parsing writes the address in its short form (::1, fe80::…).
  return new URL(`http://[${groups.join(':')}]`).hostname.replace(/^\[|\]$/g, '');
}

/** Listening TCP sockets (state 0A) of the network namespace `pid` lives in. */
async function listeners(pid: number): Promise<Listener[]> {
  const found: Listener[] = [];
  for (const [file, parse] of [
    ['tcp', ipv4],
    ['tcp6', ipv6],
  ] as const) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== '0A' || !inode) continue;
      const [addressHex = '', portHex = ''] = local.split(':');
      found.push({ address: parse(addressHex), port: parseInt(portHex, 16), inode });
    }
  }
  return found;
}

/** The socket inodes a process holds open, from its /proc/<pid>/fd links `socket:[inode]`. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}

/** Every listening TCP socket of one component, found through its pid file. */
async function componentListeners(component: LocalComponent): Promise<string[]> {
  const pid = await runningPid(layout.pidFiles[component]);
  expect(pid, `${component} is not running (pid file ${layout.pidFiles[component]})`).toBeDefined();
  const inodes = await socketInodes(pid as number);
  return (await listeners(pid as number))
    .filter((listener) => inodes.has(listener.inode))
    .map(({ address, port }) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`));
}

const isLoopback = (endpoint: string) =>
  /^(127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.[\d.]+\]):\d+$/.test(endpoint);

/** One GET with no client certificate and no token; the status the server answers with. */
function anonymousGet(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // agent: false, so no pooled connection (or anything it carried) is reused.
    const req = request(url, { method: 'GET', ca, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Regular files under `dir`, not following symlinks (a link could point anywhere on the host). */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Whether a file's first 64 KiB hold a PEM private key, whatever the file is called. */
async function holdsPrivateKey(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(buffer.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await handle.close();
  }
}

describe.skipIf(live.cluster.provider !== 'local')(
  `local provider's promises (checks the local provider only; this session: ${live.cluster.provider})`,
  () => {
    test('kube-apiserver and etcd listen on 127.0.0.1 only', async () => {
      requireLocal();
      const apiserver = await componentListeners('kube-apiserver');
      const etcd = await componentListeners('etcd');
      // Their known ports must be found, or a parse that finds nothing would pass.
      expect(apiserver).toContain(`127.0.0.1:${layout.ports.apiserver}`);
      expect(etcd).toEqual(
        expect.arrayContaining([
          `127.0.0.1:${layout.ports.etcdClient}`,
          `127.0.0.1:${layout.ports.etcdPeer}`,
        ]),
      );
      const offending = [
        ...apiserver.filter((e) => !isLoopback(e)).map((e) => `kube-apiserver ${e}`),
        ...etcd.filter((e) => !isLoopback(e)).map((e) => `etcd ${e}`),
      ];
      expect(offending, `listening off loopback: ${offending.join(', ')}`).toEqual([]);
    });

    test('kube-controller-manager and kube-scheduler listen on 127.0.0.1 only', async () => {
      requireLocal();
      const controllerManager = await componentListeners('kube-controller-manager');
      const scheduler = await componentListeners('kube-scheduler');
      expect(controllerManager).toContain(`127.0.0.1:${layout.ports.controllerManager}`);
      expect(scheduler).toContain(`127.0.0.1:${layout.ports.scheduler}`);
      const offending = [
        ...controllerManager.filter((e) => !isLoopback(e)).map((e) => `kube-controller-manager ${e}`),
        ...scheduler.filter((e) => !isLoopback(e)).map((e) => `kube-scheduler ${e}`),
      ];
      expect(offending, `listening off loopback: ${offending.join(', ')}`).toEqual([]);
    });

    test(`the kubelet and containerd listen on loopback or the node address ${layout.nodeIp} only`, async () => {
      requireLocal();
      const kubelet = await componentListeners('kubelet');
      const containerd = await componentListeners('containerd');
      expect(kubelet).toEqual(
        expect.arrayContaining([
          `${layout.nodeIp}:${layout.ports.kubelet}`,
          `127.0.0.1:${layout.ports.kubeletHealthz}`,
        ]),
      );
      const allowed = (e: string) => isLoopback(e) || e.startsWith(`${layout.nodeIp}:`);
      const offending = [
        ...kubelet.filter((e) => !allowed(e)).map((e) => `kubelet ${e}`),
        ...containerd.filter((e) => !allowed(e)).map((e) => `containerd ${e}`),
      ];
      expect(offending, `listening on other addresses: ${offending.join(', ')}`).toEqual([]);
    });

    test('an anonymous request to the API server gets 401', async () => {
      requireLocal();
      // Trusting only the cluster's CA (not rejectUnauthorized: false) proves the 401 comes from
      // this cluster's API server, not from whatever else could answer on the port.
      const ca = await readFile(layout.pki.ca.cert, 'utf8');
      expect(await anonymousGet(`${layout.apiserverUrl}/api`, ca)).toBe(401);
    });

    test('the kubelet refuses a request without a client certificate: 401', async () => {
      requireLocal();
      const config = yaml.load(await readFile(layout.kubelet.configPath, 'utf8')) as {
        authentication?: { anonymous?: { enabled?: boolean }; webhook?: { enabled?: boolean } };
        readOnlyPort?: number;
      };
      // With anonymous auth off an unauthenticated caller is refused at authentication (401); were
      // it on, the request would pass as system:anonymous and be refused at authorization (403).
      expect(config.authentication?.anonymous?.enabled, `${layout.kubelet.configPath}`).toBe(false);
      expect(config.readOnlyPort, 'the unauthenticated read-only port must be off').toBe(0);
      const ca = await readFile(layout.pki.ca.cert, 'utf8');
      expect(await anonymousGet(`https://${layout.nodeIp}:${layout.ports.kubelet}/pods`, ca)).toBe(401);
    });

    test('every private key and kubeconfig under the cluster directory is mode 0600, pki/ 0700', async () => {
      requireLocal();
      const checked: string[] = [];
      const offenders: string[] = [];
      const mode = async (path: string) => (await lstat(path)).mode & 0o777;
      for (const path of await walk(layout.dir)) {
        const isKey =
          path.endsWith('.key') ||
          path.startsWith(`${layout.kubeconfigs.dir}/`) ||
          // A key is a key whatever its name: look inside the small files too.
          ((await lstat(path)).size <= 1024 * 1024 && (await holdsPrivateKey(path)));
        if (!isKey) continue;
        checked.push(path);
        const m = await mode(path);
        if (m !== 0o600) offenders.push(`${path} ${m.toString(8).padStart(4, '0')}`);
      }
      const pkiMode = await mode(layout.pki.dir);
      if (pkiMode !== 0o700) offenders.push(`${layout.pki.dir}/ ${pkiMode.toString(8).padStart(4, '0')}`);
      // The files layout.ts names must all have been found, or an empty walk would pass.
      expect(checked).toEqual(
        expect.arrayContaining([
          layout.pki.ca.key,
          layout.pki.apiserver.key,
          layout.pki.serviceAccount.privateKey,
          layout.kubeconfigs.admin,
          layout.kubeconfigs.kubelet,
        ]),
      );
      expect(offenders, `not 0600 (or pki/ not 0700): ${offenders.join(', ')}`).toEqual([]);
    });
  },
);
