/** `--help` texts: what each command does, its flags with defaults, and the exit codes. */
import { defaultParallel, MATRIX_VERSIONS } from './matrix.js';
import { defaults, KIND_NODE_IMAGE, TEST_IMAGE } from '../config.js';
import { EXIT_CODE_MEANINGS } from '../errors.js';
import { DEFAULT_BAND } from '../report/diff.js';
import { KIND_VERSION } from '../cluster/kind/binary.js';
import { DEFAULT_WRAPPER_PATH } from '../cluster/kind/runc-wrapper.js';
import { SCENARIOS, SUITES } from '../scenarios/registry.js';

export const EXIT_CODES = `Exit codes:\n${EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}`).join('\n')}`;

/** The scenario names, wrapped under the flag column. */
const SCENARIO_NAMES = SCENARIOS.map((s) => s.name)
  .reduce<string[]>((lines, name) => {
    const last = lines.at(-1);
    if (last !== undefined && last.length + name.length + 2 <= 74)
      lines[lines.length - 1] = `${last}, ${name}`;
    else lines.push(name);
    return lines;
  }, [])
  .join(',\n                        ');

const CLUSTER_FLAGS = `Cluster selection (default: --provider auto, the cluster brought up and taken down by this run):
  --kubeconfig PATH     use the cluster this kubeconfig names (never touched otherwise)
  --context NAME        kubeconfig context (default: its current context)
  --provider auto|local|kind
                        auto (default), in this order: the --kubeconfig cluster when given; else
                        kind when a kind binary (PATH or the cache) and a container engine that
                        answers \`docker info\` / \`podman info\` are found; else the local cluster
                        when root; the progress output says which and why. local = Kubernetes
                        built from source and run here; kind = a kind cluster (an existing one of
                        --name is reused and never deleted; one this run creates is deleted after)
  --node-image REF      kind's node image (default: ${KIND_NODE_IMAGE('<V>')},
                        <V> = --version, made by \`sidecar-conformance node-image build --version V\`)
  --name NAME           cluster name (default: ${defaults.clusterName})
  --version V|latest    Kubernetes version: the local provider builds it, kind runs its node image
                        (default: ${defaults.kubernetesVersion}; latest = the newest release the Go
                        module proxy serves that this Go builds)
  --feature-gates G=true,…
                        gates the cluster starts with (default: the gates the selected
                        scenarios need that the version has, e.g. RestartAllContainersOnContainerExits;
                        a scenario whose gate is off is reported not applicable, with the reason)
  --keep-cluster        leave a cluster this run brought up running
  --image local|reference|REF
                        image for the Pods: local = the busybox test image (default on the local
                        and kind providers, where nicolaka/netshoot:v0.14 cannot be pulled),
                        reference = the manifests' image as written (default elsewhere), or any
                        image reference. Every report states the image used and whether it was
                        substituted.`;

