import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  cniConflist,
  etcdArgs,
  kubeApiserverArgs,
  kubeControllerManagerArgs,
  kubeSchedulerArgs,
  kubeconfig,
  kubeconfigFiles,
  kubeletArgs,
  layoutFor,
} from './configs.js';
import { toYaml } from './configs/yaml.js';

const layout = layoutFor('/var/tmp/sc/clusters/demo');

function loadYaml(text: string): Record<string, unknown> {
  return yaml.load(text) as Record<string, unknown>;
}

/** The `--name=value` flags of a command line as a map; fails on a repeated or malformed flag. */
function flags(args: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([a-z0-9-]+)=(.+)$/.exec(arg);
    expect(match, `malformed flag ${arg}`).not.toBeNull();
    expect(map.has(match![1]!), `repeated flag ${arg}`).toBe(false);
    map.set(match![1]!, match![2]!);
  }
  return map;
}

describe('layoutFor', () => {
  it('derives every path from the cluster directory, made absolute', () => {
    const relative = layoutFor('some/dir');
    expect(relative.dir).toMatch(/^\/.*\/some\/dir$/);
    expect(layout.pki.dir).toBe('/var/tmp/sc/clusters/demo/pki');
    expect(layout.etcd.dataDir).toBe('/var/tmp/sc/clusters/demo/etcd');
    expect(layout.containerd).toMatchObject({
      root: '/var/tmp/sc/clusters/demo/containerd/root',
      state: '/var/tmp/sc/clusters/demo/containerd/state',
      socket: '/var/tmp/sc/clusters/demo/containerd/containerd.sock',
    });
    expect(layout.kubelet.rootDir).toBe('/var/tmp/sc/clusters/demo/kubelet');
    expect(layout.cni.confDir).toBe('/var/tmp/sc/clusters/demo/cni/net.d');
    expect(layout.logFiles.kubelet).toBe('/var/tmp/sc/clusters/demo/logs/kubelet.log');
    expect(layout.pidFiles.etcd).toBe('/var/tmp/sc/clusters/demo/run/etcd.pid');
    expect(layout.kubeconfigs.admin).toBe('/var/tmp/sc/clusters/demo/kubeconfigs/admin.conf');
  });

  it('uses the agreed ports and a node IP that is not loopback', () => {
    expect(layout.ports).toEqual({
      apiserver: 16443,
      etcdClient: 12379,
      etcdPeer: 12380,
      kubelet: 10250,
      kubeletHealthz: 10248,
      controllerManager: 10257,
      scheduler: 10259,
    });
    expect(layout.apiserverUrl).toBe('https://127.0.0.1:16443');
    expect(layout.nodeIp).not.toMatch(/^127\./);
    expect(layout.podSubnet.startsWith(layout.nodeIp.replace(/\.1$/, '.0'))).toBe(true);
  });
});

describe('toYaml', () => {
  it('writes strings that read back unchanged, whatever their characters', () => {
    const odd = { 'a.b': 'x: y', q: '"quoted" #not a comment', n: 'true', list: ['- item', 'x'], empty: {} };
    expect(loadYaml(toYaml(odd))).toEqual(odd);
  });
});

describe('kubeconfig', () => {
  const text = kubeconfig({
    server: 'https://127.0.0.1:16443',
    caPath: '/p/ca.crt',
    certPath: '/p/admin.crt',
    keyPath: '/p/admin.key',
    user: 'sidecar-conformance-admin',
    clusterName: 'demo',
  });

  it('has one cluster, user and context, the context named after the cluster and current', () => {
    expect(loadYaml(text)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'demo',
          cluster: { server: 'https://127.0.0.1:16443', 'certificate-authority': '/p/ca.crt' },
        },
      ],
      users: [
        {
          name: 'sidecar-conformance-admin',
          user: { 'client-certificate': '/p/admin.crt', 'client-key': '/p/admin.key' },
        },
      ],
      contexts: [{ name: 'demo', context: { cluster: 'demo', user: 'sidecar-conformance-admin' } }],
      'current-context': 'demo',
      preferences: {},
    });
  });

  it('gives each component its own certificate', () => {
    const files = kubeconfigFiles(layout, 'demo');
    expect(files.map((file) => file.path)).toEqual([
      layout.kubeconfigs.admin,
      layout.kubeconfigs.controllerManager,
      layout.kubeconfigs.scheduler,
      layout.kubeconfigs.kubelet,
    ]);
    const kubelet = loadYaml(files[3]!.text) as { users: { user: Record<string, string> }[] };
    expect(kubelet.users[0]!.user['client-certificate']).toBe(layout.pki.kubeletClient.cert);
  });
});

