import type { CoreV1Api, V1Namespace } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Kube } from '../kube/client.js';
import {
  createNamespace,
  deleteNamespace,
  NamespaceExistsError,
  RUN_LABEL,
  SCENARIO_LABEL,
} from './apply.js';

/** An API error as the client throws it: the HTTP status in `code`. */
function apiError(code: number): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code });
}

/**
 * The three CoreV1Api namespace methods apply.ts uses, over an in-memory map, recording each call.
 * `failNext` makes the next call of a method throw once (before or after it takes effect).
 */
class FakeCore {
  readonly namespaces = new Map<string, V1Namespace>();
  readonly calls: string[] = [];
  readonly deleted: Array<{ name: string; uid?: string }> = [];
  failNext: Partial<Record<'create' | 'read' | 'delete', { code: number; afterEffect?: boolean }>> = {};
  private uids = 0;

  add(name: string, labels?: Record<string, string>, extra: Partial<V1Namespace['metadata']> = {}): void {
    this.namespaces.set(name, { metadata: { name, uid: `uid-${++this.uids}`, labels, ...extra } });
  }

  private maybeFail(method: 'create' | 'read' | 'delete', when: 'before' | 'after'): void {
    const failure = this.failNext[method];
    if (failure && (failure.afterEffect ? 'after' : 'before') === when) {
      delete this.failNext[method];
      throw apiError(failure.code);
    }
  }

  async createNamespace({ body }: { body: V1Namespace }): Promise<V1Namespace> {
    const name = body.metadata?.name as string;
    this.calls.push(`create ${name}`);
    this.maybeFail('create', 'before');
    if (this.namespaces.has(name)) throw apiError(409);
    this.add(name, body.metadata?.labels);
    this.maybeFail('create', 'after');
    return this.namespaces.get(name) as V1Namespace;
  }

  async readNamespace({ name }: { name: string }): Promise<V1Namespace> {
    this.calls.push(`read ${name}`);
    this.maybeFail('read', 'before');
    const namespace = this.namespaces.get(name);
    if (!namespace) throw apiError(404);
    return structuredClone(namespace);
  }

  async deleteNamespace({
    name,
    body,
  }: {
    name: string;
    body?: { preconditions?: { uid?: string } };
  }): Promise<V1Namespace> {
    this.calls.push(`delete ${name}`);
    this.maybeFail('delete', 'before');
    const namespace = this.namespaces.get(name);
    if (!namespace) throw apiError(404);
    const uid = body?.preconditions?.uid;
    if (uid && uid !== namespace.metadata?.uid) throw apiError(409);
    this.namespaces.delete(name);
    this.deleted.push({ name, uid });
    return namespace;
  }
}

function fakeKube(core: FakeCore): Kube {
  return {
    core: core as unknown as CoreV1Api,
    config: undefined as never,
    kubeconfigPath: '/dev/null',
    context: 'fake',
    server: 'https://127.0.0.1:0',
  };
}

const RUN = 'run-a';

