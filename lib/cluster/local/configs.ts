/**
 * The local cluster's configuration files and command lines, as pure functions of one
 * LocalClusterLayout (no I/O here; the provider writes what these return).
 */
export { LOCAL_COMPONENTS, LOCAL_NODE_NAME, LOCAL_PORTS, layoutFor } from './configs/layout.js';
export type { LocalClusterLayout, LocalClusterPorts, LocalComponent } from './configs/layout.js';
export { kubeconfig, kubeconfigFiles } from './configs/kubeconfig.js';
export type { KubeconfigFile, KubeconfigOptions } from './configs/kubeconfig.js';
export { FAIL_CGROUP_V1_SINCE_MINOR, kubeletConfig } from './configs/kubelet.js';
export type { KubeletConfigOptions } from './configs/kubelet.js';
export { containerdConfig } from './configs/containerd.js';
export type { ContainerdConfigOptions } from './configs/containerd.js';
export { cniConflist } from './configs/cni.js';
export type { CniConflistOptions } from './configs/cni.js';
export {
  SERVICE_ACCOUNT_ISSUER,
  etcdArgs,
  kubeApiserverArgs,
  kubeControllerManagerArgs,
  kubeSchedulerArgs,
  kubeletArgs,
} from './configs/args.js';
