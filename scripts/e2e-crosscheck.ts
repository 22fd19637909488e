/**
 * Cross-check against upstream's own suite on the same cluster: builds `e2e.test` from
 * k8s.io/kubernetes/test/e2e at the cluster's version (through a wrapper module, as the cluster's
 * binaries are built), tags the local agnhost / busybox / pause images under the names e2e.test
 * looks for, runs its restartable-init-container specs of test/e2e/common/node (probes, lifecycle
 * hooks, in-place resize, RestartAllContainers) against the local cluster, removes the tags again,
 * and prints, row by row (P1–P11, H1, H2, R1, X1–X3 of ../shared/upstream-rules.md), e2e.test's
 * verdict beside ours (the latest live report of the scenario following that row).
 *
 *   npm run crosscheck:e2e                 build if missing, run, print the table
 *   npm run crosscheck:e2e -- --help
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, readlink, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { REPO_ROOT } from '../lib/cli/job.js';
import { layoutFor } from '../lib/cluster/local/configs/layout.js';
import { goProxyFile, releaseDate } from '../lib/cluster/local/build.js';
import { kubernetesStagingVersion, wrapperGoMod } from '../lib/cluster/local/gomod.js';
import { pathExists } from '../lib/fs.js';
import { PAUSE_IMAGE, TEST_IMAGE, cacheDir, clusterDir } from '../lib/config.js';
import { testImageSpec } from '../lib/cluster/local/images.js';
import { parseReference, writeOciArchive } from '../lib/cluster/local/oci.js';
import type { TarEntry } from '../lib/cluster/local/tar.js';
import { SCENARIOS } from '../lib/scenarios/registry.js';

const HELP = `Usage: npm run crosscheck:e2e -- [flags]

Builds upstream's e2e.test (k8s.io/kubernetes/test/e2e, go test -c) for the cluster's version if it
is not cached (~/.cache/sidecar-conformance/bin/e2e-v<V>/e2e.test; build dir and log in
~/.cache/sidecar-conformance/build/e2e-v<V>/), tags the local images under the names e2e.test
expects (only names that were missing; removed again at the end), runs the restartable-init-container
specs of test/e2e/common/node in N concurrent e2e.test processes (shards), and prints the row-by-row
table against our latest live reports (markdown).

Flags:
  --version V        Kubernetes version (default 1.37.2)
  --name N           local cluster name (default sidecar-conformance)
  --shards N         concurrent e2e.test processes (default 4)
  --timeout MIN      ginkgo timeout per shard, minutes (default 90)
  --reports DIR      where e2e-crosscheck-<time>/ goes (default reports)
  --from DIR         do not run: make the table from the junit files of an earlier run in DIR
  --write-readme     replace the README's generated:e2e-crosscheck block with the table
  --build-only       build e2e.test (if missing) and stop
  --dry-run          list the specs the focus selects and stop (no images tagged, nothing run)
  --only TEXT        run only the selected specs whose text contains TEXT`;

const CTR_NAMESPACE = 'k8s.io';

/** What selects upstream's restartable-init-container specs in test/e2e/common/node. */
const FOCUS = [
  'Probing restartable init container',
  'Restartable Init Container Lifecycle Hook',
  'RestartAllContainers should restart all containers on regular container exit',
  'RestartAllContainers should restart all containers on sidecar container exit',
  'RestartAllContainers should restart init and sidecar containers on init container exit',
  // pod_resize.go (v1.37): every Guaranteed case has a sidecar c1-init; these entries resize it too.
  // (Not the "PLR" pod-level-resources copies of them.)
  'Pod InPlace Resize Container guaranteed qos - 1 container with resize policy .*resize initContainers',
];
const SKIP = ['\\[Serial\\]', '\\[Disruptive\\]'];

interface SpecRow {
  row: string;
  /** The end of the spec's text with every [label] taken out (see `plainText`). */
  it: string;
  /** Our scenario following exactly this It, or why none does. */
  ours: string | { none: string };
}

const PROBE = 'Probing restartable init container ';
const HOOK = 'Restartable Init Container Lifecycle Hook when create a pod with lifecycle hook ';
const RESIZE = 'Pod InPlace Resize Container guaranteed qos - 1 container with resize policy ';
const OTHER_IT = 'not followed: the row is followed through another It';
const probe = (row: string, it: string, ours: string | null): SpecRow => ({
  row,
  it: PROBE + it,
  ours: ours ?? { none: OTHER_IT },
});

