import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE } from '../config.js';
import { ExitCode, UserError } from '../errors.js';
import { containerImages, jobPodSelector, loadWorkloads, withEveryImage, type Workload } from './workload.js';

const EXAMPLES = resolve(fileURLToPath(import.meta.url), '../../../manifests/examples');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workload-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function manifestFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(path: string): Promise<string> {
  const error = await loadWorkloads(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(ExitCode.badManifest);
  const message = (error as UserError).message;
  expect(message).toContain(path);
  expect(message).not.toContain('\n');
  return message;
}

/** A Pod spec with a sidecar and an app, indented for a template at `indent` spaces. */
function podSpec(indent: number, extra = ''): string {
  const pad = ' '.repeat(indent);
  return [
    `${pad}${extra}initContainers:`,
    `${pad}- name: sidecar`,
    `${pad}  image: busybox`,
    `${pad}  restartPolicy: Always`,
    `${pad}containers:`,
    `${pad}- name: app`,
    `${pad}  image: busybox`,
    '',
  ].join('\n');
}
const NO_SIDECAR_SPEC = (indent: number) =>
  [
    `${' '.repeat(indent)}containers:`,
    `${' '.repeat(indent)}- name: app`,
    `${' '.repeat(indent)}  image: busybox`,
    '',
  ].join('\n');

const pod = (name = 'p', spec = podSpec(2)) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const controller = (kind: string, name: string, spec = podSpec(6), extra = '') =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${extra}  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n${spec}`;
const job = (name: string, spec = podSpec(6, 'restartPolicy: Never\n      ')) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  uid: 1234\n  resourceVersion: "99"\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n${spec}`;
const cronJob = (name: string) =>
  `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ${name}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    metadata:\n      labels:\n        team: data\n    spec:\n      template:\n        spec:\n${podSpec(10, 'restartPolicy: OnFailure\n          ')}`;

async function only(text: string): Promise<Workload> {
  const { workloads } = await loadWorkloads(await manifestFile(`w-${Math.random()}.yaml`, text));
  expect(workloads).toHaveLength(1);
  return workloads[0] as Workload;
}

describe('loadWorkloads: each kind', () => {
  it('a Pod as written, cleaned of what the API server fills in', async () => {
    const w = await only(pod('p').replace('  name: p\n', '  name: p\n  namespace: theirs\n  uid: abc\n'));
    expect(w).toMatchObject({ kind: 'Pod', name: 'p', runs: 'pod', how: 'Pod p' });
    expect(w.pod.metadata).toEqual({ name: 'p' });
    expect(w.shape).toMatchObject({ sidecars: ['sidecar'], apps: ['app'], restartPolicy: 'Always' });
  });

  it.each(['Deployment', 'DaemonSet', 'ReplicaSet'])(
    'a %s: its Pod template as one bare Pod named after it',
    async (kind) => {
      const w = await only(controller(kind, 'web'));
      expect(w).toMatchObject({
        kind,
        name: 'web',
        runs: 'pod',
        how: `${kind} web: its Pod template run as one bare Pod`,
      });
      expect(w.pod).toMatchObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', labels: { app: 'web' } },
      });
      expect(w.shape.sidecars).toEqual(['sidecar']);
      expect(w.job).toBeUndefined();
    },
  );

  it('a StatefulSet: its volumeClaimTemplates become emptyDir volumes of the same name', async () => {
    const extra = '  volumeClaimTemplates:\n  - metadata:\n      name: data\n';
    const w = await only(controller('StatefulSet', 'db', podSpec(6), extra));
    expect(w.how).toBe(
      'StatefulSet db: its Pod template run as one bare Pod (volumeClaimTemplates data as emptyDir volumes)',
    );
    expect(w.pod.spec?.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('a Job: applied as a Job (server fields left out), its template as the Pod shape', async () => {
    const w = await only(job('batch'));
    expect(w).toMatchObject({ kind: 'Job', name: 'batch', runs: 'job', how: 'Job batch: run to completion' });
    expect(w.job?.metadata).toEqual({ name: 'batch' });
    expect(w.job?.spec?.backoffLimit).toBe(1);
    expect(w.shape).toMatchObject({ restartPolicy: 'Never', sidecars: ['sidecar'], apps: ['app'] });
    expect(jobPodSelector(w.name)).toBe('batch.kubernetes.io/job-name=batch');
  });

  it("a Job copied from a live one drops the controller's selector and labels", async () => {
    const text = job('batch').replace(
      '  template:\n    spec:\n',
      '  selector:\n    matchLabels:\n      batch.kubernetes.io/controller-uid: x\n  template:\n    metadata:\n      labels:\n        controller-uid: x\n        job-name: batch\n        mine: kept\n    spec:\n',
    );
    const w = await only(text);
    expect(w.job?.spec?.selector).toBeUndefined();
    expect(w.job?.spec?.template.metadata?.labels).toEqual({ mine: 'kept' });
  });

  it('a CronJob: once, as a Job made from its jobTemplate, marked as run by hand', async () => {
    const w = await only(cronJob('nightly'));
    expect(w).toMatchObject({
      kind: 'CronJob',
      runs: 'job',
      how: 'CronJob nightly: run once as a Job made from its jobTemplate',
    });
    expect(w.job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly',
        labels: { team: 'data' },
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      },
    });
    expect(w.shape.restartPolicy).toBe('OnFailure');
  });

  it('reads the examples shipped for check', async () => {
    const kinds = await Promise.all(
      ['job-with-sidecar', 'deployment-with-sidecar', 'cronjob-with-sidecar', 'prestop-outlasts-grace'].map(
        async (f) => (await loadWorkloads(join(EXAMPLES, `${f}.yaml`))).workloads.map((w) => w.kind),
      ),
    );
    expect(kinds).toEqual([['Job'], ['Deployment'], ['CronJob'], ['Pod']]);
  });
});

