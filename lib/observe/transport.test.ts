import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { failWithSource } from './transport.js';

/** A sink like the observer's: says whether it saw a normal end, a break, or neither. */
function sink() {
  const seen = { written: '', finished: false, error: undefined as Error | undefined, closed: false };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      seen.written += chunk.toString();
      callback();
    },
    final(callback) {
      seen.finished = true;
      callback();
    },
  });
  stream.on('error', (error) => (seen.error = error));
  const closed = new Promise<void>((resolve) => stream.on('close', () => ((seen.closed = true), resolve())));
  return { stream, seen, closed };
}

describe('failWithSource', () => {
  it('destroys the sink with the error when the piped body fails (a pipe alone leaves it open)', async () => {
    const target = sink();
    failWithSource(target.stream);
    const body = new PassThrough();
    body.on('error', () => undefined);
    body.pipe(target.stream);
    body.write('2025-07-13T23:47:31.000000001Z one\n');
    body.destroy(new Error('ECONNRESET'));
    await target.closed;
    expect(target.seen).toMatchObject({ written: '2025-07-13T23:47:31.000000001Z one\n', finished: false });
    expect(target.seen.error?.message).toBe('ECONNRESET');
  });

  it('treats a body closed before its end as a break', async () => {
    const target = sink();
    failWithSource(target.stream);
    const body = new PassThrough();
    body.pipe(target.stream);
    body.destroy();
    await target.closed;
    expect(target.seen.finished).toBe(false);
    expect(target.seen.error?.message).toBe('log stream closed before its end');
  });

  it('leaves a normal end alone: the sink finishes without an error', async () => {
    const target = sink();
    failWithSource(target.stream);
    const body = new PassThrough();
    body.pipe(target.stream);
    body.end('2025-07-13T23:47:31.000000001Z last\n');
    await target.closed;
    expect(target.seen).toMatchObject({ finished: true, error: undefined });
  });
});