/** Upstream It ↔ our scenario, per row. Each named scenario must have that `upstream.row` in the registry. */
const ALL_SPECS: SpecRow[] = [
  probe(
    'P1',
    'with readiness probe should not be ready before initial delay and never restart',
    'sidecar-readiness-initial-delay',
  ),
  probe(
    'P2',
    'with readiness probe that fails should never be ready and never restart',
    'sidecar-readiness-failing',
  ),
  probe('P2', 'should not be ready with an exec readiness probe timeout', 'sidecar-readiness-failing'),
  probe('P3', 'should be restarted with a exec "cat /tmp/health" liveness probe', null),
  probe('P3', 'should be restarted with a /healthz http liveness probe', 'sidecar-liveness-fail-restarts'),
  probe('P3', 'should be restarted with an exec liveness probe with timeout', null),
  probe(
    'P3',
    'should be restarted with a failing exec liveness probe that took longer than the timeout',
    null,
  ),
  probe('P3', 'should be restarted with a local redirect http liveness probe', null),
  probe('P3', 'should be restarted with a GRPC liveness probe', null),
  probe('P4', 'should *not* be restarted with a exec "cat /tmp/health" liveness probe', null),
  probe('P4', 'should *not* be restarted with a tcp:8080 liveness probe', 'sidecar-liveness-pass-no-restart'),
  probe(
    'P4',
    'should *not* be restarted with a /healthz http liveness probe',
    'sidecar-liveness-pass-no-restart',
  ),
  probe(
    'P4',
    'should *not* be restarted with a non-local redirect http liveness probe',
    'sidecar-liveness-pass-no-restart',
  ),
  probe('P4', 'should *not* be restarted with a GRPC liveness probe', null),
  probe('P5', 'should have monotonically increasing restart count', 'sidecar-liveness-monotonic'),
  probe('P6', 'should be restarted startup probe fails', 'sidecar-startup-fail-restarts'),
  probe(
    'P7',
    'should *not* be restarted by liveness probe because startup probe delays it',
    'sidecar-startup-gates-liveness',
  ),
  probe(
    'P7',
    'should be restarted by liveness probe after startup probe enables it',
    'sidecar-startup-gates-liveness',
  ),
  probe('P8', 'should be ready immediately after startupProbe succeeds', 'sidecar-ready-after-startup'),
  probe(
    'P9',
    'should override timeoutGracePeriodSeconds when LivenessProbe field is set',
    'sidecar-probe-level-grace',
  ),
  probe(
    'P9',
    'should override timeoutGracePeriodSeconds when StartupProbe field is set',
    'sidecar-probe-level-grace',
  ),
  probe(
    'P10',
    'should mark readiness on pods to false while pod is in progress of terminating when a pod has a readiness probe',
    'sidecar-unready-on-termination',
  ),
  probe(
    'P11',
    'should mark readiness on pods to false and disable liveness probes while pod is in progress of terminating',
    'sidecar-liveness-off-on-termination',
  ),
  // Hooks: ours follow the http hooks.
  ...(['poststart', 'prestop'] as const).flatMap((hook) =>
    (['exec', 'http', 'https'] as const).map((kind): SpecRow => ({
      row: hook === 'poststart' ? 'H1' : 'H2',
      it: `${HOOK}should execute ${hook} ${kind} hook properly`,
      ours:
        kind !== 'http'
          ? { none: OTHER_IT }
          : hook === 'poststart'
            ? 'sidecar-poststart-hook'
            : 'sidecar-prestop-hook',
    })),
  ),
  // Resize: ours follow two of the eight entries.
  ...(['no restart', 'cpu & mem restart'] as const).flatMap((policy) =>
    (['cpu', 'mem', 'cpu & mem in the same direction', 'cpu & mem in opposite directions'] as const).map(
      (what): SpecRow => ({
        row: 'R1',
        it: `${RESIZE}${policy} + resize initContainers resizing ${what}`,
        ours:
          policy === 'no restart' && what === 'cpu'
            ? 'sidecar-inplace-resize-cpu'
            : policy === 'cpu & mem restart' && what === 'mem'
              ? 'sidecar-inplace-resize-memory-restart'
              : { none: OTHER_IT },
      }),
    ),
  ),
  {
    row: 'X1',
    it: 'RestartAllContainers should restart all containers on regular container exit',
    ours: 'restart-all-on-app-exit',
  },
  {
    row: 'X2',
    it: 'RestartAllContainers should restart all containers on sidecar container exit',
    ours: 'restart-all-on-sidecar-exit',
  },
  {
    row: 'X3',
    it: 'RestartAllContainers should restart init and sidecar containers on init container exit',
    ours: 'restart-all-on-init-exit',
  },
];

