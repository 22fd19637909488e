import { request } from 'node:https';
import type { Kube } from './client.js';
import { describeError } from '../errors.js';

/**
 * Which feature gates a cluster's components run with, as they say themselves: every component
 * since 1.26 exports `kubernetes_feature_enabled{name="G",stage="ALPHA"} 1|0` on /metrics. The API
 * server's metrics are read directly, the kubelet's through the API server's node proxy.
 */
export interface ClusterFeatures {
  apiserver?: ReadonlyMap<string, boolean>;
  kubelet?: ReadonlyMap<string, boolean>;
  /** Why a component's gates could not be read (no permission, an older version): the gate is then not judged. */
  unreadable?: string[];
}

/** The gates a Prometheus text exposition names, on or off. */
export function parseFeatureMetrics(text: string): Map<string, boolean> {
  const gates = new Map<string, boolean>();
  for (const line of text.split('\n')) {
    const match = /^kubernetes_feature_enabled\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const name = /(?:^|,)name="([^"]+)"/.exec(match[1] ?? '')?.[1];
    if (name) gates.set(name, Number(match[2]) === 1);
  }
  return gates;
}

const METRICS_TIMEOUT_MS = 10_000;

async function getText(kube: Kube, path: string): Promise<string> {
  const url = new URL(path, kube.server);
  const options: Parameters<typeof request>[1] = {
    method: 'GET',
    hostname: url.hostname,
    port: url.port,
    path: url.pathname,
    timeout: METRICS_TIMEOUT_MS,
  };
  await kube.config.applyToHTTPSOptions(options as never);
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode} from ${path}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${path} in ${METRICS_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Reads the API server's and the (first) node's kubelet's gates; what cannot be read is said, not thrown. */
export async function readClusterFeatures(
  kube: Kube,
  nodeName: string | undefined,
): Promise<ClusterFeatures> {
  const unreadable: string[] = [];
  const read = async (component: string, path: string) => {
    try {
      const gates = parseFeatureMetrics(await getText(kube, path));
      if (gates.size === 0)
        unreadable.push(`${component}: ${path} names no kubernetes_feature_enabled gauge`);
      return gates.size > 0 ? gates : undefined;
    } catch (error) {
      unreadable.push(`${component}: ${describeError(error)}`);
      return undefined;
    }
  };
  const apiserver = await read('kube-apiserver', '/metrics');
  const kubelet = nodeName
    ? await read('kubelet', `/api/v1/nodes/${encodeURIComponent(nodeName)}/proxy/metrics`)
    : undefined;
  return {
    ...(apiserver ? { apiserver } : {}),
    ...(kubelet ? { kubelet } : {}),
    ...(unreadable.length ? { unreadable } : {}),
  };
}