describe('deleteNamespace', () => {
  it("deletes a namespace carrying this run's label, by the uid it read", async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: RUN });
    const uid = core.namespaces.get('sc-basic-run-a')?.metadata?.uid;
    expect(await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN)).toBeUndefined();
    expect(core.deleted).toEqual([{ name: 'sc-basic-run-a', uid }]);
  });

  it('leaves a namespace of another run alone and says whose it is', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: 'run-b' });
    const note = await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN);
    expect(note).toBe(`namespace sc-basic-run-a is not this run's (label ${RUN_LABEL}=run-b); left alone`);
    expect(core.calls).toEqual(['read sc-basic-run-a']);
    expect(core.namespaces.has('sc-basic-run-a')).toBe(true);
  });

  it('leaves a namespace without the run label alone, even one named like ours', async () => {
    const core = new FakeCore();
    core.add('sc-order-run-a');
    const note = await deleteNamespace(fakeKube(core), 'sc-order-run-a', RUN);
    expect(note).toBe(`namespace sc-order-run-a is not this run's (no ${RUN_LABEL} label); left alone`);
    expect(core.calls).toEqual(['read sc-order-run-a']);
  });

  it('never matches an unlabelled namespace when a JavaScript caller passes no run id', async () => {
    const core = new FakeCore();
    core.add('sc-order-run-a');
    const note = await deleteNamespace(fakeKube(core), 'sc-order-run-a', undefined as unknown as string);
    expect(note).toMatch(/left alone$/);
    expect(core.deleted).toEqual([]);
  });

  it('is done when the namespace is already gone', async () => {
    const core = new FakeCore();
    expect(await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN)).toBeUndefined();
    expect(core.calls).toEqual(['read sc-basic-run-a']);
  });

  it('does not delete again a namespace of this run that is already terminating', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: RUN }, { deletionTimestamp: new Date() });
    expect(await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN)).toBeUndefined();
    expect(core.calls).toEqual(['read sc-basic-run-a']);
  });

  it('reads again and deletes after a transient failure', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: RUN });
    core.failNext.delete = { code: 503 };
    expect(await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN)).toBeUndefined();
    expect(core.calls).toEqual([
      'read sc-basic-run-a',
      'delete sc-basic-run-a',
      'read sc-basic-run-a',
      'delete sc-basic-run-a',
    ]);
    expect(core.namespaces.has('sc-basic-run-a')).toBe(false);
  });

  it('never deletes a namespace whose uid changed since it was read (the precondition)', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: RUN });
    const original = core.deleteNamespace.bind(core);
    let first = true;
    core.deleteNamespace = async (request) => {
      // Between our read and our delete, ours went and another run's namespace took the name.
      if (first) {
        first = false;
        core.namespaces.delete('sc-basic-run-a');
        core.add('sc-basic-run-a', { [RUN_LABEL]: 'run-b' });
      }
      return original(request);
    };
    const note = await deleteNamespace(fakeKube(core), 'sc-basic-run-a', RUN);
    expect(note).toMatch(/run-b\); left alone$/);
    expect(core.deleted).toEqual([]);
    expect(core.namespaces.get('sc-basic-run-a')?.metadata?.labels?.[RUN_LABEL]).toBe('run-b');
  });
});

describe('createNamespace', () => {
  it("creates the namespace with the run's and the scenario's labels", async () => {
    const core = new FakeCore();
    await createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic');
    expect(core.namespaces.get('sc-basic-run-a')?.metadata?.labels).toEqual({
      [RUN_LABEL]: RUN,
      [SCENARIO_LABEL]: 'basic',
    });
  });

  it("refuses, in one sentence, a namespace that already exists and is another run's", async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: 'run-b', [SCENARIO_LABEL]: 'basic' });
    const attempt = createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic');
    await expect(attempt).rejects.toBeInstanceOf(NamespaceExistsError);
    await expect(attempt).rejects.toThrow(
      `namespace sc-basic-run-a already exists and is not this run's (label ${RUN_LABEL}=run-b); the harness never reuses a namespace it did not create.`,
    );
    // Not retried, not adopted: its labels are as they were.
    expect(core.calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
    expect(core.namespaces.get('sc-basic-run-a')?.metadata?.labels?.[RUN_LABEL]).toBe('run-b');
  });

  it('refuses an unlabelled namespace of the same name', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a');
    await expect(createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic')).rejects.toThrow(
      `namespace sc-basic-run-a already exists and is not this run's (no ${RUN_LABEL} label); the harness never reuses a namespace it did not create.`,
    );
  });

  it('refuses on the first attempt even a namespace labelled with this run: another caller made it', async () => {
    const core = new FakeCore();
    core.add('sc-basic-run-a', { [RUN_LABEL]: RUN, [SCENARIO_LABEL]: 'basic' });
    await expect(createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic')).rejects.toThrow(
      /already exists and is not this run's \(another caller in this run\)/,
    );
  });

  it('accepts, on a retry, the namespace its own first attempt made before its answer was lost', async () => {
    const core = new FakeCore();
    core.failNext.create = { code: 503, afterEffect: true };
    await createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic');
    expect(core.calls).toEqual(['create sc-basic-run-a', 'create sc-basic-run-a', 'read sc-basic-run-a']);
    expect(core.namespaces.get('sc-basic-run-a')?.metadata?.labels?.[RUN_LABEL]).toBe(RUN);
  });

  it('refuses, on a retry, a namespace another run made in between', async () => {
    const core = new FakeCore();
    const original = core.createNamespace.bind(core);
    let first = true;
    core.createNamespace = async (request) => {
      if (first) {
        first = false;
        core.add('sc-basic-run-a', { [RUN_LABEL]: 'run-b', [SCENARIO_LABEL]: 'basic' });
        throw apiError(503);
      }
      return original(request);
    };
    await expect(createNamespace(fakeKube(core), 'sc-basic-run-a', RUN, 'basic')).rejects.toThrow(
      /not this run's \(label sidecar-conformance\.io\/run=run-b\)/,
    );
  });
});