/** A junit name without `[It] ` and the trailing label list: the text Ginkgo's focus matches. */
const specText = (junitName: string) => junitName.replace(/^\[It\] /, '').replace(/ \[[^\]]*\]$/, '');
/** The text with every `[label]` (sig, feature gates, conformance tags) taken out. */
const plainText = (text: string) =>
  text
    .replace(/\s*\[[^\]]*\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Where e2e.test and we disagree (or e2e.test fails a spec we do not follow) for a reason that is
 * understood, keyed by the spec: the explanation printed under the table.
 */
const EXPLAINED: Array<{ match: RegExp; why: string }> = [
  {
    match: /cpu & mem restart \+ resize initContainers/,
    why:
      'an environment limit, not a sidecar behaviour. For every container a resize restarted, upstream also ' +
      'checks that its oom_score_adj is the Guaranteed value (podresize.verifyContainerRestarts → verifyOomScoreAdj, ' +
      'pod_resize.go:1216): "oom_score_adj value 0 not equal to expected -997 for container c1-init" (and c1). This VM ' +
      'has no CAP_SYS_RESOURCE, so the local cluster runs containerd with `restrict_oom_score_adj = true` and the ' +
      'kubelet with `oomScoreAdj: 0` (see "The local provider"): no container can get a negative score. The ' +
      'aggregate names only oom_score_adj: status resources, cgroup values and restart counts (1 each) matched, ' +
      'which is what our scenario checks; it does not check oom_score_adj.',
  },
];

// ---------------------------------------------------------------------------------------------
// Build

const progress = (line: string) => process.stderr.write(`[e2e-crosscheck] ${line}\n`);

function versionLdflags(version: string, buildDate: string): string {
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(version) ?? [];
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags.join(' ');
}

/** `<cache>/bin/e2e-v<V>/e2e.test`, built through `<cache>/build/e2e-v<V>/` when missing. */
async function ensureE2eBinary(version: string): Promise<{ binary: string; builtSeconds?: number }> {
  const cache = cacheDir();
  const binDir = join(cache, 'bin', `e2e-${version}`);
  const binary = join(binDir, 'e2e.test');
  if (await pathExists(binary)) return { binary };

  const workDir = join(cache, 'build', `e2e-${version}`);
  await mkdir(workDir, { recursive: true });
  await mkdir(binDir, { recursive: true });
  const logPath = join(workDir, 'build.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const env = { CGO_ENABLED: '0', GOFLAGS: '-mod=mod -buildvcs=false' };
  const started = Date.now();
  try {
    if (!(await pathExists(join(workDir, 'tools.go')))) {
      progress(`e2e.test ${version}: generating the wrapper module in ${workDir}`);
      const upstream = await goProxyFile('k8s.io/kubernetes', version, 'mod');
      const twin = kubernetesStagingVersion(version);
      const goMod = wrapperGoMod({
        module: 'k8s.io/kubernetes',
        version,
        upstreamGoMod: upstream,
        twinVersion: () => twin,
        mainPackages: [],
      })
        .replace(/^tool \(\n\)\n/m, '')
        .replace(/^module .*$/m, 'module sidecar-conformance.local/build/k8s.io-kubernetes-e2e')
        .replace(
          /^\/\/ Generated .*$/m,
          `// Generated by scripts/e2e-crosscheck.ts to build k8s.io/kubernetes/test/e2e ${version}; do not edit.`,
        );
      await writeFile(join(workDir, 'go.mod'), goMod);
      // The cluster's own wrapper already has most hashes: start from its go.sum when there is one.
      const clusterSum = join(cache, 'build', `kubernetes-${version}`, 'go.sum');
      if (await pathExists(clusterSum)) await copyFile(clusterSum, join(workDir, 'go.sum'));
      const { stdout } = await execa(
        'go',
        [
          'list',
          '-f',
          '{{join .TestImports "\\n"}}\n{{join .XTestImports "\\n"}}',
          'k8s.io/kubernetes/test/e2e',
        ],
        { cwd: workDir, env },
      );
      const imports = [...new Set(stdout.split('\n').filter((p) => p.includes('.')))].sort();
      const tools = [
        '//go:build tools',
        '',
        '// Generated by scripts/e2e-crosscheck.ts: the test imports of k8s.io/kubernetes/test/e2e, so go mod tidy keeps them.',
        'package tools',
        '',
        'import (',
        '\t_ "k8s.io/kubernetes/test/e2e"',
        ...imports.map((p) => `\t_ "${p}"`),
        ')',
        '',
      ].join('\n');
      progress(`e2e.test ${version}: resolving modules (go mod tidy)`);
      await writeFile(join(workDir, 'tools.go'), tools);
      const tidy = await execa('go', ['mod', 'tidy'], { cwd: workDir, env, all: true, reject: false });
      log.write(tidy.all ?? '');
      if (tidy.exitCode !== 0) throw new Error(`go mod tidy failed in ${workDir}; see ${logPath}`);
    }
    const date = await releaseDate('k8s.io/kubernetes', version);
    const ldflags = versionLdflags(version, date);
    // Step 1: compile every package the test imports with `go build -v` (which names each package
    // as it compiles it: the progress count); step 2 reuses them from Go's build cache.
    const { stdout: depList } = await execa(
      'go',
      [
        'list',
        '-deps',
        '-test',
        '-f',
        '{{if not .Standard}}{{.ImportPath}}{{end}}',
        'k8s.io/kubernetes/test/e2e',
      ],
      { cwd: workDir, env },
    );
    const total = depList.split('\n').filter(Boolean).length;
    let compiled = 0;
    const ticker = setInterval(
      () =>
        progress(
          `e2e.test ${version}: ${compiled}/${total} packages compiled, ${Math.round((Date.now() - started) / 1000)} s; log: ${logPath}`,
        ),
      30_000,
    );
    try {
      progress(`e2e.test ${version}: compiling up to ${total} packages (nice -n 10); log: ${logPath}`);
      log.write(`== ${new Date().toISOString()} go build -v (test imports of k8s.io/kubernetes/test/e2e)\n`);
      const pkgs =
        (await readFile(join(workDir, 'tools.go'), 'utf8'))
          .match(/_ "([^"]+)"/g)
          ?.map((m) => m.slice(3, -1)) ?? [];
      const build = execa('nice', ['-n', '10', 'go', 'build', '-v', '-trimpath', ...pkgs], {
        cwd: workDir,
        env,
        all: true,
        reject: false,
      });
      build.all?.on('data', (chunk: Buffer) => {
        compiled += chunk.toString().split('\n').filter(Boolean).length;
      });
      build.all?.pipe(log, { end: false });
      const built = await build;
      if (built.exitCode !== 0) throw new Error(`go build of the e2e packages failed; see ${logPath}`);
      progress(`e2e.test ${version}: linking (go test -c)`);
      log.write(`== ${new Date().toISOString()} go test -c\n`);
      const partial = join(binDir, '.e2e.test.partial');
      const testc = execa(
        'nice',
        [
          '-n',
          '10',
          'go',
          'test',
          '-c',
          '-vet=off',
          '-trimpath',
          '-ldflags',
          ldflags,
          '-o',
          partial,
          'k8s.io/kubernetes/test/e2e',
        ],
        { cwd: workDir, env, all: true, reject: false },
      );
      testc.all?.pipe(log, { end: false });
      const linked = await testc;
      if (linked.exitCode !== 0)
        throw new Error(`go test -c k8s.io/kubernetes/test/e2e failed; see ${logPath}`);
      await chmod(partial, 0o755);
      await rename(partial, binary);
    } finally {
      clearInterval(ticker);
    }
  } finally {
    log.end();
  }
  const builtSeconds = (Date.now() - started) / 1000;
  progress(`e2e.test ${version}: built in ${builtSeconds.toFixed(0)} s → ${binary}`);
  return { binary, builtSeconds };
}

// ---------------------------------------------------------------------------------------------
// Images

async function ctr(ctrBinary: string, socket: string, args: string[]): Promise<string> {
  const result = await execa(ctrBinary, ['--address', socket, '--namespace', CTR_NAMESPACE, ...args], {
    reject: false,
    all: true,
    timeout: 120_000,
  });
  if (result.exitCode !== 0) throw new Error(`ctr ${args.join(' ')} failed: ${(result.all ?? '').trim()}`);
  return result.stdout;
}

async function imageNames(ctrBinary: string, socket: string): Promise<Set<string>> {
  const out = await ctr(ctrBinary, socket, ['images', 'list', '--quiet']);
  return new Set(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/**
 * The names e2e.test expects for the three images the focused specs use: the tags its own
 * test/utils/image/manifest.go gives Agnhost, BusyBox and Pause, as `--list-images` prints them
 * (that list also holds older tags other specs use).
 */
async function expectedImages(
  binary: string,
  version: string,
): Promise<{ agnhost: string; busybox: string; pause: string }> {
  const manifest = (await moduleFile(version, 'test/utils/image/manifest.go')).toString('utf8');
  const { stdout } = await execa(binary, ['--list-images']);
  const lines = stdout.split('\n').map((l) => l.trim());
  const pick = (key: string) => {
    const config = new RegExp(
      `configs\\[${key}\\]\\s*=\\s*Config\\{[^,]+,\\s*"([^"]+)",\\s*"([^"]+)"\\}`,
    ).exec(manifest);
    if (!config) throw new Error(`manifest.go has no configs[${key}]`);
    const found = lines.find((l) => l.endsWith(`/${config[1]}:${config[2]}`));
    if (!found) throw new Error(`e2e.test --list-images names no ${config[1]}:${config[2]}`);
    return found;
  };
  return { agnhost: pick('Agnhost'), busybox: pick('BusyBox'), pause: pick('Pause') };
}

/** A file of k8s.io/kubernetes's source at `version`, from Go's module cache. */
async function moduleFile(version: string, path: string): Promise<Buffer> {
  const { stdout } = await execa('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], {
    cwd: '/',
    env: { GOFLAGS: '-mod=mod' },
  });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download k8s.io/kubernetes@${version} gave no source directory`);
  return readFile(join(dir, path));
}

/**
 * e2e.test's agnhost, made like upstream's image as far as its specs here need: the same agnhost
 * binary the cluster's image has (built from this module version), at /agnhost with the agnhost-2
 * link, /uploads, porter's localhost.crt/.key at / (the HTTPS hooks' netexec), and, for the specs
 * that exec into it, a shell: upstream's image is Alpine with bash and curl; here Debian's static
 * busybox (every applet), /bin/bash as a script running busybox sh, and /bin/curl as a script
 * GETting its URL argument with busybox wget. Written once to the image cache.
 */
async function e2eAgnhostArchive(version: string, reference: string): Promise<string> {
  const cache = cacheDir();
  const tag = parseReference(reference).tag;
  const agnhost = await readFile(join(cache, 'bin', `agnhost-${version}`, 'agnhost'));
  // Named by what it is made from (this function's text, the agnhost binary): a change writes a new one.
  const hash = createHash('sha256')
    .update(e2eAgnhostArchive.toString())
    .update(agnhost)
    .digest('hex')
    .slice(0, 16);
  const archive = join(cache, 'images', `e2e-agnhost-${tag}-${version}-${hash}.oci.tar`);
  if (await pathExists(archive)) return archive;
  const porter = 'test/images/agnhost/porter';
  const base = await testImageSpec();
  const script = (path: string, body: string): TarEntry => ({
    type: 'file',
    path,
    mode: 0o755,
    content: Buffer.from(`#!/bin/sh\n${body}\n`),
  });
  const entries: TarEntry[] = [
    ...base.entries,
    { type: 'file', path: 'agnhost', mode: 0o755, content: agnhost },
    { type: 'symlink', path: 'agnhost-2', target: 'agnhost' },
    { type: 'directory', path: 'uploads', mode: 0o755 },
    {
      type: 'file',
      path: 'localhost.crt',
      mode: 0o644,
      content: await moduleFile(version, `${porter}/localhost.crt`),
    },
    {
      type: 'file',
      path: 'localhost.key',
      mode: 0o644,
      content: await moduleFile(version, `${porter}/localhost.key`),
    },
    script(
      'bin/bash',
      '# stand-in for bash (upstream agnhost is Alpine with bash): busybox sh\nexec /bin/busybox sh "$@"',
    ),
    script(
      'bin/curl',
      [
        '# stand-in for curl (upstream agnhost is Alpine with curl): GET the URL argument with busybox wget',
        'url=',
        'for a in "$@"; do case "$a" in http://*|https://*) url="$a";; esac; done',
        'exec /bin/busybox wget -q -O - "$url"',
      ].join('\n'),
    ),
  ];
  progress(`writing ${reference} (agnhost + busybox) to ${archive}`);
  await writeOciArchive(
    {
      reference,
      entries,
      entrypoint: ['/agnhost'],
      cmd: ['pause'],
      env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
    },
    archive,
  );
  return archive;
}

