import { afterEach, describe, expect, it } from 'vitest';
import { FakeKube } from '../testing/fake-kube.js';
import { sleep } from '../wait.js';
import { resilientWatch, type WatchPhase } from './watch.js';

interface Item {
  metadata: { name: string; resourceVersion: string };
}

const item = (name: string, resourceVersion: string): Item => ({ metadata: { name, resourceVersion } });

/** A resilientWatch on the fake's pods collection, recording everything it hands back. */
function watching(fake: FakeKube, silenceMs = 5000) {
  const controller = new AbortController();
  const seen: string[] = [];
  const relists: string[][] = [];
  const problems: string[] = [];
  const gaps: { ms: number; why: string }[] = [];
  const done = resilientWatch<Item>({
    transport: fake,
    path: '/api/v1/namespaces/ns/pods',
    fieldSelector: 'metadata.name=p',
    list: async () => {
      const listed = await fake.listPods('ns', { fieldSelector: 'metadata.name=p' });
      return { items: listed.items as Item[], resourceVersion: listed.metadata?.resourceVersion ?? '' };
    },
    onEvent: (phase: WatchPhase, object) =>
      seen.push(`${phase} ${object.metadata.name}@${object.metadata.resourceVersion}`),
    onRelist: (items) => relists.push(items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`)),
    onProblem: (message) => problems.push(message),
    onGap: (fromNs, toNs, why) => gaps.push({ ms: Number((toNs - fromNs) / 1_000_000n), why }),
    silenceMs,
    restartDelayMs: 5,
    signal: controller.signal,
  });
  const stop = async () => {
    controller.abort();
    await done;
  };
  stops.push(stop);
  return { seen, relists, problems, gaps, done, stop };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** List answers in turn; the last one repeats. */
function lists(fake: FakeKube, ...answers: { items: Item[]; resourceVersion: string }[]) {
  let call = 0;
  fake.listPodsAnswer = () => {
    const answer = answers[Math.min(call++, answers.length - 1)]!;
    return { items: answer.items as never[], metadata: { resourceVersion: answer.resourceVersion } };
  };
}

describe('resilientWatch', () => {
  it('lists first, then watches from the list’s resourceVersion with bookmarks and the selector', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [item('p', '7')], resourceVersion: '10' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    expect(first.query).toMatchObject({
      resourceVersion: '10',
      allowWatchBookmarks: true,
      fieldSelector: 'metadata.name=p',
    });
    expect(w.relists).toEqual([['p@7']]);
    expect(w.seen).toEqual(['ADDED p@7']);
  });

  it('relists on 410 Gone without losing an event, and watches from the new list’s version', async () => {
    const fake = new FakeKube();
    lists(
      fake,
      { items: [item('p', '7')], resourceVersion: '10' },
      // What changed while the version was compacted away shows up in the relist.
      { items: [item('p', '15'), item('q', '16')], resourceVersion: '20' },
    );
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('MODIFIED', item('p', '11'));
    first.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });

    const second = await fake.nthWatch('pods', 2);
    expect(first.aborted).toBe(true);
    expect(second.query.resourceVersion).toBe('20');
    second.send('MODIFIED', item('q', '21'));
    expect(w.relists).toEqual([['p@7'], ['p@15', 'q@16']]);
    expect(w.seen).toEqual(['ADDED p@7', 'MODIFIED p@11', 'ADDED p@15', 'ADDED q@16', 'MODIFIED q@21']);
    expect(fake.listCalls).toHaveLength(2);
    expect(w.problems).toEqual([]);
  });

  it('relists when the watch request itself ends with 410', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' }, { items: [item('p', '30')], resourceVersion: '31' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.close(Object.assign(new Error('Gone'), { statusCode: 410 }));
    const second = await fake.nthWatch('pods', 2);
    expect(second.query.resourceVersion).toBe('31');
    expect(w.relists).toEqual([[], ['p@30']]);
    expect(w.seen).toEqual(['ADDED p@30']);
  });

  it('restarts a stream that went silent from the last resourceVersion it delivered, without a relist', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' });
    const w = watching(fake, 80);
    const first = await fake.nthWatch('pods', 1);
    first.send('ADDED', item('p', '12'));
    const second = await fake.nthWatch('pods', 2);
    expect(first.aborted).toBe(true);
    expect(second.query.resourceVersion).toBe('12');
    expect(fake.listCalls).toHaveLength(1);
    expect(w.problems).toEqual(['watch /api/v1/namespaces/ns/pods went silent; restarting']);
    // Events keep the watchdog quiet: a stream that talks more often than silenceMs is kept.
    for (let i = 0; i < 4; i++) {
      second.send('BOOKMARK', { metadata: { resourceVersion: `${13 + i}` } });
      await sleep(40);
    }
    expect(second.aborted).toBe(false);
  });

  it('resumes from the last resourceVersion (bookmarks included) when the stream closes normally', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('ADDED', item('p', '11'));
    first.send('BOOKMARK', { metadata: { resourceVersion: '15' } });
    first.close();
    const second = await fake.nthWatch('pods', 2);
    expect(second.query.resourceVersion).toBe('15');
    expect(w.seen).toEqual(['ADDED p@11']);
    expect(fake.listCalls).toHaveLength(1);
    expect(w.problems).toEqual([]);
  });

  it('says why a stream closed with an error, and resumes from where it was', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('ADDED', item('p', '11'));
    first.close(new Error('socket hang up'));
    const second = await fake.nthWatch('pods', 2);
    expect(second.query.resourceVersion).toBe('11');
    expect(w.problems).toEqual(['watch /api/v1/namespaces/ns/pods closed: Error: socket hang up']);
  });

  it('retries a failed list, then watches from its version', async () => {
    const fake = new FakeKube();
    let calls = 0;
    fake.listPodsAnswer = () => {
      if (calls++ === 0) throw new Error('connect ECONNREFUSED');
      return { items: [], metadata: { resourceVersion: '40' } };
    };
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    expect(first.query.resourceVersion).toBe('40');
    expect(w.problems).toEqual(['list /api/v1/namespaces/ns/pods failed: Error: connect ECONNREFUSED']);
  });

  it('ends when aborted, aborting its open stream', async () => {
    const fake = new FakeKube();
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    await w.stop();
    expect(first.aborted).toBe(true);
    expect(fake.watches).toHaveLength(1);
  });

  it('records a gap from the last thing received until the stream is back, for a break but not a planned close', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('ADDED', item('p', '11'));
    first.close();
    const second = await fake.nthWatch('pods', 2);
    expect(w.gaps).toEqual([]);
    await sleep(30);
    second.close(new Error('connect ECONNREFUSED'));
    await fake.nthWatch('pods', 3);
    expect(w.gaps).toHaveLength(1);
    expect(w.gaps[0]?.why).toBe('stream broke');
    expect(w.gaps[0]?.ms).toBeGreaterThanOrEqual(25);
  });

  it('records the relist after 410 as a gap', async () => {
    const fake = new FakeKube();
    lists(fake, { items: [], resourceVersion: '10' }, { items: [], resourceVersion: '20' });
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    await fake.nthWatch('pods', 2);
    expect(w.gaps.map((g) => g.why)).toEqual(['resourceVersion expired (410), relisted']);
  });

  it('keeps the blind stretch when it is stopped while the stream is down', async () => {
    const fake = new FakeKube();
    let calls = 0;
    fake.listPodsAnswer = () => {
      if (calls++ > 0) throw new Error('connect ECONNREFUSED');
      return { items: [], metadata: { resourceVersion: '10' } };
    };
    const w = watching(fake);
    const first = await fake.nthWatch('pods', 1);
    first.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    // The relist keeps failing: the API server is down, and the observation stops meanwhile.
    await sleep(40);
    expect(w.gaps).toEqual([]);
    await w.stop();
    expect(w.gaps).toHaveLength(1);
    expect(w.gaps[0]?.why).toBe(
      'resourceVersion expired (410), relisted; still down when observation stopped',
    );
    expect(w.gaps[0]?.ms).toBeGreaterThanOrEqual(35);
  });

  it('adds no gap when stopped while the stream is up', async () => {
    const fake = new FakeKube();
    const w = watching(fake);
    await fake.nthWatch('pods', 1);
    await w.stop();
    expect(w.gaps).toEqual([]);
  });
});
