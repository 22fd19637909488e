import { describe, expect, it } from 'vitest';
import type { DriveContext, NodeOperations } from '../scenario.js';
import { rebootNode, restartKubelet } from './node-steps.js';

/** Just what the node steps read of a drive context: the marks they make, the lines they print. */
function context(node?: NodeOperations) {
  const marks: [string, string | undefined][] = [];
  const lines: string[] = [];
  const ctx = {
    podName: 'p',
    observer: { mark: (kind: string, reason?: string) => marks.push([kind, reason]) },
    progress: (line: string) => lines.push(line),
    ...(node ? { node } : {}),
  } as unknown as DriveContext;
  return { ctx, marks, lines };
}

const operations = (ops: NodeOperations['operations'], calls: string[]): NodeOperations => ({
  operations: ops,
  restartKubelet: async () => void calls.push('restart'),
  rebootNode: async () => void calls.push('reboot'),
});

describe('node steps', () => {
  it('reboot the node between a kubelet-stopped and a kubelet-answered mark', async () => {
    const calls: string[] = [];
    const { ctx, marks, lines } = context(operations(['restart-kubelet', 'reboot-node'], calls));
    await rebootNode(ctx);
    expect(calls).toEqual(['reboot']);
    expect(marks).toEqual([
      ['kubelet-stopped', 'node reboot'],
      ['kubelet-answered', 'node reboot'],
    ]);
    expect(lines.at(-1)).toMatch(/^p: node reboot done, the kubelet answers again \d+ ms after its stop$/);
  });

  it('restart the kubelet between the two marks', async () => {
    const calls: string[] = [];
    const { ctx, marks } = context(operations(['restart-kubelet'], calls));
    await restartKubelet(ctx);
    expect(calls).toEqual(['restart']);
    expect(marks.map(([, reason]) => reason)).toEqual(['kubelet restart', 'kubelet restart']);
  });

  it('throw a clear error, marking nothing, without node operations', async () => {
    const { ctx, marks } = context();
    await expect(rebootNode(ctx)).rejects.toThrow(
      'p: this scenario needs a node reboot, and the harness was given no way to make one on this cluster (the local provider makes it; a cluster named by a kubeconfig is never disturbed).',
    );
    await expect(restartKubelet(ctx)).rejects.toThrow(/needs a kubelet restart/);
    expect(marks).toEqual([]);
  });

  it('refuse an operation the provider cannot make', async () => {
    const calls: string[] = [];
    const { ctx } = context(operations(['restart-kubelet'], calls));
    await expect(rebootNode(ctx)).rejects.toThrow(/needs a node reboot/);
    expect(calls).toEqual([]);
  });
});