// ---------------------------------------------------------------------------------------------
// Running

interface Case {
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | string;
  seconds: number;
  message: string;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&#xA;/g, '\n')
    .replace(/&#x9;/g, '\t')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The [It] test cases of a Ginkgo v2 junit report. */
function parseJunit(xml: string): Case[] {
  const cases: Case[] = [];
  for (const match of xml.matchAll(/<testcase\s+([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], unescapeXml(a[2] ?? '')]),
    );
    const name = attrs.name ?? '';
    if (!name.startsWith('[It] ')) continue;
    const body = match[3] ?? '';
    const message = /<(failure|error|skipped)\s+message="([^"]*)"/.exec(body)?.[2] ?? '';
    cases.push({
      name: name.slice(5),
      status:
        attrs.status ??
        (body.includes('<failure') ? 'failed' : body.includes('<skipped') ? 'skipped' : 'passed'),
      seconds: Number(attrs.time ?? 0),
      message: unescapeXml(message),
    });
  }
  return cases;
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function baseArgs(kubeconfig: string, dir: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--provider=skeleton',
    `--report-dir=${dir}`,
    '--ginkgo.no-color',
    `--ginkgo.skip=${SKIP.join('|')}`,
    // One node, no cloud, no system pods to wait for, no image pre-pull, nothing purged.
    '--allowed-not-ready-nodes=0',
    '--minStartupPods=0',
    '--clean-start=false',
    '--prepull-images=false',
  ];
}

