import { ENTRYPOINT } from './entrypoint.js';

/**
 * The files our kind node image adds to the bookworm rootfs: our own equivalents of what kind's
 * base image carries (units, containerd and crictl config, sysctls), plus the pieces this host
 * needs that kind's image leaves to patches (restrict_oom_score_adj, a static CNI config).
 */

export interface NodeFile {
  /** Relative to the rootfs, no leading slash. */
  path: string;
  mode: number;
  content: string;
}

export interface NodeFilesOptions {
  kubernetesVersion: string;
  /** Must equal the pause image kubeadm lists, which is also preloaded: nothing can be pulled. */
  sandboxImage: string;
  /** The pod subnet of the static CNI config (one node: the node's whole range). */
  podSubnet: string;
}

/** The containerd and CNI binary directories inside the node. */
export const NODE_CNI_BIN_DIRS = ['/opt/cni/bin', '/usr/lib/cni'];

/**
 * containerd 2.x config (version 3) at its default paths, with the systemd cgroup driver kind's
 * kubelet config asks for. `restrict_oom_score_adj = true` because runc here lacks
 * CAP_SYS_RESOURCE and cannot lower oom_score_adj: without it every pod sandbox (-998) fails.
 */
export function nodeContainerdConfig(opts: NodeFilesOptions): string {
  const images = 'plugins."io.containerd.cri.v1.images"';
  const runtime = 'plugins."io.containerd.cri.v1.runtime"';
  return `# Written by sidecar-conformance node-image build.
version = 3
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs", "io.containerd.differ.v1.erofs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[${images}]
  # kind's \`kind load\` reads this key (containerd config dump) to pick the import snapshotter.
  snapshotter = "overlayfs"
  [${images}.pinned_images]
    sandbox = ${JSON.stringify(opts.sandboxImage)}

[${runtime}]
  restrict_oom_score_adj = true
  tolerate_missing_hugepages_controller = true
  [${runtime}.containerd]
    default_runtime_name = "runc"
    [${runtime}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${runtime}.containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = true
  [${runtime}.cni]
    bin_dirs = ${JSON.stringify(NODE_CNI_BIN_DIRS)}
    conf_dir = "/etc/cni/net.d"
`;
}

/**
 * One node's pod network without kindnetd (whose image cannot be pulled here): ptp veths with
 * host-local addresses from the pod subnet, and portmap for hostPort.
 */
export function ptpConflist(podSubnet: string): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'sidecar-conformance-ptp',
      plugins: [
        {
          type: 'ptp',
          ipMasq: false,
          ipam: { type: 'host-local', ranges: [[{ subnet: podSubnet }]], routes: [{ dst: '0.0.0.0/0' }] },
          mtu: 1500,
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

const CONTAINERD_UNIT = `[Unit]
Description=containerd (sidecar-conformance kind node)
After=network.target local-fs.target
StartLimitIntervalSec=0

[Service]
ExecStart=/usr/local/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=1
# systemd clamps these to the node's hard limits (20000 open files here) instead of failing.
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity

[Install]
WantedBy=multi-user.target
`;

const KUBELET_UNIT = `[Unit]
Description=kubelet (sidecar-conformance kind node)
# kubeadm writes the config, then starts the kubelet itself.
ConditionPathExists=/var/lib/kubelet/config.yaml
After=containerd.service
Wants=containerd.service

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=1s
Slice=kubelet.slice
CPUAccounting=true
MemoryAccounting=true
KillMode=process

[Install]
WantedBy=multi-user.target
`;

/** kubeadm's flags files, as the upstream packages' drop-in reads them. */
const KUBELET_KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStartPre=/bin/sh -c 'if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then mkdir -p /sys/fs/cgroup/systemd/kubelet; fi'
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const KUBELET_SLICE = `[Unit]
Description=Kubernetes kubelet and its pods
Before=slices.target

[Slice]
CPUAccounting=true
MemoryAccounting=true
`;

/** Units that have nothing to do in a container, or fail there; masked (linked to /dev/null). */
export const MASKED_UNITS = [
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-binfmt.service',
  'proc-sys-fs-binfmt_misc.automount',
  'systemd-modules-load.service',
  'systemd-remount-fs.service',
  'systemd-firstboot.service',
  'systemd-timesyncd.service',
  'systemd-networkd.service',
  'systemd-resolved.service',
  'getty.target',
  'console-getty.service',
  'getty@tty1.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'kmod-static-nodes.service',
  'dev-hugepages.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-fs-fuse-connections.mount',
  'sys-kernel-config.mount',
];

/** What debootstrap's bookworm enables that a node does not want, under /etc/systemd/system. */
export const NODE_DEFAULT_WANTS_REMOVED = [
  'timers.target.wants',
  'getty.target.wants',
  'multi-user.target.wants/e2scrub_reap.service',
  'multi-user.target.wants/remote-fs.target',
  'sysinit.target.wants/systemd-pstore.service',
];

/** Our units, enabled in multi-user.target. */
export const ENABLED_UNITS = ['containerd.service', 'kubelet.service'];

export function nodeFiles(opts: NodeFilesOptions): NodeFile[] {
  const file = (path: string, content: string, mode = 0o644): NodeFile => ({ path, mode, content });
  return [
    file('usr/local/bin/entrypoint', ENTRYPOINT, 0o755),
    // kind reads this (semver) to pick its kubeadm config template.
    file('kind/version', `${opts.kubernetesVersion}\n`),
    file('etc/containerd/config.toml', nodeContainerdConfig(opts)),
    file('etc/crictl.yaml', 'runtime-endpoint: unix:///run/containerd/containerd.sock\n'),
    file('etc/cni/net.d/10-ptp.conflist', ptpConflist(opts.podSubnet)),
    file('etc/systemd/system/containerd.service', CONTAINERD_UNIT),
    file('etc/systemd/system/kubelet.service', KUBELET_UNIT),
    file('etc/systemd/system/kubelet.service.d/10-kubeadm.conf', KUBELET_KUBEADM_DROPIN),
    file('etc/systemd/system/kubelet.slice', KUBELET_SLICE),
    file('etc/default/kubelet', 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service\n'),
    // The journal reads no kernel log (the host's), and the node's log goes to kind's serial.log too.
    file(
      'etc/systemd/journald.conf.d/10-sidecar-conformance.conf',
      '[Journal]\nReadKMsg=no\nForwardToConsole=no\n',
    ),
    file(
      'etc/sysctl.d/10-sidecar-conformance.conf',
      '# Pods reach 127.0.0.x hostPorts through portmap; rp_filter as kind sets it.\nnet.ipv4.conf.all.route_localnet=1\nnet.ipv4.conf.all.rp_filter=1\nnet.ipv4.conf.default.rp_filter=1\n',
    ),
    file(
      'kind/README.txt',
      "A kind node image made by `sidecar-conformance node-image build` (not kind's own): bookworm,\nsystemd 252, containerd 2.x, and Kubernetes built from the Go module proxy.\n",
    ),
  ];
}
