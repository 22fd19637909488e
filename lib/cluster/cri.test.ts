import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeRecords } from '../observe/runtime.js';
import { CrictlInspector, crictlMessage, isNotFound, parseCrictlInspect } from './cri.js';

/**
 * `crictl inspect -o json -q` output recorded from crictl v1.37.0 against the local cluster's
 * containerd 2.4.2 (Kubernetes v1.37.2): File 1's sidecar while running and File 3's app after it
 * exited. Trimmed: mounts, resources, user and the image block are left out; the rest is verbatim.
 */
const RUNNING_ID = 'd503a93d3452663bd558bb27b2efa804f959479a021dbcecf426d04a553b9f95';
const EXITED_ID = '7b02853e65420ec756cf8a069906147199d2aca270c177ae4ab39d4b3a92098a';

const runningStatus = {
  annotations: {
    'io.kubernetes.container.hash': '7a0203ec',
    'io.kubernetes.container.restartCount': '0',
    'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
    'io.kubernetes.container.terminationMessagePolicy': 'File',
    'io.kubernetes.pod.terminationGracePeriod': '30',
  },
  createdAt: '2026-12-01T09:17:41.461808814Z',
  exitCode: 0,
  finishedAt: '0001-01-01T00:00:00Z',
  id: RUNNING_ID,
  imageRef: 'sha256:497f602f380eee1216d3aa980bb12ed8bda82fff606958a6a6e5b8685b74db37',
  labels: {
    'io.kubernetes.container.name': 'sidecar',
    'io.kubernetes.pod.name': 'sidecar-container-example',
    'io.kubernetes.pod.namespace': 'sc-basic-capture-mx4hhh8i',
    'io.kubernetes.pod.uid': '696fcb23-5fca-4929-9bf1-07051a4b05c5',
  },
  logPath:
    '/var/log/pods/sc-basic-capture-mx4hhh8i_sidecar-container-example_696fcb23-5fca-4929-9bf1-07051a4b05c5/sidecar/0.log',
  message: '',
  metadata: { attempt: 0, name: 'sidecar' },
  reason: '',
  startedAt: '2026-12-01T09:17:41.528300337Z',
  state: 'CONTAINER_RUNNING',
};

const exitedStatus = {
  annotations: {
    'io.kubernetes.container.hash': '9b561486',
    'io.kubernetes.container.restartCount': '0',
    'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
    'io.kubernetes.container.terminationMessagePolicy': 'File',
    'io.kubernetes.pod.terminationGracePeriod': '30',
  },
  createdAt: '2026-12-01T09:17:41.841037876Z',
  exitCode: 0,
  finishedAt: '2026-12-01T09:17:44.896047913Z',
  id: EXITED_ID,
  imageRef: 'sha256:497f602f380eee1216d3aa980bb12ed8bda82fff606958a6a6e5b8685b74db37',
  labels: {
    'io.kubernetes.container.name': 'app',
    'io.kubernetes.pod.name': 'sidecar-container-exit-example',
    'io.kubernetes.pod.namespace': 'sc-exit-capture-mx4hhh8i',
    'io.kubernetes.pod.uid': '5edad73d-872a-4674-b55f-dd9480b4cf38',
  },
  logPath:
    '/var/log/pods/sc-exit-capture-mx4hhh8i_sidecar-container-exit-example_5edad73d-872a-4674-b55f-dd9480b4cf38/app/0.log',
  message: '',
  metadata: { attempt: 0, name: 'app' },
  reason: 'Completed',
  startedAt: '2026-12-01T09:17:41.888170845Z',
  state: 'CONTAINER_EXITED',
};

/** crictl indents with two spaces; one id prints an object, several an array. */
const RUNNING_JSON = JSON.stringify({ status: runningStatus }, null, 2);
const EXITED_JSON = JSON.stringify({ status: exitedStatus }, null, 2);
const BOTH_JSON = JSON.stringify([{ status: runningStatus }, { status: exitedStatus }], null, 2);

/** stderr of `crictl inspect` for an id containerd does not know (exit code 1), as recorded. */
const notFoundStderr = (id: string) =>
  [
    `E1201 09:18:03.524996   11294 remote_runtime.go:657] "ContainerStatus from runtime service failed" err="rpc error: code = NotFound desc = an error occurred when try to find container \\"${id}\\": not found" containerID="${id}"`,
    `time="2026-12-01T09:18:03Z" level=error msg="get the status of containers: get container status: rpc error: code = NotFound desc = an error occurred when try to find container \\"${id}\\": not found"`,
  ].join('\n');

/** stderr of crictl when the socket is not there, as recorded. */
const UNAVAILABLE_STDERR =
  'time="2026-12-01T09:19:44Z" level=error msg="validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///tmp/nope.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /tmp/nope.sock: connect: no such file or directory\\""';