async function listSpecs(binary: string, kubeconfig: string, dir: string): Promise<string[]> {
  const junit = join(dir, 'dry-run.xml');
  await execa(
    binary,
    [
      ...baseArgs(kubeconfig, dir),
      ...FOCUS.map((f) => `--ginkgo.focus=${f}`),
      '--ginkgo.dry-run',
      `--ginkgo.junit-report=${junit}`,
    ],
    { reject: false, all: true },
  );
  // A dry run reports the selected specs as passed and every other one as skipped.
  return parseJunit(await readFile(junit, 'utf8'))
    .filter((c) => c.status === 'passed')
    .map((c) => c.name);
}

/** Rough duration per spec (s), from what each waits for upstream: for balancing shards only. */
function estimate(spec: string): number {
  if (/should \*not\* be restarted/.test(spec) || /monotonically/.test(spec)) return 260;
  if (/never be ready|readiness probe timeout/.test(spec)) return 90;
  if (/terminating/.test(spec)) return 120;
  if (/resize/.test(spec)) return 90;
  if (/RestartAllContainers|restart all|restart init/.test(spec)) return 120;
  return 100;
}

/** Longest first onto the least loaded shard; every resize spec stays in one shard (they share a node extended resource). */
function shard(specs: string[], n: number): string[][] {
  const shards: Array<{ specs: string[]; load: number }> = Array.from({ length: n }, () => ({
    specs: [],
    load: 0,
  }));
  const resize = specs.filter((s) => /resize policy/.test(s));
  const jobs: Array<{ specs: string[]; load: number }> = [
    ...(resize.length ? [{ specs: resize, load: resize.reduce((a, s) => a + estimate(s), 0) }] : []),
    ...specs.filter((s) => !/resize policy/.test(s)).map((s) => ({ specs: [s], load: estimate(s) })),
  ].sort((a, b) => b.load - a.load);
  for (const job of jobs) {
    const target = shards.reduce((a, b) => (b.load < a.load ? b : a));
    target.specs.push(...job.specs);
    target.load += job.load;
  }
  return shards.map((s) => s.specs).filter((s) => s.length > 0);
}

