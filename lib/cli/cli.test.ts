import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';

// The command line as a person uses it: `node bin/sidecar-conformance.js …`, exit code and stderr.
// No case may reach a cluster: every `run`/`check` that could names a kubeconfig of its own, and
// XDG_STATE_HOME/XDG_CACHE_HOME point into a temp dir so the local provider's state is out of reach.

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'bin/sidecar-conformance.js');
const FILE2 = join(ROOT, 'manifests/file2-sidecar-container-order-example.yaml');
const CASE_TIMEOUT_MS = 60_000;

let dir: string;
/** A kubeconfig naming https://127.0.0.1:1, where nothing listens. */
let unreachable: string;
const servers: Server[] = [];
const sockets = new Set<Socket>();

function kubeconfig(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: nowhere, cluster: {server: '${server}', insecure-skip-tls-verify: true}}]`,
    'users: [{name: someone, user: {token: not-a-real-token}}]',
    'contexts: [{name: nowhere, context: {cluster: nowhere, user: someone}}]',
    'current-context: nowhere',
    '',
  ].join('\n');
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** A TCP server that accepts connections and never answers, like a hung API server; its kubeconfig. */
async function silentServer(name: string): Promise<{ kubeconfig: string; connected: Promise<void> }> {
  let onConnection = () => {};
  const connected = new Promise<void>((done) => (onConnection = done));
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { kubeconfig: await file(name, kubeconfig(`https://127.0.0.1:${port}`)), connected };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
  unreachable = await file('unreachable.kubeconfig', kubeconfig('https://127.0.0.1:1'));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await rm(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return execa('node', [BIN, ...args], {
    reject: false,
    timeout: CASE_TIMEOUT_MS,
    cwd: ROOT,
    env: { XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache') },
  });
}

/** Runs the command and checks its exit code and that stderr is one line naming what went wrong. */
async function fails(args: string[], exitCode: number, ...mentions: Array<string | RegExp>): Promise<string> {
  const result = await cli(...args);
  const shown = `sidecar-conformance ${args.join(' ')}\nstderr: ${result.stderr}`;
  expect(result.timedOut, shown).toBe(false);
  expect(result.exitCode, shown).toBe(exitCode);
  expect(result.stderr.trimEnd().split('\n'), shown).toHaveLength(1);
  expect(result.stderr, shown).toMatch(/^sidecar-conformance: /);
  expect(result.stderr, shown).not.toMatch(/\n\s+at /);
  for (const mention of mentions) expect(result.stderr, shown).toMatch(mention);
  return result.stderr;
}

describe.concurrent(
  'sidecar-conformance usage errors (exit 2)',
  { timeout: CASE_TIMEOUT_MS + 10_000 },
  () => {
    it('no command prints the usage and exits 2', async () => {
      const result = await cli();
      expect(result.exitCode).toBe(ExitCode.usage);
      // Usage asked for by mistake goes to stderr, like any other usage error.
      expect(result.stderr).toContain('Usage: sidecar-conformance <command> [flags]');
      expect(result.stdout).toBe('');
    });

    it('an unknown command', async () => {
      await fails(['bogus'], ExitCode.usage, 'Unknown command "bogus"', 'run, check, cluster, setup');
    });

    it('an unknown flag', async () => {
      await fails(['run', '--bogus', '--kubeconfig', unreachable], ExitCode.usage, "'--bogus'", 'run --help');
    });

    it('a flag without its value', async () => {
      await fails(['run', '--only'], ExitCode.usage, '--only');
    });

    it('run --only with a scenario that does not exist', async () => {
      await fails(
        ['run', '--only', 'nosuch', '--kubeconfig', unreachable],
        ExitCode.usage,
        '--only nosuch',
        'basic',
      );
    });

    it('run --tolerance that is not a number', async () => {
      await fails(
        ['run', '--tolerance', 'abc', '--kubeconfig', unreachable],
        ExitCode.usage,
        '--tolerance abc',
      );
    });

    it('run with an argument', async () => {
      await fails(['run', 'extra', '--kubeconfig', unreachable], ExitCode.usage, 'run takes no arguments');
    });

    it('run --kubeconfig naming a file that does not exist', async () => {
      await fails(
        ['run', '--kubeconfig', '/nonexistent'],
        ExitCode.usage,
        'Kubeconfig /nonexistent does not exist.',
      );
    });

    it('an unknown --provider, naming the providers', async () => {
      await fails(
        ['run', '--provider', 'minikube'],
        ExitCode.usage,
        '--provider minikube is not known; providers: auto, local, kind.',
      );
    });

    it('--node-image with --kubeconfig or with --provider local', async () => {
      await fails(
        ['run', '--kubeconfig', unreachable, '--node-image', 'kindest/node:v1.36.1'],
        ExitCode.usage,
        '--node-image',
      );
      await fails(
        ['run', '--provider', 'local', '--node-image', 'kindest/node:v1.36.1'],
        ExitCode.usage,
        '--node-image is a kind node image; the local provider was chosen (--provider local).',
      );
    });

    it('--kubeconfig together with --provider', async () => {
      await fails(['run', '--kubeconfig', unreachable, '--provider', 'local'], ExitCode.usage, '--provider');
    });

    it('check with no file', async () => {
      await fails(['check'], ExitCode.usage, 'check takes one manifest file');
    });

    it('check --timeout that is not a number', async () => {
      await fails(
        ['check', FILE2, '--timeout', 'abc', '--kubeconfig', unreachable],
        ExitCode.usage,
        '--timeout abc',
      );
    });

    it('check --context the kubeconfig does not have', async () => {
      await fails(
        ['check', FILE2, '--kubeconfig', unreachable, '--context', 'nosuch'],
        ExitCode.usage,
        '"nosuch"',
      );
    });

    it('check with a kubeconfig that is not valid YAML', async () => {
      const broken = await file('broken.kubeconfig', 'clusters: [is not\n');
      await fails(
        ['check', FILE2, '--kubeconfig', broken],
        ExitCode.usage,
        `Cannot read kubeconfig ${broken}`,
      );
    });

    // A bad flag value is a usage error whatever state the cluster is in, and found before touching it.
    it('check --image that is not an image reference', async () => {
      await fails(
        ['check', FILE2, '--kubeconfig', unreachable, '--image', 'bad image'],
        ExitCode.usage,
        '--image',
      );
    });

    it('cluster with no action', async () => {
      await fails(['cluster'], ExitCode.usage, 'up, down, status');
    });

    it('cluster with an unknown action', async () => {
      await fails(['cluster', 'bogus'], ExitCode.usage, 'up, down, status, list');
    });

    it('setup --undo without --kind (only the kind host set-up can be undone)', async () => {
      await fails(['setup', '--undo'], ExitCode.usage, '--undo only goes with --kind');
    });

    it('node-image with no action', async () => {
      await fails(['node-image'], ExitCode.usage, 'node-image needs the action build');
    });

    it('node-image build --version that is not a version', async () => {
      await fails(
        ['node-image', 'build', '--version', 'abc'],
        ExitCode.usage,
        '--version abc is not a Kubernetes version',
      );
    });

    it('cluster list with a --name (it lists every cluster)', async () => {
      await fails(['cluster', 'list', '--name', 'm1'], ExitCode.usage, 'every local cluster');
    });
  },
);

describe.concurrent(
  'sidecar-conformance check on bad manifests (exit 3)',
  { timeout: CASE_TIMEOUT_MS + 10_000 },
  () => {
    it('a file that does not exist', async () => {
      await fails(
        ['check', '/nonexistent.yaml'],
        ExitCode.badManifest,
        'Manifest /nonexistent.yaml does not exist.',
      );
    });

    it('invalid YAML', async () => {
      const path = await file('invalid.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p\n');
      await fails(['check', path], ExitCode.badManifest, `Manifest ${path} is not valid YAML`);
    });

    it('a Deployment without a Pod template', async () => {
      const path = await file(
        'deployment.yaml',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
      );
      await fails(['check', path], ExitCode.badManifest, 'Deployment d has no spec.template.spec.containers');
    });

    it('a Pod without sidecar', async () => {
      const path = await file(
        'no-sidecar.yaml',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: setup\n' +
          '    image: busybox\n  containers:\n  - name: app\n    image: busybox\n',
      );
      await fails(['check', path], ExitCode.badManifest, 'Pod p has no sidecar');
    });
  },
);

describe.concurrent(
  'sidecar-conformance against a cluster it cannot reach (exit 4)',
  { timeout: CASE_TIMEOUT_MS + 10_000 },
  () => {
    it('nothing listens at the server: names the server, the kubeconfig and what to run', async () => {
      const started = Date.now();
      await fails(
        ['check', FILE2, '--kubeconfig', unreachable],
        ExitCode.clusterUnreachable,
        'Cluster https://127.0.0.1:1 ',
        unreachable,
        'ECONNREFUSED',
        'cluster status',
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it('the server accepts connections and never answers: gives up rather than hang', async () => {
      const silent = await silentServer('silent.kubeconfig');
      await fails(
        ['check', FILE2, '--kubeconfig', silent.kubeconfig],
        ExitCode.clusterUnreachable,
        'Cluster https://127.0.0.1:',
      );
    });

    it('one Ctrl-C stops a check that waits on a server that never answers', async () => {
      const silent = await silentServer('interrupted.kubeconfig');
      const running = cli('check', FILE2, '--kubeconfig', silent.kubeconfig);
      // The signal handler is in place once the command line reaches for the cluster.
      await Promise.race([silent.connected, running]);
      running.kill('SIGINT');
      const outcome = await Promise.race([running, delay(15_000, 'still running 15 s after one Ctrl-C')]);
      if (typeof outcome === 'string') running.kill('SIGKILL');
      expect(outcome).toMatchObject({ exitCode: ExitCode.interrupted });
    });
  },
);

describe.concurrent('sidecar-conformance --help (exit 0)', { timeout: CASE_TIMEOUT_MS + 10_000 }, () => {
  const commands: Array<[string, string[]]> = [
    ['--help', ['run', 'check FILE.yaml', 'cluster up|down|status|list', 'setup', '--debug', 'Exit codes']],
    ['help', ['Usage: sidecar-conformance <command>']],
    [
      'run --help',
      ['--only', '--tolerance', '--reports', '--no-screenshot', '--kubeconfig', '--context', '--image'],
    ],
    ['check --help', ['--timeout', '--reports', '--no-screenshot', '--kubeconfig', '--context', '--image']],
    ['cluster --help', ['up', 'down', 'status', 'list', 'scbrN', '--name', '--version', '--provider']],
    ['setup --help', ['--build', '--version']],
  ];

  it.each(commands)('%s names its flags', async (command, flags) => {
    const result = await cli(...command.split(' '));
    expect(result.exitCode, result.stderr).toBe(ExitCode.ok);
    expect(result.stderr).toBe('');
    for (const flag of flags) expect(result.stdout, `${command} mentions ${flag}`).toContain(flag);
    expect(result.stdout).toContain('130 interrupted');
  });
});