describe('parseCrictlInspect', () => {
  it('reads a running container: created and started in ns, no finish, no exit code', () => {
    expect(parseCrictlInspect(RUNNING_JSON)).toEqual([
      {
        containerId: RUNNING_ID,
        name: 'sidecar',
        createdNs: 1796116661461808814n,
        startedNs: 1796116661528300337n,
      },
    ]);
  });

  it('reads a finished container with every digit, its exit code and reason', () => {
    expect(parseCrictlInspect(EXITED_JSON)).toEqual([
      {
        containerId: EXITED_ID,
        name: 'app',
        createdNs: 1796116661841037876n,
        startedNs: 1796116661888170845n,
        finishedNs: 1796116664896047913n,
        exitCode: 0,
        reason: 'Completed',
      },
    ]);
  });

  it('reads several containers (an array) in crictl order', () => {
    const times = parseCrictlInspect(BOTH_JSON);
    expect(times.map((t) => [t.name, t.containerId])).toEqual([
      ['sidecar', RUNNING_ID],
      ['app', EXITED_ID],
    ]);
  });

  it('treats the zero time and the epoch as unset (a created, never started container)', () => {
    const created = {
      status: {
        ...runningStatus,
        state: 'CONTAINER_CREATED',
        startedAt: '0001-01-01T00:00:00Z',
        finishedAt: '1970-01-01T00:00:00Z',
      },
    };
    const [times] = parseCrictlInspect(JSON.stringify(created));
    expect(times?.createdNs).toBe(1796116661461808814n);
    expect(times).not.toHaveProperty('startedNs');
    expect(times).not.toHaveProperty('finishedNs');
  });

  it('reads times crictl printed in another zone (TZ=Europe/Berlin) as the same instants', () => {
    const berlin = {
      status: {
        ...exitedStatus,
        createdAt: '2026-12-01T10:17:41.841037876+01:00',
        startedAt: '2026-12-01T10:17:41.888170845+01:00',
        finishedAt: '2026-12-01T10:17:44.896047913+01:00',
      },
    };
    expect(parseCrictlInspect(JSON.stringify(berlin))).toEqual(parseCrictlInspect(EXITED_JSON));
  });

  it('keeps a failed exit: code and reason', () => {
    const failed = { status: { ...exitedStatus, exitCode: 137, reason: 'Error' } };
    const [times] = parseCrictlInspect(JSON.stringify(failed));
    expect(times).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('feeds runtimeRecords: created, started and terminated, exact', () => {
    const [times] = parseCrictlInspect(EXITED_JSON);
    const records = runtimeRecords(times!, 0, 1796116665000000000n);
    expect(records.map((r) => [r.kind, r.time, r.precision])).toEqual([
      ['created', '2026-12-01T09:17:41.841037876Z', 'exact'],
      ['started', '2026-12-01T09:17:41.888170845Z', 'exact'],
      ['terminated', '2026-12-01T09:17:44.896047913Z', 'exact'],
    ]);
  });

  it('refuses what is not crictl inspect output', () => {
    expect(() => parseCrictlInspect('')).toThrow(/not JSON/);
    expect(() => parseCrictlInspect('{"info": {}}')).toThrow(/without a container status/);
    expect(() =>
      parseCrictlInspect(JSON.stringify({ status: { ...runningStatus, createdAt: 'soon' } })),
    ).toThrow(/not an RFC3339 time/);
  });
});

describe('crictl errors', () => {
  it('tells a container the runtime does not know from other failures', () => {
    expect(isNotFound(notFoundStderr('0000deadbeef'))).toBe(true);
    expect(isNotFound(UNAVAILABLE_STDERR)).toBe(false);
  });

  it('takes the message of crictl’s last log line', () => {
    expect(crictlMessage(UNAVAILABLE_STDERR)).toBe(
      'validate service connection: validate CRI v1 runtime API for endpoint "unix:///tmp/nope.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /tmp/nope.sock: connect: no such file or directory"',
    );
    expect(crictlMessage('plain failure\n')).toBe('plain failure');
  });
});

describe('CrictlInspector', () => {
  // A stand-in crictl: prints the recorded JSON for ids it has a file for, the recorded NotFound
  // error for others; `broken` fails like a missing socket and `hang` never answers.
  let dir: string;
  let crictl: string;
  const socket = '/run/sc-test/containerd.sock';
  const calls = async () => (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).trim().split('\n');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-crictl-'));
    crictl = join(dir, 'crictl');
    await writeFile(join(dir, `${RUNNING_ID}.json`), RUNNING_JSON);
    await writeFile(join(dir, `${EXITED_ID}.json`), EXITED_JSON);
    await writeFile(join(dir, 'notfound.err'), notFoundStderr('0000deadbeef'));
    await writeFile(join(dir, 'unavailable.err'), UNAVAILABLE_STDERR);
    await writeFile(
      crictl,
      [
        '#!/bin/sh',
        'dir=$(dirname "$0")',
        'echo "$* TZ=$TZ" >> "$dir/calls"',
        'shift 8',
        'for id in "$@"; do',
        '  case "$id" in',
        '    hang) exec sleep 30 ;;',
        '    broken) cat "$dir/unavailable.err" >&2; exit 1 ;;',
        '  esac',
        '  [ -f "$dir/$id.json" ] || { cat "$dir/notfound.err" >&2; exit 1; }',
        'done',
        'if [ $# -eq 1 ]; then cat "$dir/$1.json"; exit 0; fi',
        'sep="["; for id in "$@"; do printf "%s" "$sep"; cat "$dir/$id.json"; sep=","; done; echo "]"',
        '',
      ].join('\n'),
    );
    await chmod(crictl, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names its source by the socket it asks', () => {
    expect(new CrictlInspector({ crictl, socket }).source).toBe(`crictl inspect (unix://${socket})`);
  });

  it('runs crictl inspect -o json on the cluster socket, in UTC, and maps the times', async () => {
    const inspector = new CrictlInspector({ crictl, socket });
    await expect(inspector.inspect(EXITED_ID)).resolves.toMatchObject({
      name: 'app',
      finishedNs: 1796116664896047913n,
    });
    expect((await calls()).at(-1)).toBe(
      `--config /dev/null --runtime-endpoint unix://${socket} inspect -o json -q ${EXITED_ID} TZ=UTC`,
    );
  });

  it('answers undefined, not a throw, for a container the runtime no longer knows', async () => {
    await expect(new CrictlInspector({ crictl, socket }).inspect('0000deadbeef')).resolves.toBeUndefined();
  });

  it('inspects several ids in one call, and asks one by one when one of them is unknown', async () => {
    const inspector = new CrictlInspector({ crictl, socket });
    const before = (await calls()).length;
    const both = await inspector.inspectMany([EXITED_ID, RUNNING_ID]);
    expect(both.map((t) => t?.name)).toEqual(['app', 'sidecar']);
    expect((await calls()).length - before).toBe(1);
    const mixed = await inspector.inspectMany([RUNNING_ID, '0000deadbeef', EXITED_ID]);
    expect(mixed.map((t) => t?.name)).toEqual(['sidecar', undefined, 'app']);
  });

  it('throws one sentence for other failures, a timeout, an abort and a missing crictl', async () => {
    const inspector = new CrictlInspector({ crictl, socket, timeoutMs: 500 });
    await expect(inspector.inspect('broken')).rejects.toThrow(
      /^crictl inspect of container broken failed on unix:\/\/\/run\/sc-test\/containerd\.sock: validate service connection: .*no such file or directory"$/,
    );
    await expect(inspector.inspect('hang')).rejects.toThrow(
      `crictl inspect of container hang did not answer within 500 ms on unix://${socket}.`,
    );
    const controller = new AbortController();
    const pending = new CrictlInspector({ crictl, socket }).inspect('hang', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow('Reading container hang from the runtime was interrupted.');
    await expect(
      new CrictlInspector({ crictl: join(dir, 'absent'), socket }).inspect(RUNNING_ID),
    ).rejects.toThrow(
      `crictl is missing at ${join(dir, 'absent')}; \`sidecar-conformance cluster up\` builds it.`,
    );
  });

  it('runs crictl through a command into the node (docker exec), naming the node in its source and errors', async () => {
    // A stand-in docker: `exec -e TZ=UTC NODE crictl ARGS…` runs the stand-in crictl with ARGS and TZ.
    const docker = join(dir, 'docker');
    await writeFile(
      docker,
      [
        '#!/bin/sh',
        'dir=$(dirname "$0")',
        'echo "docker $1 $2 $3 $4 $5" >> "$dir/calls"',
        'export TZ="${3#TZ=}"',
        'shift 5',
        'exec "$dir/crictl" "$@"',
        '',
      ].join('\n'),
    );
    await chmod(docker, 0o755);
    const via = {
      command: docker,
      args: ['exec', '-e', 'TZ=UTC', 'sc-control-plane'],
      what: 'node sc-control-plane',
    };
    const inspector = new CrictlInspector({ crictl: 'crictl', socket, via });
    expect(inspector.source).toBe(`crictl inspect (node sc-control-plane, unix://${socket})`);
    await expect(inspector.inspect(RUNNING_ID)).resolves.toMatchObject({ name: 'sidecar' });
    expect((await calls()).slice(-2)).toEqual([
      'docker exec -e TZ=UTC sc-control-plane crictl',
      `--config /dev/null --runtime-endpoint unix://${socket} inspect -o json -q ${RUNNING_ID} TZ=UTC`,
    ]);
    await expect(inspector.inspect('0000deadbeef')).resolves.toBeUndefined();
    await expect(inspector.inspect('broken')).rejects.toThrow(
      `failed on unix://${socket} (node sc-control-plane): `,
    );
    await expect(
      new CrictlInspector({
        crictl: 'crictl',
        socket,
        via: { ...via, command: join(dir, 'no-docker') },
      }).inspect(RUNNING_ID),
    ).rejects.toThrow(
      `${join(dir, 'no-docker')} is missing; crictl inspect runs through node sc-control-plane.`,
    );
  });
});
