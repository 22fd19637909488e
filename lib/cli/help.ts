/** `--help` texts: what each command does, its flags with defaults, and the exit codes. */
import { defaults } from '../config.js';
import { EXIT_CODE_MEANINGS } from '../errors.js';
import { SCENARIOS, SUITES } from '../scenarios/registry.js';

export const EXIT_CODES = `Exit codes:\n${EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}`).join('\n')}`;

const SCENARIO_NAMES = SCENARIOS.map((s) => s.name).join(', ');

const CLUSTER_FLAGS = `Cluster selection (default: the local cluster, brought up and taken down by this run):
  --kubeconfig PATH     use the cluster this kubeconfig names (never touched otherwise)
  --context NAME        kubeconfig context (default: its current context)
  --provider local      bring up the default cluster with this provider (default: local)
  --name NAME           local cluster name (default: ${defaults.clusterName})
  --version V|latest    Kubernetes version the local provider builds (default: ${defaults.kubernetesVersion};
                        latest = the newest release the Go module proxy serves that this Go builds)
  --keep-cluster        leave a cluster this run brought up running
  --image local|reference|REF
                        image for the Pods: local = the busybox test image (default on the local
                        provider, where nicolaka/netshoot:v0.14 cannot be pulled), reference = the
                        manifests' image as written (default elsewhere), or any image reference.
                        Every report states the image used and whether it was substituted.`;

export const HELP: Record<string, string> = {
  main: `sidecar-conformance — proves on a live cluster how native sidecar containers behave.

Usage: sidecar-conformance <command> [flags]

Commands:
  run                 run the scenarios (${SCENARIOS.length}), write reports (JUnit, JSON, HTML) under reports/
  check FILE.yaml     apply any Pod with sidecars and check the rules every such Pod must follow
  cluster up|down|status
                      manage the local cluster (Kubernetes built from source, no registry needed)
  setup               install the Debian packages the local cluster needs (as root)

Run \`sidecar-conformance <command> --help\` for a command's flags.
Global flags: --debug (stack traces), --help.

${EXIT_CODES}`,
  run: `Usage: sidecar-conformance run [flags]

Runs the scenarios concurrently, each in its own namespace, writes reports/<run id>/
(junit.xml, report.json, report.html, report.png) and points reports/latest at it.

Flags:
  --suite ${[...SUITES, 'all'].join('|')}  which scenarios (default: all)
  --only NAME[,NAME]    scenarios to run: ${SCENARIO_NAMES}
  --tolerance MS        allowed excess over the 3 s shutdown gaps (default: ${defaults.shutdownToleranceMs})
  --reports DIR         where reports go (default: reports)
  --no-screenshot       skip the Chromium screenshot of the HTML report
${CLUSTER_FLAGS}

${EXIT_CODES}`,
  check: `Usage: sidecar-conformance check FILE.yaml [flags]

Applies one Pod with native sidecars (initContainers with restartPolicy: Always) and checks:
  - sidecars start in manifest order, before the app (Events and container status agree);
  - restartPolicy Always: after delete, the app stops first, then the sidecars in reverse order;
    each sidecar's stop gap is measured and reported;
  - restartPolicy Never/OnFailure: after the app exits, the sidecars stop in reverse order and the
    Pod completes.
Images are used as written unless --image says otherwise.

Flags:
  --timeout SECONDS     how long the Pod may take to run or complete (default: ${defaults.podTimeoutMs / 1000})
  --reports DIR         where reports go (default: reports)
  --no-screenshot       skip the Chromium screenshot of the HTML report
${CLUSTER_FLAGS.replace(/default on the local\n\s+provider, where nicolaka\/netshoot:v0.14 cannot be pulled/, 'replaces\n                        nicolaka/netshoot:v0.14 only')}

${EXIT_CODES}`,
  cluster: `Usage: sidecar-conformance cluster up|down|status [--name NAME] [--version V] [--provider local]

  up      build (cached under $XDG_CACHE_HOME/sidecar-conformance) and start etcd, kube-apiserver,
          kube-controller-manager, kube-scheduler, containerd and a kubelet; wait for the node to be
          Ready; print the kubeconfig path. Idempotent.
  down    stop everything up started; remove its pod containers, mounts, network devices and
          iptables rules; keep the logs.
  status  say what runs and where the kubeconfig and logs are.

State, logs and pid files: $XDG_STATE_HOME/sidecar-conformance/clusters/NAME/.
Flags:
  --name NAME       cluster name (default: ${defaults.clusterName})
  --version V       Kubernetes version (default: ${defaults.kubernetesVersion})
  --provider local  the provider (only local for now)

${EXIT_CODES}`,
  setup: `Usage: sidecar-conformance setup [--build] [--version V]

Installs the Debian packages the local cluster and the report's browser check need, when missing
(apt-get, as root). With --build, also builds the Kubernetes (--version, default
${defaults.kubernetesVersion}), etcd and containerd binaries into the XDG cache.

${EXIT_CODES}`,
};