export const HELP: Record<string, string> = {
  main: `sidecar-conformance — proves on a live cluster how native sidecar containers behave.

Usage: sidecar-conformance <command> [flags]

Commands:
  run                 run the scenarios (${SCENARIOS.length}), write reports (JUnit, JSON, HTML) under reports/
  check FILE.yaml     run any workload with sidecars (Pod, Job, CronJob, Deployment, …) and check
                      the rules every such Pod must follow
  cluster up|down|status|list
                      manage the local clusters (Kubernetes built from source, no registry needed)
  setup               install the Debian packages the local cluster needs (as root)
  diff A.json B.json  what changed between two runs' report.json; exit 1 on a regression
  node-image build    a kind node image for one Kubernetes version, made offline (for real kind)

Run \`sidecar-conformance <command> --help\` for a command's flags.
Global flags: --debug (stack traces), --help.

${EXIT_CODES}`,
  run: `Usage: sidecar-conformance run [flags]

Runs the scenarios, each in its own namespace, ${defaults.scenarioConcurrency} at a time, writes reports/<run id>/
(junit.xml, report.json, report.html, report.png) and points reports/latest at it.

Flags:
  --suite ${[...SUITES, 'all'].join('|')}  which scenarios (default: all)
  --only NAME[,NAME]    scenarios to run (default: the whole suite):
                        ${SCENARIO_NAMES}
  --tolerance MS        allowed excess over the 3 s shutdown gaps (default: ${defaults.shutdownToleranceMs})
  --reports DIR         where reports go (default: reports)
  --no-screenshot       skip the Chromium screenshot of the HTML report
  --fault KIND@TIME[:DURATION]
                        disturb the local cluster while the scenarios run (repeatable; local
                        provider only: pass --provider local where kind is found): apiserver-restart@30s (SIGTERM, started again as up does),
                        apiserver-pause@30s:20s (SIGSTOP, SIGCONT 20 s later, also on Ctrl-C),
                        kubelet-restart@30s. TIME counts from the run's start (ms, s or m); faults
                        are made one after another, and the reports say which were made and when.
  --versions V,V,…|all  the version matrix: one cluster per Kubernetes version (--provider, chosen
                        once; local: built into the cache when missing, with progress; kind: the
                        version's node image), the scenarios on each, each
                        version's reports under reports/matrix-<id>/<run id>/ and one matrix
                        (matrix.html: rules × versions and measurements × versions, changes
                        between adjacent versions outlined; matrix.json; junit.xml with one suite
                        per version). all = ${MATRIX_VERSIONS.join(', ')}.
                        A version that cannot be built or started is one line (step and log).
  --parallel N          clusters up at once in the matrix (default ${defaultParallel()} here: one per 4 GiB, at
                        most cores + 1 and 4)
${CLUSTER_FLAGS}

${EXIT_CODES}`,
  check: `Usage: sidecar-conformance check FILE.yaml [flags]

Runs every workload in FILE with native sidecars (initContainers with restartPolicy: Always), each
in its own namespace, all at once:
  Pod                    applied as written;
  Job                    applied; its Pods observed by label batch.kubernetes.io/job-name; the Job
                         must reach condition Complete (Failed names its reason); retries under
                         backoffLimit are reported (status.failed, the other Pods' names);
  CronJob                run once, at once, as a Job made from its jobTemplate;
  Deployment, StatefulSet, DaemonSet, ReplicaSet
                         its Pod template run as one bare Pod named after the workload
                         (a StatefulSet's volumeClaimTemplates become emptyDir volumes).
Other objects in FILE (a ConfigMap, a Service) are not applied. Rules checked on every such Pod:
  - sidecars start in manifest order, before the app (status and Events agree); every container
    starts only after each sidecar before it reported started: true (its startupProbe passed) and
    each plain init container before it exited 0;
  - restartPolicy Always: the Pod is deleted; Never/OnFailure and Jobs: it runs to completion.
    The apps stop first, then the sidecars in reverse order; each stop gap is measured, within
    the grace period. Exits are the runtime's or the container status's, never a log line;
  - the kubelet's budget: the whole shutdown ends within terminationGracePeriodSeconds (default
    30 s, preStop hooks included) + 2 s (the minimum window per container) + the tolerance. When
    the budget runs out, the containers still running are stopped together and reported so (who,
    exit 137, when), not as an order violation.
A wait ends early with one sentence naming the container, its image and the reason when an image
cannot be pulled, a container cannot be created or keeps crashing (ErrImagePull, ImagePullBackOff,
CrashLoopBackOff, CreateContainerError, CreateContainerConfigError, InvalidImageName); a timeout
names what still blocks ("app waits for init container setup, still running after 120 s").

Images: as run does, on the local and kind providers (no registry) every container's image is
replaced by the local test image (${TEST_IMAGE}), and the
report says so; --image reference runs the images as written (the default on a cluster named by --kubeconfig);
--image REF replaces every image by REF.

Flags:
  --timeout SECONDS     how long a Pod may take to run or complete (default: ${defaults.podTimeoutMs / 1000})
  --tolerance MS        allowed excess over grace + 2 s at shutdown (default: ${defaults.shutdownToleranceMs})
  --reports DIR         where reports go (default: reports)
  --no-screenshot       skip the Chromium screenshot of the HTML report
${CLUSTER_FLAGS.replace(
  / {2}--image local\|reference\|REF\n[^]*substituted\./,
  `  --image local|reference|REF
                        local = every image replaced by the busybox test image (default on the
                        local and kind providers), reference = every image as written (default
                        elsewhere), REF = every image replaced by REF. The report says which ran.`,
)}

${EXIT_CODES}`,
  cluster: `Usage: sidecar-conformance cluster up|down|status [--provider auto|local|kind] [--name NAME] [--version V] [--node-image REF] [--feature-gates G=true,…]
       sidecar-conformance cluster list

With --provider kind (or auto finding kind): up reuses a kind cluster of --name or creates one from
kind-config.yaml with the version's node image (marked in
$XDG_STATE_HOME/sidecar-conformance/kind/NAME/), writes its kubeconfig there, waits for the node,
loads the local test images; down deletes only a cluster this harness created; status says which.
The rest of this text is the local provider's.

  up      build (cached under $XDG_CACHE_HOME/sidecar-conformance) and start etcd, kube-apiserver,
          kube-controller-manager, kube-scheduler, containerd and a kubelet; wait for the node to be
          Ready; print the kubeconfig path. Idempotent.
  down    stop everything up started; remove its pod containers, mounts, network devices and
          iptables rules; keep the logs. Other local clusters keep running.
  status  say what runs and where the kubeconfig and logs are.
  list    every local cluster with state on this host: name, version, running components,
          API server URL, node IP and bridge, kubeconfig.

Several local clusters run at once, one per name. ${defaults.clusterName} has ports 16443 (API
server), 12379-12380 (etcd), 10248-10259 (kubelet, controllers), bridge scbr0, node IP 10.244.0.1,
services 10.96.0.0/16; any other name gets slot N (1-99, kept in its state directory from its first
up): ports 20000+10N to 20000+10N+6, bridge scbrN, node IP 10.244.N.1, services 10.(96+N).0.0/16.
Two ups or downs of one name at once are refused (a lock file in its state directory).

State, logs and pid files: $XDG_STATE_HOME/sidecar-conformance/clusters/NAME/.
Flags:
  --name NAME       cluster name (default: ${defaults.clusterName})
  --version V       Kubernetes version (default: ${defaults.kubernetesVersion})
  --feature-gates G=true,…
                    feature gates for every component (API server, controller manager, scheduler,
                    kubelet), e.g. RestartAllContainersOnContainerExits=true; a running cluster
                    started with other gates is refused (take it down first)
  --provider auto|local|kind
                    the provider (default auto: kind when found, else local as root)
  --node-image REF  kind's node image (default: ${KIND_NODE_IMAGE('<V>')} of --version)

${EXIT_CODES}`,
  diff: `Usage: sidecar-conformance diff BEFORE/report.json AFTER/report.json [flags]

Compares two runs (last night and tonight, or two Kubernetes versions): every rule whose verdict
changed, and every measurement that moved beyond its noise band. A rule that went from pass to fail
is a regression: exit 1. Everything else is reported and exits 0.

The noise band of a time is max(--band-ms, --band-share × the earlier value); counts have none.

Flags:
  --band-ms MS          the band's floor for times (default: ${DEFAULT_BAND.floorMs})
  --band-share S        the band as a share of the earlier value (default: ${DEFAULT_BAND.share})
  --json                print the diff as JSON

${EXIT_CODES}`,
  'node-image': `Usage: sidecar-conformance node-image build [--version V] [--force]

Makes a kind node image for Kubernetes V (default ${defaults.kubernetesVersion}; \`latest\` as for cluster up)
without any registry, and loads it into docker as ${KIND_NODE_IMAGE('<V>')}: a Debian
bookworm rootfs from debootstrap (cached), systemd 252 (it still boots on cgroup v1), containerd
${defaults.containerdVersion} with restrict_oom_score_adj, runc and CNI plugins from Debian, crictl,
kubeadm, kubelet and kubectl built from the Go module proxy, a static ptp CNI config, and the
control-plane images kubeadm lists (kube-apiserver, kube-controller-manager, kube-scheduler, etcd,
pause) preloaded into the node's containerd. kube-proxy and CoreDNS are left out: create the
cluster with kind-config.yaml (kubeProxyMode none, addon/coredns skipped).

The node rootfs is cached under $XDG_CACHE_HOME/sidecar-conformance/kind/ keyed by its inputs;
a second build is a cache hit (seconds), or a docker import of the cached tar. Needs a running
dockerd: \`sidecar-conformance setup --kind\` as root.

Flags:
  --version V           Kubernetes version (built into the XDG cache when missing)
  --force               assemble again even when a cached image or tar matches

${EXIT_CODES}`,
  setup: `Usage: sidecar-conformance setup [--build] [--version V]
       sidecar-conformance setup --kind [--undo]

Installs the Debian packages the local cluster and the report's browser check need, when missing
(apt-get, as root). With --build, also builds the Kubernetes (--version, default
${defaults.kubernetesVersion}), etcd and containerd binaries into the XDG cache.

With --kind, readies this host for real kind clusters instead (as root): installs docker.io, jq
and debootstrap, writes the runc wrapper ${DEFAULT_WRAPPER_PATH} (it drops
CAP_SYS_RESOURCE, which root lacks here, from what kind's --privileged nodes ask for) and
/etc/docker/daemon.json (the wrapper as default runtime, "iptables": false so the local provider's
FORWARD policy stays, subnets away from the local clusters'), starts dockerd in the background
(log under $XDG_STATE_HOME/sidecar-conformance/docker/), and builds kind ${KIND_VERSION} into the XDG
cache. A running dockerd that already uses the wrapper is reused. --kind --undo stops the dockerd it
started and removes the wrapper and daemon.json it wrote (never files it did not write).

${EXIT_CODES}`,
};
