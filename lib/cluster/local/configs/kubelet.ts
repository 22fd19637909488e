import type { FeatureGates } from '../../feature-gates.js';
import type { LocalClusterLayout } from './layout.js';
import { toYaml, type YamlMap } from './yaml.js';

export interface KubeletConfigOptions {
  layout: LocalClusterLayout;
  /** Minor version of the kubelet (37 for v1.37.2): decides which fields exist. */
  kubernetesMinor: number;
  /** True when the host mounts cgroup v1 hierarchies (these VMs: v1 hybrid). */
  cgroupV1: boolean;
  /** The resolv.conf pods inherit (no cluster DNS here), normally /etc/resolv.conf. */
  resolvConf: string;
  /** Gates the cluster was brought up with (`cluster up --feature-gates`); none by default. */
  featureGates?: FeatureGates;
}

/** failCgroupV1 first appears in KubeletConfiguration v1beta1 of k8s.io/kubelet v0.31.0. */
export const FAIL_CGROUP_V1_SINCE_MINOR = 31;

/**
 * KubeletConfiguration (kubelet.config.k8s.io/v1beta1). Fields left out keep their defaults
 * (syncFrequency, podPidsLimit, staticPodPath unset, no clusterDNS); each set one says why.
 */
export function kubeletConfig(opts: KubeletConfigOptions): string {
  const { layout } = opts;
  const config: YamlMap = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // Only our CA's client certificates (the API server's) may call the kubelet; the kubelet asks
    // the API server whether they may (Webhook), as kubeadm sets it up.
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: layout.pki.ca.cert },
    },
    authorization: { mode: 'Webhook' },
    // No systemd on these machines; containerd is told the same (SystemdCgroup = false).
    cgroupDriver: 'cgroupfs',
    // Pods live under our own cgroup subtree, so `down` can find every pod process.
    cgroupRoot: layout.cgroupRoot,
    // From 1.35 the kubelet refuses to start on cgroup v1 unless this is false; the field exists
    // from 1.31, so older kubelets do not get it.
    failCgroupV1: opts.cgroupV1 && opts.kubernetesMinor >= FAIL_CGROUP_V1_SINCE_MINOR ? false : undefined,
    // Swap is not used here; never let a host with swap stop the kubelet.
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${layout.containerd.socket}`,
    // The API server dials the kubelet at the node's InternalIP (see LocalClusterLayout.nodeIp),
    // an address on our own bridge, so nothing listens on the host's real interfaces.
    address: layout.nodeIp,
    port: layout.ports.kubelet,
    healthzBindAddress: '127.0.0.1',
    healthzPort: layout.ports.kubeletHealthz,
    // No unauthenticated read-only API.
    readOnlyPort: 0,
    // Certificates come from ensurePki; no CSR flow, no self-signed certificate in --cert-dir.
    tlsCertFile: layout.pki.kubeletServing.cert,
    tlsPrivateKeyFile: layout.pki.kubeletServing.key,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    // Our images are imported locally and can never be pulled again, so image GC must not remove
    // them: it only runs at 100 % disk use. Validation wants low < high, both within 0..100.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // A busy or small disk must not taint the node with disk pressure and evict the pods under
    // test. A set evictionHard replaces the defaults wholesale, so every signal is listed.
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
      'imagefs.inodesFree': '1%',
    },
    resolvConf: opts.resolvConf,
    // The kubelet must not try to change kernel settings it finds different from its wishes.
    protectKernelDefaults: false,
    // Without CAP_SYS_RESOURCE the kubelet cannot lower its own oom_score_adj (default -999);
    // asking for 0 avoids a failure logged at every start.
    oomScoreAdj: 0,
    // Leave the host's iptables alone: no kube-proxy here, and `down` has nothing to remove.
    makeIPTablesUtilChains: false,
    // Graceful node shutdown needs systemd-logind inhibitor locks; there is no systemd here.
    shutdownGracePeriod: '0s',
    // The same gates as the control plane's, when the cluster is brought up with some.
    featureGates:
      opts.featureGates && Object.keys(opts.featureGates).length > 0 ? { ...opts.featureGates } : undefined,
  };
  return toYaml(config);
}
