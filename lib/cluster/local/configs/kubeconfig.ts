import type { LocalClusterLayout } from './layout.js';
import { toYaml } from './yaml.js';

export interface KubeconfigOptions {
  server: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  /** Name of the user entry (a local label; the identity is the certificate's CN/O). */
  user: string;
  /** Names the cluster entry and the context, which is the current one. */
  clusterName: string;
}

/**
 * A kubeconfig with one cluster, user and context. Files are referenced by path rather than
 * embedded, so a regenerated certificate is picked up without rewriting the kubeconfig.
 */
export function kubeconfig(opts: KubeconfigOptions): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: opts.clusterName, cluster: { server: opts.server, 'certificate-authority': opts.caPath } },
    ],
    users: [{ name: opts.user, user: { 'client-certificate': opts.certPath, 'client-key': opts.keyPath } }],
    contexts: [{ name: opts.clusterName, context: { cluster: opts.clusterName, user: opts.user } }],
    'current-context': opts.clusterName,
    preferences: {},
  });
}

export interface KubeconfigFile {
  path: string;
  text: string;
}

/** The four kubeconfigs of a local cluster: the harness's admin, controller-manager, scheduler, kubelet. */
export function kubeconfigFiles(layout: LocalClusterLayout, clusterName: string): KubeconfigFile[] {
  const { pki, kubeconfigs } = layout;
  const entries = [
    { path: kubeconfigs.admin, pair: pki.admin, user: 'sidecar-conformance-admin' },
    {
      path: kubeconfigs.controllerManager,
      pair: pki.controllerManager,
      user: 'system:kube-controller-manager',
    },
    { path: kubeconfigs.scheduler, pair: pki.scheduler, user: 'system:kube-scheduler' },
    { path: kubeconfigs.kubelet, pair: pki.kubeletClient, user: `system:node:${layout.nodeName}` },
  ];
  return entries.map(({ path, pair, user }) => ({
    path,
    text: kubeconfig({
      server: layout.apiserverUrl,
      caPath: pki.ca.cert,
      certPath: pair.cert,
      keyPath: pair.key,
      user,
      clusterName,
    }),
  }));
}
