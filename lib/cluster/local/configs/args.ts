import { formatFeatureGates, type FeatureGates } from '../../feature-gates.js';
import type { LocalClusterLayout } from './layout.js';

/**
 * Command lines of the control plane and the kubelet. Every flag was checked against the
 * v1.37.2 / etcd v3.6.16 sources; none is deprecated. Only loopback addresses are listened on,
 * except by the kubelet (see LocalClusterLayout.nodeIp).
 */

/** Issuer of service account tokens (also their audience); the conventional in-cluster URL. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** `--feature-gates=…` for the control plane's components when a cluster is brought up with gates. */
export function featureGateArgs(gates: FeatureGates = {}): string[] {
  const value = formatFeatureGates(gates);
  return value ? [`--feature-gates=${value}`] : [];
}

/** One member, plain HTTP on loopback: nothing but our own API server ever talks to it. */
export function etcdArgs(layout: LocalClusterLayout): string[] {
  const client = `http://127.0.0.1:${layout.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${layout.ports.etcdPeer}`;
  return [
    `--name=${layout.etcd.name}`,
    `--data-dir=${layout.etcd.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${layout.etcd.name}=${peer}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=${layout.etcd.name}`,
    // A test cluster's store lives as long as the cluster: `down` removes it. Without an fsync per
    // write the API server's start (hundreds of bootstrap objects) and every scenario's writes
    // stop waiting for the disk; a crashed host loses nothing that matters.
    '--unsafe-no-fsync=true',
  ];
}

export function kubeApiserverArgs(layout: LocalClusterLayout, gates: FeatureGates = {}): string[] {
  const { pki } = layout;
  return [
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${layout.ports.apiserver}`,
    // A loopback address may not be an Endpoints/EndpointSlice address (ValidateEndpointIP), so the
    // `kubernetes` Service gets no endpoints rather than failing every reconcile; upstream's own
    // test server does the same. No kube-proxy runs here, so nothing could use them anyway.
    '--endpoint-reconciler-type=none',
    `--etcd-servers=http://127.0.0.1:${layout.ports.etcdClient}`,
    '--authorization-mode=Node,RBAC',
    '--anonymous-auth=false',
    `--client-ca-file=${pki.ca.cert}`,
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--kubelet-client-certificate=${pki.apiserverKubeletClient.cert}`,
    `--kubelet-client-key=${pki.apiserverKubeletClient.key}`,
    // The kubelet's serving certificate is ours too (SAN nodeIp), so verify it.
    `--kubelet-certificate-authority=${pki.ca.cert}`,
    '--kubelet-preferred-address-types=InternalIP',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${pki.serviceAccount.publicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccount.privateKey}`,
    `--service-cluster-ip-range=${layout.serviceCidr}`,
    '--enable-admission-plugins=NodeRestriction',
    '--allow-privileged=true',
    ...featureGateArgs(gates),
  ];
}

/**
 * Authentication and authorization kubeconfigs let the component check callers of its own secure
 * port through the API server (as kubeadm sets it up) instead of warning at start that it cannot.
 */
function delegatedAuth(kubeconfigPath: string): string[] {
  return [`--authentication-kubeconfig=${kubeconfigPath}`, `--authorization-kubeconfig=${kubeconfigPath}`];
}

export function kubeControllerManagerArgs(layout: LocalClusterLayout, gates: FeatureGates = {}): string[] {
  const kubeconfigPath = layout.kubeconfigs.controllerManager;
  return [
    `--kubeconfig=${kubeconfigPath}`,
    ...delegatedAuth(kubeconfigPath),
    '--bind-address=127.0.0.1',
    `--secure-port=${layout.ports.controllerManager}`,
    `--service-account-private-key-file=${layout.pki.serviceAccount.privateKey}`,
    `--root-ca-file=${layout.pki.ca.cert}`,
    '--use-service-account-credentials=true',
    // Pod addresses come from CNI host-local, not from node CIDRs. `nodeipam` is the name every
    // version accepts (an alias of node-ipam-controller in current ones). No cloud controllers
    // remain in kube-controller-manager to switch off.
    '--controllers=*,-nodeipam',
    '--allocate-node-cidrs=false',
    // A single instance: no leases to take or lose.
    '--leader-elect=false',
    ...featureGateArgs(gates),
  ];
}

export function kubeSchedulerArgs(layout: LocalClusterLayout, gates: FeatureGates = {}): string[] {
  const kubeconfigPath = layout.kubeconfigs.scheduler;
  return [
    // Marked DEPRECATED in its help text (a KubeSchedulerConfiguration file is preferred) but
    // still honoured in v1.37 when no --config is given.
    `--kubeconfig=${kubeconfigPath}`,
    ...delegatedAuth(kubeconfigPath),
    '--bind-address=127.0.0.1',
    `--secure-port=${layout.ports.scheduler}`,
    '--leader-elect=false',
    ...featureGateArgs(gates),
  ];
}

/** Everything else is in the KubeletConfiguration file (kubeletConfig). */
export function kubeletArgs(layout: LocalClusterLayout): string[] {
  return [
    `--config=${layout.kubelet.configPath}`,
    `--kubeconfig=${layout.kubeconfigs.kubelet}`,
    `--hostname-override=${layout.nodeName}`,
    // Must not be loopback (see LocalClusterLayout.nodeIp).
    `--node-ip=${layout.nodeIp}`,
    // Our own root dir, so `down` can unmount and remove what the kubelet made.
    `--root-dir=${layout.kubelet.rootDir}`,
    `--cert-dir=${layout.kubelet.certDir}`,
  ];
}