async function runShards(
  binary: string,
  kubeconfig: string,
  dir: string,
  shards: string[][],
  timeoutMinutes: number,
): Promise<void> {
  await Promise.all(
    shards.map(async (specs, index) => {
      const shardDir = join(dir, `shard-${index + 1}`);
      await mkdir(shardDir, { recursive: true });
      const args = [
        ...baseArgs(kubeconfig, shardDir),
        ...specs.map((s) => `--ginkgo.focus=${regexEscape(specText(s))}$`),
        `--ginkgo.junit-report=${join(shardDir, 'junit.xml')}`,
        `--ginkgo.timeout=${timeoutMinutes}m`,
        '--ginkgo.v',
      ];
      await writeFile(
        join(shardDir, 'command.txt'),
        [binary, ...args].map((a) => `'${a}'`).join(' \\\n  ') + '\n',
      );
      const logPath = join(shardDir, 'e2e.log');
      progress(`shard ${index + 1}: ${specs.length} specs; log: ${logPath}`);
      const started = Date.now();
      const child = execa(binary, args, { reject: false, all: true, cwd: shardDir });
      child.all?.pipe(createWriteStream(logPath));
      let current = '';
      let pending = '';
      child.all?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('[sig-')) current = plainText(line.replace(/ \[[^\]]*\]$/, ''));
          const done = /^•? ?(\[(FAILED|SKIPPED|PANICKED|TIMEDOUT|INTERRUPTED)\] )?\[([\d.]+) seconds\]/.exec(
            line,
          );
          if (done) {
            const verdict = (done[2] ?? 'passed').toLowerCase();
            progress(`shard ${index + 1}: ${verdict} in ${Math.round(Number(done[3]))} s: ${current}`);
          }
        }
      });
      const result = await child;
      progress(
        `shard ${index + 1}: exited ${result.exitCode ?? result.signal} after ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Our side and the table

interface OurVerdict {
  /** The newest pass or fail (an undecided run says nothing either way). */
  decided?: { verdict: string; runId: string };
  /** Verdict → how many runs on this version gave it. */
  counts: Record<string, number>;
  runs: number;
}

async function ourVerdicts(version: string): Promise<Map<string, OurVerdict>> {
  const reportsDir = join(REPO_ROOT, 'reports');
  const found = new Map<string, Array<{ at: string; verdict: string; runId: string }>>();
  for (const entry of await readdir(reportsDir)) {
    if (entry === 'latest') continue;
    const path = join(reportsDir, entry, 'report.json');
    if (!(await pathExists(path))) continue;
    const report = JSON.parse(await readFile(path, 'utf8')) as {
      runId?: string;
      provider?: string;
      kubernetesVersion?: string;
      scenarios?: Array<{ name: string; verdict: string; startedAt: string }>;
    };
    if (report.kubernetesVersion !== version || report.provider !== 'local') continue;
    for (const s of report.scenarios ?? []) {
      const list = found.get(s.name) ?? [];
      list.push({ at: s.startedAt, verdict: s.verdict, runId: report.runId ?? entry });
      found.set(s.name, list);
    }
  }
  const out = new Map<string, OurVerdict>();
  for (const [name, list] of found) {
    list.sort((a, b) => a.at.localeCompare(b.at));
    const decided = list.filter((r) => r.verdict === 'pass' || r.verdict === 'fail').pop();
    const counts: Record<string, number> = {};
    for (const r of list) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
    out.set(name, {
      decided: decided && { verdict: decided.verdict, runId: decided.runId },
      counts,
      runs: list.length,
    });
  }
  return out;
}

function checkRegistry(): void {
  for (const spec of ALL_SPECS) {
    if (typeof spec.ours !== 'string') continue;
    const scenario = SCENARIOS.find((s) => s.name === spec.ours);
    if (!scenario) throw new Error(`scenario ${spec.ours} (row ${spec.row}) is not in the registry`);
    if (scenario.upstream?.row !== spec.row) {
      throw new Error(`scenario ${spec.ours} follows row ${scenario.upstream?.row}, not ${spec.row}`);
    }
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const VERDICT_ORDER = ['pass', 'fail', 'undecided', 'error', 'not applicable'];

function table(cases: Case[], ours: Map<string, OurVerdict>, version: string): string {
  const lines = [
    '| Row | Upstream spec (e2e.test, test/e2e/common/node; Describe left out) | e2e.test | Ours (newest decided live run; all runs on ' +
      version +
      ') | Agree? |',
    '| --- | --- | --- | --- | --- |',
  ];
  const notes: string[] = [];
  const note = (why: string) => {
    if (!notes.includes(why)) notes.push(why);
    return notes.indexOf(why) + 1;
  };
  const used = new Set<string>();
  for (const spec of ALL_SPECS) {
    const hit = cases.find((c) => plainText(specText(c.name)).endsWith(spec.it));
    if (hit) used.add(hit.name);
    const e2e = hit ? `${hit.status}${hit.seconds ? ` (${Math.round(hit.seconds)} s)` : ''}` : 'not run';
    let oursCell: string;
    let agree: string;
    if (typeof spec.ours === 'string') {
      const v = ours.get(spec.ours);
      const tally = v
        ? Object.entries(v.counts)
            .sort(([a], [b]) => VERDICT_ORDER.indexOf(a) - VERDICT_ORDER.indexOf(b))
            .map(([verdict, n]) => `${n} ${verdict}`)
            .join(', ')
        : '';
      oursCell = !v
        ? `\`${spec.ours}\`: no live report`
        : v.decided
          ? `\`${spec.ours}\`: ${v.decided.verdict} (run ${v.decided.runId}; ${tally} of ${v.runs})`
          : `\`${spec.ours}\`: never decided (${tally})`;
      const explained = EXPLAINED.find((e) => e.match.test(spec.it));
      if (!hit || !v?.decided) agree = '—';
      else if ((hit.status === 'passed') === (v.decided.verdict === 'pass')) agree = 'yes';
      else if (explained) {
        agree = `no (explained: note ${note(explained.why)})`;
      } else agree = '**NO (unexplained)**';
    } else {
      oursCell = `— (${spec.ours.none})`;
      const explained = EXPLAINED.find((e) => e.match.test(spec.it));
      if (hit && hit.status !== 'passed' && explained) {
        agree = `n/a (e2e.test ${hit.status}: note ${note(explained.why)})`;
      } else if (hit && hit.status !== 'passed') agree = `n/a (e2e.test ${hit.status}, unexplained)`;
      else agree = 'n/a';
    }
    const shortIt = [PROBE, HOOK, RESIZE].reduce((text, prefix) => text.replace(prefix, ''), spec.it);
    lines.push(`| ${spec.row} | ${cell(shortIt)} | ${e2e} | ${cell(oursCell)} | ${agree} |`);
  }
  const extra = cases.filter((c) => !used.has(c.name));
  for (const c of extra) lines.push(`| ? | ${cell(c.name)} | ${c.status} | — (no row mapped) | n/a |`);
  return [...lines, ...(notes.length ? ['', ...notes.map((why, i) => `${i + 1}. ${why}`)] : [])].join('\n');
}

