import { WaitTimeoutError } from '../../wait.js';
import type { DriveContext } from '../scenario.js';

/** Steps the agnhost scenarios need beyond lib/scenarios/drive.ts. */

const podOf = (context: DriveContext) => context.observer.podName ?? context.podName;

/**
 * Waits until the container has logged a line matching `line` (a request agnhost netexec served),
 * at most `timeoutMs` (upstream's wait for it). A timeout names the line and what the container did
 * log last.
 */
export async function waitForLogLine(
  context: DriveContext,
  container: string,
  line: RegExp,
  timeoutMs: number,
): Promise<void> {
  const name = podOf(context);
  const lines = () => context.observer.timeline.find({ kind: 'log', container });
  context.progress(`${name}: waiting for ${container} to log /${line.source}/`);
  try {
    await context.observer.waitFor(
      () => (lines().some((r) => line.test(r.message ?? '')) ? true : undefined),
      {
        description: `${container} to log /${line.source}/ in ${context.namespace}/${name}`,
        timeoutMs,
        signal: context.signal,
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const last = lines().at(-1)?.message;
    throw new Error(
      `${container} did not log /${line.source}/ within ${timeoutMs} ms in ${context.namespace}/${name} (its last line: ${last === undefined ? 'none' : JSON.stringify(last)})`,
      { cause: error },
    );
  }
}
