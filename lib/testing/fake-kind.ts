import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CommandOptions, CommandResult, CommandRunner } from '../cluster/kind/commands.js';

/**
 * A fake host for the kind provider's unit tests: kind and a container engine as a small model
 * (clusters, node images, images in the node), answering the commands the provider runs as the
 * real tools do (outputs read from kind v0.32.0 and docker 28). Every call is recorded.
 */

export interface FakeCall {
  line: string;
  env?: Record<string, string>;
}

export class FakeKindHost {
  /** Engines whose `info` answers; a name maps to its server version. */
  engines: Record<string, string> = { docker: '28.2.2' };
  /** Engines that are installed but whose daemon does not answer. */
  deadEngines = new Set<string>();
  clusters = new Set<string>();
  nodeImages = new Set<string>();
  /** Images in each cluster's node (containerd k8s.io namespace). */
  nodeImagesIn = new Map<string, Set<string>>();
  /** `kind create cluster` fails with this line (after making the node, as with --retain). */
  createFails?: string;
  /** `kind create cluster` runs until it is aborted. */
  createHangs = false;
  /** Archive path → the reference `kind load image-archive` puts into the node. */
  archiveRefs = new Map<string, string>();
  calls: FakeCall[] = [];

  lines(): string[] {
    return this.calls.map((c) => c.line);
  }

  readonly runner: CommandRunner = async (command, args, options) => {
    const line = [basename(command), ...args].join(' ');
    this.calls.push({ line, ...(options?.env ? { env: options.env } : {}) });
    const tool = basename(command);
    if (tool === 'kind') return this.kind(args, options);
    return this.engine(tool, args);
  };

  private async kind(args: string[], options?: CommandOptions): Promise<CommandResult> {
    const ok = (stdout = '', stderr = ''): CommandResult => ({ exitCode: 0, stdout, stderr });
    const fail = (stderr: string): CommandResult => ({ exitCode: 1, stdout: '', stderr });
    const name = args[args.indexOf('--name') + 1] ?? 'kind';
    const verb = args.slice(0, 2).join(' ');
    if (verb === 'get clusters') {
      return this.clusters.size
        ? ok([...this.clusters].join('\n') + '\n')
        : ok('', 'No kind clusters found.\n');
    }
    if (verb === 'get nodes') return this.clusters.has(name) ? ok(`${name}-control-plane\n`) : ok();
    if (verb === 'get kubeconfig') {
      if (!this.clusters.has(name))
        return fail(
          `ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`,
        );
      return ok(
        `apiVersion: v1\nkind: Config\nclusters:\n- name: kind-${name}\n  cluster:\n    server: https://127.0.0.1:40000\n`,
      );
    }
    if (verb === 'create cluster') {
      const image = args[args.indexOf('--image') + 1] ?? '';
      if (this.clusters.has(name))
        return fail(
          `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`,
        );
      if (this.createHangs) {
        this.clusters.add(name);
        await new Promise<void>((resolve) => {
          if (options?.signal?.aborted) return resolve();
          options?.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return { exitCode: undefined, stdout: '', stderr: '', canceled: true };
      }
      this.clusters.add(name);
      this.nodeImagesIn.set(name, new Set());
      if (this.createFails)
        return fail(
          `Creating cluster "${name}" ...\n ✓ Ensuring node image (${image})\nERROR: failed to create cluster: ${this.createFails}`,
        );
      return ok('', `Creating cluster "${name}" ...\n ✓ Ensuring node image (${image})\n`);
    }
    if (verb === 'delete cluster') {
      this.clusters.delete(name);
      this.nodeImagesIn.delete(name);
      return ok('', `Deleting cluster "${name}" ...\n`);
    }
    if (verb === 'export logs') {
      const dir = args[2] ?? '';
      if (!this.clusters.has(name)) return fail(`ERROR: unknown cluster "${name}"`);
      await mkdir(join(dir, `${name}-control-plane`), { recursive: true });
      await writeFile(join(dir, `${name}-control-plane`, 'kubelet.log'), 'kubelet log\n');
      return ok(`${dir}\n`, `Exporting logs for cluster "${name}" to:\n`);
    }
    if (verb === 'load image-archive') {
      const archive = args[2] ?? '';
      this.nodeImagesIn.get(name)?.add(this.archiveRefs.get(archive) ?? archive);
      return ok();
    }
    return fail(`ERROR: unknown command "${args.join(' ')}" for "kind"`);
  }

  private engine(tool: string, args: string[]): CommandResult {
    if (!(tool in this.engines) && !this.deadEngines.has(tool)) {
      return { exitCode: undefined, stdout: '', stderr: '', missing: true };
    }
    if (this.deadEngines.has(tool)) {
      return {
        exitCode: 1,
        stdout: '',
        stderr:
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      };
    }
    const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
    if (args[0] === 'info') return ok(`${this.engines[tool]}\n`);
    if (args[0] === 'image' && args[1] === 'inspect') {
      const ref = args.at(-1) ?? '';
      return this.nodeImages.has(ref)
        ? ok('sha256:0123\n')
        : { exitCode: 1, stdout: '', stderr: `Error response from daemon: No such image: ${ref}\n` };
    }
    if (args[0] === 'inspect') {
      const node = args.at(-1) ?? '';
      const cluster = node.replace(/-control-plane$/, '');
      return this.clusters.has(cluster)
        ? ok('true\n')
        : { exitCode: 1, stdout: '', stderr: `Error: No such object: ${node}\n` };
    }
    if (args[0] === 'exec' && args.includes('ctr')) {
      const cluster = (args[1] ?? '').replace(/-control-plane$/, '');
      return ok([...(this.nodeImagesIn.get(cluster) ?? [])].map((r) => `${r}\n`).join(''));
    }
    return { exitCode: 125, stdout: '', stderr: `unknown ${tool} command ${args.join(' ')}\n` };
  }
}