describe('cniConflist', () => {
  const conflist = JSON.parse(
    cniConflist({
      name: 'sc-net',
      bridge: 'scbr0',
      subnet: '10.244.0.0/24',
      gateway: '10.244.0.1',
      ipamDataDir: '/c/ipam',
    }),
  ) as { cniVersion: string; name: string; plugins: Record<string, unknown>[] };

  it('is a 1.0.0 conflist of our bridge with host-local addresses, then loopback', () => {
    expect(conflist.cniVersion).toBe('1.0.0');
    expect(conflist.name).toBe('sc-net');
    expect(conflist.plugins.map((plugin) => plugin['type'])).toEqual(['bridge', 'loopback']);
    expect(conflist.plugins[0]).toEqual({
      type: 'bridge',
      bridge: 'scbr0',
      isGateway: true,
      ipMasq: false,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.244.0.0/24', gateway: '10.244.0.1' }]],
        dataDir: '/c/ipam',
      },
    });
  });
});

describe('command lines', () => {
  it('give the control plane the gates the cluster is brought up with, and none by default', () => {
    const gates = { RestartAllContainersOnContainerExits: true, ContainerRestartRules: true };
    for (const args of [kubeApiserverArgs, kubeControllerManagerArgs, kubeSchedulerArgs]) {
      expect(flags(args(layout)).has('feature-gates')).toBe(false);
      expect(flags(args(layout, gates)).get('feature-gates')).toBe(
        'ContainerRestartRules=true,RestartAllContainersOnContainerExits=true',
      );
    }
  });

  it('kube-apiserver: loopback only, no anonymous access, Node and RBAC authorization', () => {
    const f = flags(kubeApiserverArgs(layout));
    expect(f.get('bind-address')).toBe('127.0.0.1');
    expect(f.get('advertise-address')).toBe('127.0.0.1');
    expect(f.get('secure-port')).toBe('16443');
    expect(f.get('anonymous-auth')).toBe('false');
    expect(f.get('authorization-mode')).toBe('Node,RBAC');
    expect(f.get('etcd-servers')).toBe('http://127.0.0.1:12379');
    expect(f.get('client-ca-file')).toBe(layout.pki.ca.cert);
    expect(f.get('kubelet-client-certificate')).toBe(layout.pki.apiserverKubeletClient.cert);
    expect(f.get('kubelet-preferred-address-types')).toBe('InternalIP');
    expect(f.get('service-account-key-file')).toBe(layout.pki.serviceAccount.publicKey);
    expect(f.get('service-account-signing-key-file')).toBe(layout.pki.serviceAccount.privateKey);
    expect(f.get('service-cluster-ip-range')).toBe('10.96.0.0/16');
    expect(f.get('enable-admission-plugins')).toBe('NodeRestriction');
    expect(f.get('allow-privileged')).toBe('true');
    expect(f.has('cloud-provider')).toBe(false);
  });

  it('kube-controller-manager: one instance, service account credentials, no node CIDRs', () => {
    const f = flags(kubeControllerManagerArgs(layout));
    expect(f.get('kubeconfig')).toBe(layout.kubeconfigs.controllerManager);
    expect(f.get('bind-address')).toBe('127.0.0.1');
    expect(f.get('secure-port')).toBe('10257');
    expect(f.get('service-account-private-key-file')).toBe(layout.pki.serviceAccount.privateKey);
    expect(f.get('root-ca-file')).toBe(layout.pki.ca.cert);
    expect(f.get('use-service-account-credentials')).toBe('true');
    expect(f.get('controllers')).toMatch(/^\*,/);
    expect(f.get('allocate-node-cidrs')).toBe('false');
    expect(f.get('leader-elect')).toBe('false');
  });

  it('kube-scheduler: loopback, one instance', () => {
    const f = flags(kubeSchedulerArgs(layout));
    expect(f.get('kubeconfig')).toBe(layout.kubeconfigs.scheduler);
    expect(f.get('bind-address')).toBe('127.0.0.1');
    expect(f.get('secure-port')).toBe('10259');
    expect(f.get('leader-elect')).toBe('false');
  });

  it('etcd: one member on loopback ports of our own', () => {
    const f = flags(etcdArgs(layout));
    expect(f.get('data-dir')).toBe(layout.etcd.dataDir);
    expect(f.get('listen-client-urls')).toBe('http://127.0.0.1:12379');
    expect(f.get('advertise-client-urls')).toBe('http://127.0.0.1:12379');
    expect(f.get('listen-peer-urls')).toBe('http://127.0.0.1:12380');
    expect(f.get('initial-cluster')).toBe(`${f.get('name')}=http://127.0.0.1:12380`);
    expect(f.get('unsafe-no-fsync')).toBe('true');
  });

  it('kubelet: our config, kubeconfig, node name, node IP and directories', () => {
    expect(flags(kubeletArgs(layout))).toEqual(
      new Map([
        ['config', layout.kubelet.configPath],
        ['kubeconfig', layout.kubeconfigs.kubelet],
        ['hostname-override', layout.nodeName],
        ['node-ip', layout.nodeIp],
        ['root-dir', layout.kubelet.rootDir],
        ['cert-dir', layout.kubelet.certDir],
      ]),
    );
  });
});