describe('loadWorkloads: several workloads', () => {
  it('takes each workload in file order, leaving other objects out', async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
    const path = await manifestFile(
      'several.yaml',
      [controller('Deployment', 'web'), configMap, job('batch'), pod('p')].join('---\n'),
    );
    const { workloads } = await loadWorkloads(path);
    expect(workloads.map((w) => `${w.kind} ${w.name}`)).toEqual(['Deployment web', 'Job batch', 'Pod p']);
  });

  it('refuses a file where one workload has no sidecar, naming it', async () => {
    const path = await manifestFile(
      'one-without.yaml',
      `${pod('p')}---\n${controller('Deployment', 'web', NO_SIDECAR_SPEC(6))}`,
    );
    expect(await loadError(path)).toBe(
      `Manifest ${path}: Deployment web has no sidecar (an initContainer with restartPolicy: Always); every workload in the file is checked, so give each a sidecar or move it to another file.`,
    );
  });

  it('with no workload that has a sidecar, says which were found', async () => {
    const path = await manifestFile(
      'none.yaml',
      `${pod('p', NO_SIDECAR_SPEC(2))}---\n${controller('Deployment', 'web', NO_SIDECAR_SPEC(6))}`,
    );
    expect(await loadError(path)).toBe(
      `Manifest ${path} holds no workload with a native sidecar (an initContainer with restartPolicy: Always); found: Pod p, Deployment web.`,
    );
  });
});

describe('loadWorkloads errors: one sentence naming the file', () => {
  it('no workload at all names the kinds found', async () => {
    const path = await manifestFile(
      'services.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\nkind: ConfigMap\n',
    );
    expect(await loadError(path)).toBe(
      `Manifest ${path} holds no workload (found: Service, ConfigMap); give a Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet or ReplicaSet with a native sidecar.`,
    );
  });

  it('an empty file', async () => {
    const path = await manifestFile('empty.yaml', '');
    expect(await loadError(path)).toMatch(/holds no workload \(found: nothing\)/);
  });

  it('a missing file and invalid YAML, as for a Pod', async () => {
    const missing = join(dir, 'nowhere.yaml');
    expect(await loadError(missing)).toBe(`Manifest ${missing} does not exist.`);
    const invalid = await manifestFile('invalid.yaml', 'kind: Pod\nmetadata: {name: p\n');
    expect(await loadError(invalid)).toMatch(/is not valid YAML: .+\.$/);
  });

  it('one workload without a sidecar, as today', async () => {
    const path = await manifestFile('plain.yaml', pod('p', NO_SIDECAR_SPEC(2)));
    expect(await loadError(path)).toBe(
      `Manifest ${path}: Pod p has no sidecar (an initContainer with restartPolicy: Always).`,
    );
  });

  it('a Deployment without a Pod template', async () => {
    const path = await manifestFile(
      'bare-deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
    );
    expect(await loadError(path)).toBe(
      `Manifest ${path}: Deployment d has no spec.template.spec.containers.`,
    );
  });

  it("a CronJob without a jobTemplate's Pod template names where it looked", async () => {
    const path = await manifestFile(
      'bare-cron.yaml',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec: {}\n',
    );
    expect(await loadError(path)).toBe(
      `Manifest ${path}: CronJob c has no spec.jobTemplate.spec.template.spec.containers.`,
    );
  });

  it('a Job whose Pods would restart forever', async () => {
    const path = await manifestFile('job-always.yaml', job('j', podSpec(6)));
    expect(await loadError(path)).toBe(
      `Manifest ${path}: Job j's Pod template has restartPolicy Always; a Job's Pods need Never or OnFailure.`,
    );
  });

  it('a wrong apiVersion and a missing name', async () => {
    const old = await manifestFile(
      'old.yaml',
      controller('Deployment', 'web').replace('apps/v1', 'extensions/v1beta1'),
    );
    expect(await loadError(old)).toBe(
      `Manifest ${old}: a Deployment has apiVersion apps/v1, not extensions/v1beta1.`,
    );
    const nameless = await manifestFile('nameless.yaml', job('x').replace('  name: x\n', ''));
    expect(await loadError(nameless)).toBe(`Manifest ${nameless}: the Job has no metadata.name.`);
  });
});

describe('withEveryImage', () => {
  it("replaces every container's image in the Pod and the Job's template, leaving the input alone", async () => {
    const w = await only(job('batch'));
    const swapped = withEveryImage(w, TEST_IMAGE);
    expect(containerImages(swapped.pod)).toEqual([
      { container: 'sidecar', image: TEST_IMAGE },
      { container: 'app', image: TEST_IMAGE },
    ]);
    const template = swapped.job?.spec?.template.spec;
    expect(
      [...(template?.initContainers ?? []), ...(template?.containers ?? [])].map((c) => c.image),
    ).toEqual([TEST_IMAGE, TEST_IMAGE]);
    expect(containerImages(w.pod).map((c) => c.image)).toEqual(['busybox', 'busybox']);
  });
});
