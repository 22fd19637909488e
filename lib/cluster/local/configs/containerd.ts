export interface ContainerdConfigOptions {
  /** 2: containerd 2.x built from source (config version 3). 1: Debian's containerd 1.6 (version 2). */
  major: 1 | 2;
  root: string;
  state: string;
  /** The gRPC socket; the ttrpc socket sits next to it as `<socket>.ttrpc`. */
  socket: string;
  /** Must name an image already imported into the k8s.io namespace: nothing can be pulled here. */
  sandboxImage: string;
  cniBinDir: string;
  cniConfDir: string;
  runcPath: string;
  /** runc's state directory (its --root): under our state dir, not the host-wide /run/containerd/runc. */
  runcRoot?: string;
}

/**
 * Plugins that cannot work on these machines or only add log noise: snapshotters for filesystems
 * we do not have, OpenTelemetry tracing with no collector, and (2.x) NRI, whose socket
 * /var/run/nri/nri.sock is shared with any containerd the host runs.
 */
const DISABLED_PLUGINS: Record<1 | 2, string[]> = {
  2: [
    'io.containerd.snapshotter.v1.btrfs',
    'io.containerd.snapshotter.v1.zfs',
    'io.containerd.snapshotter.v1.devmapper',
    'io.containerd.snapshotter.v1.blockfile',
    'io.containerd.snapshotter.v1.erofs',
    'io.containerd.differ.v1.erofs',
    'io.containerd.tracing.processor.v1.otlp',
    'io.containerd.internal.v1.tracing',
    'io.containerd.nri.v1.nri',
  ],
  1: [
    'io.containerd.snapshotter.v1.aufs',
    'io.containerd.snapshotter.v1.btrfs',
    'io.containerd.snapshotter.v1.zfs',
    'io.containerd.snapshotter.v1.devmapper',
    'io.containerd.tracing.processor.v1.otlp',
    'io.containerd.internal.v1.tracing',
  ],
};

/** TOML basic strings accept JSON's escapes. */
const str = (value: string): string => JSON.stringify(value);
const list = (values: string[]): string => `[${values.map(str).join(', ')}]`;

/**
 * containerd's config.toml. root, state and both sockets are our own paths, so this runtime lives
 * apart from any containerd the host runs; the `opt` plugin's directory moves under root for the
 * same reason (its default, /opt/containerd, is host-wide).
 *
 * `restrict_oom_score_adj = true` is what lets pods start at all: runc runs without
 * CAP_SYS_RESOURCE here and cannot lower oom_score_adj, and containerd asks for -998 on every pod
 * sandbox, so without it every pod stays ContainerCreating. It caps requests at containerd's own
 * value instead.
 *
 * `netns_mounts_under_state_dir` keeps pod network namespaces under our state directory rather
 * than the host's /var/run/netns. The CNI config dir holds exactly one conflist (max_conf_num 1).
 */
export function containerdConfig(opts: ContainerdConfigOptions): string {
  return opts.major === 2 ? containerd2Config(opts) : containerd1Config(opts);
}

function header(opts: ContainerdConfigOptions, version: 2 | 3): string[] {
  return [
    '# Written by sidecar-conformance for its local cluster; regenerated on every `cluster up`.',
    `version = ${version}`,
    `root = ${str(opts.root)}`,
    `state = ${str(opts.state)}`,
    `disabled_plugins = ${list(DISABLED_PLUGINS[opts.major])}`,
    '',
    '[grpc]',
    `  address = ${str(opts.socket)}`,
    '',
    '[ttrpc]',
    `  address = ${str(`${opts.socket}.ttrpc`)}`,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${str(`${opts.root}/opt`)}`,
    '',
  ];
}

/** The `containerd` sub-table: runc with cgroupfs (no systemd here) at the given path. */
function runcRuntime(table: string, runcPath: string, runcRoot?: string, extra: string[] = []): string[] {
  return [
    `  [${table}.containerd]`,
    ...extra,
    '    default_runtime_name = "runc"',
    `    [${table}.containerd.runtimes.runc]`,
    '      runtime_type = "io.containerd.runc.v2"',
    `      [${table}.containerd.runtimes.runc.options]`,
    `        BinaryName = ${str(runcPath)}`,
    '        SystemdCgroup = false',
    ...(runcRoot ? [`        Root = ${str(runcRoot)}`] : []),
  ];
}

/**
 * containerd 2.x splits the CRI plugin in three: images (snapshotter, pinned sandbox image),
 * runtime (runtimes, CNI, pod settings) and the gRPC server (streaming). Version 3 is the config
 * version every 2.x reads; 2.3+ migrate it to version 4 on load and log one line saying so.
 * 2.4 knows only `bin_dirs` (the older `bin_dir` is gone).
 */
function containerd2Config(opts: ContainerdConfigOptions): string {
  const images = 'plugins."io.containerd.cri.v1.images"';
  const runtime = 'plugins."io.containerd.cri.v1.runtime"';
  const server = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    ...header(opts, 3),
    `[${images}]`,
    '  snapshotter = "overlayfs"',
    `  [${images}.pinned_images]`,
    `    sandbox = ${str(opts.sandboxImage)}`,
    '',
    `[${runtime}]`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    ...runcRuntime(runtime, opts.runcPath, opts.runcRoot),
    `  [${runtime}.cni]`,
    `    bin_dirs = ${list([opts.cniBinDir])}`,
    `    conf_dir = ${str(opts.cniConfDir)}`,
    '    max_conf_num = 1',
    '',
    `[${server}]`,
    '  # exec/attach/port-forward streams, reached only by the kubelet on this host.',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '',
  ].join('\n');
}

/** containerd 1.6: one CRI plugin table holds everything. */
function containerd1Config(opts: ContainerdConfigOptions): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    ...header(opts, 2),
    `[${cri}]`,
    `  sandbox_image = ${str(opts.sandboxImage)}`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    ...runcRuntime(cri, opts.runcPath, opts.runcRoot, ['    snapshotter = "overlayfs"']),
    `  [${cri}.cni]`,
    `    bin_dir = ${str(opts.cniBinDir)}`,
    `    conf_dir = ${str(opts.cniConfDir)}`,
    '    max_conf_num = 1',
    '',
  ].join('\n');
}