function summary(cases: Case[]): string {
  const by = (s: string) => cases.filter((c) => c.status === s).length;
  const other = cases.length - by('passed') - by('failed') - by('skipped');
  return `${cases.length} specs: ${by('passed')} passed, ${by('failed')} failed, ${by('skipped')} skipped${other ? `, ${other} other` : ''}`;
}

/**
 * The specs the shards ran. Each shard's report also lists every spec it did not select as
 * skipped with the bare message "skipped"; a selected spec skipped at run time says why.
 */
async function readCases(dir: string): Promise<Case[]> {
  const cases: Case[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const junit = join(dir, entry, 'junit.xml');
    if (!entry.startsWith('shard-') || !(await pathExists(junit))) continue;
    const ran = parseJunit(await readFile(junit, 'utf8')).filter(
      (c) => c.status !== 'skipped' || c.message !== 'skipped',
    );
    cases.push(...ran);
  }
  return cases;
}

async function writeReadme(markdown: string): Promise<void> {
  const path = join(REPO_ROOT, 'README.md');
  const readme = await readFile(path, 'utf8');
  const open = '<!-- generated:e2e-crosscheck -->';
  const close = '<!-- end:e2e-crosscheck -->';
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${open} … ${close} block`);
  const body = `<!-- prettier-ignore-start -->\n${markdown}\n<!-- prettier-ignore-end -->`;
  await writeFile(path, `${readme.slice(0, start + open.length)}\n${body}\n${readme.slice(end)}`);
  progress('README.md: e2e-crosscheck block rewritten');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      version: { type: 'string', default: '1.37.2' },
      name: { type: 'string', default: 'sidecar-conformance' },
      shards: { type: 'string', default: '4' },
      timeout: { type: 'string', default: '90' },
      reports: { type: 'string', default: 'reports' },
      from: { type: 'string' },
      'write-readme': { type: 'boolean', default: false },
      'build-only': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  checkRegistry();
  const version = `v${(values.version ?? '1.37.2').replace(/^v/, '')}`;
  const ours = await ourVerdicts(version);

  if (values.from) {
    const cases = await readCases(resolve(values.from));
    const markdown = `${summary(cases)} (run ${values.from})\n\n${table(cases, ours, version)}`;
    process.stdout.write(`${markdown}\n`);
    if (values['write-readme']) await writeReadme(markdown);
    return 0;
  }

  const { binary, builtSeconds } = await ensureE2eBinary(version);
  if (builtSeconds !== undefined) progress(`build time: ${builtSeconds.toFixed(0)} s`);
  if (values['build-only']) return 0;

  const layout = layoutFor(clusterDir(values.name ?? 'sidecar-conformance'));
  const kubeconfig = layout.kubeconfigs.admin;
  const socket = layout.containerd.socket;
  // The ctr beside the cluster's running containerd (a build of ours, or Debian's in /usr/bin).
  const containerdPid = (await readFile(layout.pidFiles.containerd, 'utf8')).trim().split('\n')[0];
  const ctrBinary = join(dirname(await readlink(`/proc/${containerdPid}/exe`)), 'ctr');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const dir = resolve(REPO_ROOT, values.reports ?? 'reports', `e2e-crosscheck-${stamp}`);
  await mkdir(dir, { recursive: true });

  const specs = (await listSpecs(binary, kubeconfig, dir)).filter(
    (spec) => !values.only || plainText(specText(spec)).includes(values.only),
  );
  progress(`the focus selects ${specs.length} specs`);
  if (values['dry-run']) {
    process.stdout.write(`${specs.join('\n')}\n`);
    return 0;
  }

  // Images: add only names that are missing; remove exactly those afterwards.
  const want = await expectedImages(binary, version);
  const agnhostArchive = await e2eAgnhostArchive(version, want.agnhost);
  const sources: Array<[string, string]> = [
    [agnhostArchive, want.agnhost],
    [TEST_IMAGE, want.busybox],
    [PAUSE_IMAGE, want.pause],
  ];
  const present = await imageNames(ctrBinary, socket);
  const added: string[] = [];
  /** Ref → target digest, from `ctr images ls` (REF TYPE DIGEST …). */
  const targets = async () =>
    new Map(
      (await ctr(ctrBinary, socket, ['images', 'ls']))
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols.length >= 3)
        .map((cols) => [cols[0] ?? '', cols[2] ?? '']),
    );
  const untag = async () => {
    if (added.length === 0) return;
    const before = await targets();
    const digests = new Set(added.map((name) => before.get(name)).filter(Boolean));
    for (const name of added.splice(0)) {
      await ctr(ctrBinary, socket, ['images', 'rm', name]).catch((e: Error) =>
        progress(`untag ${name}: ${e.message}`),
      );
      progress(`removed ${name}`);
    }
    // The CRI also names an image by its config digest (`sha256:…`); such a name that was not there
    // before and now points at nothing but what this run added (an imported image) goes too.
    const after = await targets();
    for (const [ref, digest] of after) {
      if (present.has(ref) || !ref.startsWith('sha256:') || !digests.has(digest)) continue;
      const named = [...after].some(([other, d]) => d === digest && !other.startsWith('sha256:'));
      if (named) continue;
      await ctr(ctrBinary, socket, ['images', 'rm', ref]).catch((e: Error) =>
        progress(`untag ${ref}: ${e.message}`),
      );
      progress(`removed ${ref} (the CRI's id name of an image this run imported)`);
    }
  };
  const onSignal = () => {
    progress('interrupted: removing the tags this run added (e2e.test deletes its own namespaces)');
    void untag().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const [source, target] of sources) {
      if (present.has(target)) {
        progress(`${target} is already in containerd; left as it is`);
        continue;
      }
      if (source.endsWith('.oci.tar')) {
        await ctr(ctrBinary, socket, ['images', 'import', source]);
        added.push(target);
        progress(`imported ${target} from ${source}`);
        continue;
      }
      if (!present.has(source))
        throw new Error(`${source} is not in containerd (${socket}); run the cluster first`);
      await ctr(ctrBinary, socket, ['images', 'tag', source, target]);
      added.push(target);
      progress(`tagged ${source} as ${target}`);
    }
    await writeFile(join(dir, 'images.json'), JSON.stringify({ sources, added }, null, 2) + '\n');

    const shards = shard(specs, Math.max(1, Number(values.shards) || 4));
    const started = Date.now();
    await runShards(binary, kubeconfig, dir, shards, Number(values.timeout) || 90);
    progress(`all shards done in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await untag();
  }

  const cases = await readCases(dir);
  const markdown = `${summary(cases)} (run ${dir.replace(`${REPO_ROOT}/`, '')})\n\n${table(cases, ours, version)}`;
  await writeFile(join(dir, 'crosscheck.md'), `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
  if (values['write-readme']) await writeReadme(markdown);
  return cases.some((c) => c.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[e2e-crosscheck] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
