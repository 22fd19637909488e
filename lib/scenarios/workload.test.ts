import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadWorkloads, type Workload } from '../apply/workload.js';
import { TEST_IMAGE } from '../config.js';
import { Timeline } from '../timeline/timeline.js';
import { jobEnd } from './drive.js';
import { jobRules, workloadOf, workloadScenarios } from './workload.js';

const EXAMPLES = resolve(fileURLToPath(import.meta.url), '../../../manifests/examples');
const load = (file: string) => loadWorkloads(join(EXAMPLES, file));

describe('workloadScenarios', () => {
  it('one scenario per workload, named after it, its title saying how it runs', async () => {
    const [deployment] = workloadScenarios(await load('deployment-with-sidecar.yaml'));
    expect(deployment?.name).toBe('deployment-web');
    expect(deployment?.title).toBe(
      'Deployment web: its Pod template run as one bare Pod; sidecars start in order before the app; on delete the app stops first, then the sidecars in reverse order, within the grace period',
    );
    const [cron] = workloadScenarios(await load('cronjob-with-sidecar.yaml'));
    expect(cron?.title).toMatch(
      /^CronJob nightly-report: run once as a Job made from its jobTemplate; .* the Job completes$/,
    );
    expect(workloadOf(cron as never)?.runs).toBe('job');
  });

  it('unique names for workloads that would share one', async () => {
    const manifest = await load('job-with-sidecar.yaml');
    const twice = { ...manifest, workloads: [...manifest.workloads, ...manifest.workloads] };
    expect(workloadScenarios(twice).map((s) => s.name)).toEqual([
      'job-job-with-sidecar',
      'job-job-with-sidecar-2',
    ]);
  });

  it('with every image replaced, runs the replacement and says so in the title and a result', async () => {
    const manifest = await load('three-sidecars-different-delays.yaml');
    const [scenario] = workloadScenarios(manifest, {
      replaceImages: { image: TEST_IMAGE, why: 'the local provider has no registry' },
    });
    const workload = workloadOf(scenario as never) as Workload;
    expect(new Set(workload.pod.spec?.containers.map((c) => c.image))).toEqual(new Set([TEST_IMAGE]));
    expect(scenario?.title).toContain(`(every image run as ${TEST_IMAGE})`);
    const note = scenario
      ?.rules(new Timeline([]), workload.shape, {
        shutdownToleranceMs: 2000,
        podTimeoutMs: 1000,
      })
      .at(-1);
    expect(note).toMatchObject({
      verdict: 'pass',
      rule: `every image ran as ${TEST_IMAGE}, not as written (the local provider has no registry)`,
    });
    expect(note?.actual).toContain(`app: nicolaka/netshoot:v0.14 → ${TEST_IMAGE}`);
  });
});

describe('jobRules', () => {
  const job = (status: V1Job['status']): V1Job => ({ spec: { backoffLimit: 2, template: {} }, status });

  it('passes a Complete Job and reports its retries', async () => {
    const [workload] = (await load('job-with-sidecar.yaml')).workloads;
    const end = jobEnd(
      job({
        succeeded: 1,
        failed: 1,
        conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached' }],
      }),
    );
    const [completes, retries] = jobRules(workload as Workload, { end, others: ['job-with-sidecar-x2'] });
    expect(completes).toMatchObject({
      verdict: 'pass',
      rule: 'Job job-with-sidecar completes (condition Complete)',
    });
    expect(retries).toMatchObject({
      verdict: 'pass',
      rule: "Job job-with-sidecar's retries stay within backoffLimit 2",
      actual: 'status.failed 1, succeeded 1; later Pods (retries): job-with-sidecar-x2',
      measurement: { value: 1, unit: 'count', max: 2 },
    });
  });

  it('fails a Failed Job naming its reason, and retries beyond backoffLimit', async () => {
    const [workload] = (await load('job-with-sidecar.yaml')).workloads;
    const end = jobEnd(
      job({
        failed: 3,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      }),
    );
    const [completes, retries] = jobRules(workload as Workload, { end, others: ['a', 'b'] });
    expect(completes).toMatchObject({
      verdict: 'fail',
      actual: 'condition Failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(retries?.verdict).toBe('fail');
  });

  it('fails a Job never seen to end; its retries are undecided', async () => {
    const [workload] = (await load('job-with-sidecar.yaml')).workloads;
    const [completes, retries] = jobRules(workload as Workload, { others: [] });
    expect(completes).toMatchObject({
      verdict: 'fail',
      actual: 'the Job reached neither Complete nor Failed while observed',
    });
    expect(retries?.verdict).toBe('undecided');
  });
});
